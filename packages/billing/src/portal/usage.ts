import type { Db } from "@folio/db";
import type { Clock } from "../clock.ts";
import { entitlements, usageByDay, type MeterEntitlement } from "../usage/entitlements.ts";
import { walletOf } from "../wallets/ledger.ts";
import { lowBalanceThreshold } from "../wallets/low-balance.ts";

// What the customer's Usage page and its banner show: this period's usage of each meter against
// the plan's allowance, by day; the credit balance; and the alerts (credits running low, a limit
// reached). Everything is read for the signed-in customer only.

const DAY = 86_400_000;
/** The chart shows this many days, up to today (a yearly plan's period would be 365 bars). */
export const CHART_DAYS = 31;

export type UsageAlert =
  | { kind: "low_balance"; balance: number; threshold: number }
  | { kind: "credits_exhausted" }
  | { kind: "limit_reached"; meter: string; name: string; blocked: boolean; periodEnd: Date };

export interface MeterUsage extends MeterEntitlement {
  /** The last CHART_DAYS UTC days up to today, oldest first, zeros included. */
  days: { day: Date; quantity: number }[];
}

export interface UsageOverview {
  at: Date;
  credits: { balance: number; lastAdded: number | null };
  meters: MeterUsage[];
  alerts: UsageAlert[];
}

const startOfDay = (t: number) => Math.floor(t / DAY) * DAY;

/** Low balance and limits, from the balance and each meter's state this period. */
export function usageAlerts(
  balance: number,
  added: number | null,
  meters: readonly MeterEntitlement[],
): UsageAlert[] {
  const alerts: UsageAlert[] = [];
  const threshold = lowBalanceThreshold(added);
  const drawsCredits = meters.some((m) => m.overage === "credits" && m.used > 0);
  if (added !== null && balance === 0 && drawsCredits) {
    alerts.push({ kind: "credits_exhausted" });
  } else if (threshold !== null && balance > 0 && balance < threshold) {
    alerts.push({ kind: "low_balance", balance, threshold });
  }
  for (const m of meters) {
    const allowanceGone = m.includedRemaining === 0 && m.included !== null && m.included > 0;
    const stopped =
      m.overage === "blocked" || (m.overage === "credits" && balance === 0 && m.used > 0);
    if (allowanceGone && stopped)
      alerts.push({
        kind: "limit_reached",
        meter: m.meter,
        name: m.name,
        blocked: m.overage === "blocked",
        periodEnd: m.periodEnd,
      });
  }
  return alerts;
}

/**
 * The Usage page for one customer. Meters the plan includes nothing of and that saw no use this
 * period are left out (every meter exists for every customer, most mean nothing to them).
 */
export async function usageOverview(
  deps: { db: Db; clock: Clock },
  userId: string,
): Promise<UsageOverview> {
  const ent = await entitlements(deps, userId);
  // The units of the last top-up or staff grant, the yardstick for "low" (the e-mail's too).
  const { lastAdded: added } = await walletOf(deps.db, userId);
  const now = ent.at.getTime();
  const shown = ent.meters.filter((m) => m.used > 0 || m.included === null || m.included > 0);
  const meters = await Promise.all(
    shown.map(async (m): Promise<MeterUsage> => {
      // The last month up to today, so a period that just began still shows recent days.
      const to = startOfDay(now) + DAY;
      const from = to - CHART_DAYS * DAY;
      const rows = await usageByDay(deps.db, {
        userId,
        meterKey: m.meter,
        from: new Date(from),
        to: new Date(to),
      });
      const byDay = new Map(rows.map((r) => [r.day.getTime(), r.quantity]));
      const days = [];
      for (let d = from; d < to; d += DAY)
        days.push({ day: new Date(d), quantity: byDay.get(d) ?? 0 });
      return { ...m, days };
    }),
  );
  return {
    at: ent.at,
    credits: { balance: ent.credits.balance, lastAdded: added },
    meters,
    alerts: usageAlerts(ent.credits.balance, added, ent.meters),
  };
}
