import {
  billingCustomers,
  planAllowances,
  stripeSubscriptionItems,
  stripeSubscriptions,
  usageCounters,
  type OverageMode,
  type Tx,
} from "@folio/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { calendarMonth, periodContaining, type Interval, type Period } from "./period.ts";
import { statements } from "./statements.ts";

/** Subscription states in which the plan's allowances apply. */
export const ENTITLED_STATUSES = ["active", "trialing", "past_due"];

export interface MeterTerms {
  /** Null: unlimited. */
  included: number | null;
  overage: OverageMode;
}

/** A customer's usage terms for the period containing a moment. */
export interface PlanTerms {
  period: Period;
  subscriptionId: string | null;
  /** By meter key; a meter the plan does not mention (or no plan) is paid from credits. */
  meters: Map<string, MeterTerms>;
}

/** What a meter costs when the plan includes none of it: credits only. */
export const NO_ALLOWANCE: MeterTerms = { included: 0, overage: "credits" };

/**
 * The terms of the customer's entitled subscription whose plan has allowances (the first such,
 * by subscription id, if several), for the period containing `at`. Without one: no allowance,
 * calendar months.
 */
export async function planTermsAt(tx: Tx, userId: string, at: Date): Promise<PlanTerms> {
  const link = await tx
    .select({ stripeCustomerId: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId))
    .get();
  const items = link
    ? await tx
        .select({
          subscriptionId: stripeSubscriptionItems.subscriptionId,
          productId: stripeSubscriptionItems.productId,
          interval: stripeSubscriptionItems.interval,
          intervalCount: stripeSubscriptionItems.intervalCount,
          start: stripeSubscriptionItems.currentPeriodStart,
          end: stripeSubscriptionItems.currentPeriodEnd,
        })
        .from(stripeSubscriptionItems)
        .innerJoin(
          stripeSubscriptions,
          eq(stripeSubscriptions.id, stripeSubscriptionItems.subscriptionId),
        )
        .where(
          and(
            eq(stripeSubscriptions.customerId, link.stripeCustomerId),
            inArray(stripeSubscriptions.status, ENTITLED_STATUSES),
            isNull(stripeSubscriptions.deletedAt),
            isNull(stripeSubscriptionItems.deletedAt),
          ),
        )
        .orderBy(stripeSubscriptionItems.subscriptionId, stripeSubscriptionItems.id)
    : [];
  const allowances =
    items.length > 0
      ? await tx
          .select()
          .from(planAllowances)
          .where(
            inArray(
              planAllowances.stripeProductId,
              items.map((i) => i.productId),
            ),
          )
      : [];
  const item = items.find((i) => allowances.some((a) => a.stripeProductId === i.productId));
  if (!item) return { period: calendarMonth(at), subscriptionId: null, meters: new Map() };
  const period = periodContaining(
    { start: item.start, end: item.end },
    (item.interval ?? "month") as Interval,
    item.intervalCount ?? 1,
    at,
  );
  return {
    period,
    subscriptionId: item.subscriptionId,
    meters: new Map(
      allowances
        .filter((a) => a.stripeProductId === item.productId)
        .map((a) => [a.meterKey, { included: a.included, overage: a.overage }]),
    ),
  };
}

export type CounterRow = typeof usageCounters.$inferSelect;

/** The customer's counters whose period contains `at` (at most one per meter). */
export async function countersAt(tx: Tx, userId: string, at: Date): Promise<CounterRow[]> {
  const rows = await statements(tx).countersAt.all({ userId, at: at.getTime() });
  // A plan change can leave a shortened period beside the new one; the later start wins.
  const byMeter = new Map<string, CounterRow>();
  for (const r of rows) {
    const seen = byMeter.get(r.meterKey);
    if (!seen || seen.periodStart < r.periodStart) byMeter.set(r.meterKey, r);
  }
  return [...byMeter.values()];
}

/**
 * Opens the period containing `at` for every active meter (one counter each, at the plan's terms)
 * and returns its counters. Idempotent: counters that exist are kept as they are.
 */
export async function openPeriod(
  tx: Tx,
  userId: string,
  at: Date,
  now: Date,
): Promise<CounterRow[]> {
  const terms = await planTermsAt(tx, userId, at);
  const active = await statements(tx).activeMeters.all();
  if (active.length > 0) {
    await tx
      .insert(usageCounters)
      .values(
        active.map((m) => {
          const t = terms.meters.get(m.key) ?? NO_ALLOWANCE;
          return {
            userId,
            meterKey: m.key,
            periodStart: terms.period.start,
            periodEnd: terms.period.end,
            subscriptionId: terms.subscriptionId,
            included: t.included,
            overage: t.overage,
            updatedAt: now,
          };
        }),
      )
      .onConflictDoNothing();
  }
  return countersAt(tx, userId, at);
}
