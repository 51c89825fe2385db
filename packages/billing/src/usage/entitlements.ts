import { usageDaily, type Db, type OverageMode } from "@folio/db";
import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { balanceOf } from "../wallets/ledger.ts";
import { resolveCustomer } from "./input.ts";
import { statements } from "./statements.ts";
import { countersAt, NO_ALLOWANCE, planTermsAt } from "./plan.ts";

export interface MeterEntitlement {
  meter: string;
  name: string;
  unitLabel: string;
  periodStart: Date;
  periodEnd: Date;
  /** Null: unlimited. */
  included: number | null;
  used: number;
  /** Left of the allowance this period; null when unlimited. */
  includedRemaining: number | null;
  creditsUsed: number;
  overage: OverageMode;
  /** Billed overage so far this period (metered plans). */
  overageQuantity: number;
}

export interface Entitlements {
  customerId: string;
  at: Date;
  credits: { balance: number };
  meters: MeterEntitlement[];
}

/**
 * How much is left this period and in credits, for a rate limiter in the merchant's request
 * path: the period's counters (one indexed range read) and the wallet row. Before the first
 * event of a period nothing is stored yet, so the plan's terms are read instead (zero used).
 */
export async function entitlements(
  { db, clock }: { db: Db; clock: Clock },
  customer: string,
): Promise<Entitlements> {
  const userId = await resolveCustomer(db, customer);
  if (!userId) {
    throw new DomainError(
      "NOT_FOUND",
      `No customer has the id or external id ${JSON.stringify(customer)}.`,
      {
        field: "customer",
      },
    );
  }
  const at = clock.now();
  const [counters, balance, all] = await Promise.all([
    countersAt(db, userId, at),
    balanceOf(db, userId),
    statements(db).activeMeters.all(),
  ]);
  const byKey = new Map(counters.map((c) => [c.meterKey, c]));
  const terms = all.some((m) => !byKey.has(m.key)) ? await planTermsAt(db, userId, at) : null;
  return {
    customerId: userId,
    at,
    credits: { balance },
    meters: all.map((m) => {
      const c = byKey.get(m.key);
      const t = c ?? {
        ...(terms!.meters.get(m.key) ?? NO_ALLOWANCE),
        periodStart: terms!.period.start,
        periodEnd: terms!.period.end,
      };
      const used = c?.quantity ?? 0;
      const includedUsed = c?.includedUsed ?? 0;
      return {
        meter: m.key,
        name: m.name,
        unitLabel: m.unitLabel,
        periodStart: t.periodStart,
        periodEnd: t.periodEnd,
        included: t.included,
        used,
        includedRemaining: t.included === null ? null : Math.max(0, t.included - includedUsed),
        creditsUsed: c?.creditsUsed ?? 0,
        overage: t.overage,
        overageQuantity: c?.overageQuantity ?? 0,
      };
    }),
  };
}

/** A customer's usage of one meter per UTC day in [from, to), for charts. Days without usage are absent. */
export async function usageByDay(
  db: Db,
  q: { userId: string; meterKey: string; from: Date; to: Date },
): Promise<{ day: Date; quantity: number }[]> {
  return db
    .select({ day: usageDaily.day, quantity: usageDaily.quantity })
    .from(usageDaily)
    .where(
      and(
        eq(usageDaily.userId, q.userId),
        eq(usageDaily.meterKey, q.meterKey),
        gte(usageDaily.day, q.from),
        lt(usageDaily.day, q.to),
      ),
    )
    .orderBy(asc(usageDaily.day));
}
