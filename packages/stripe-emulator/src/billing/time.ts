import type Stripe from "stripe";

/**
 * Billing-period arithmetic. Month and year steps are counted from the billing cycle
 * anchor (not chained), so a subscription anchored on Jan 31 bills Feb 28, Mar 31, Apr 30…
 * like Stripe does. Times stay in UTC.
 */
export type Interval = Stripe.Price.Recurring.Interval;

export function addIntervals(anchor: number, interval: Interval, count: number, n: number): number {
  if (interval === "day") return anchor + n * count * 86_400;
  if (interval === "week") return anchor + n * count * 7 * 86_400;
  const d = new Date(anchor * 1000);
  const months = (interval === "year" ? 12 : 1) * count * n;
  const totalMonths = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

/** The first period boundary strictly after `after`, counted from `anchor`. */
export function nextBoundary(
  anchor: number,
  interval: Interval,
  count: number,
  after: number,
): number {
  if (anchor > after) return anchor;
  // Jump close with an estimate, then walk: months vary in length.
  const approx =
    ({ day: 86_400, week: 604_800, month: 2_629_746, year: 31_556_952 } as Record<string, number>)[
      interval
    ] ?? 86_400;
  let n = Math.max(1, Math.floor((after - anchor) / (approx * count)) - 1);
  while (n > 1 && addIntervals(anchor, interval, count, n) > after) n--;
  while (addIntervals(anchor, interval, count, n) <= after) n++;
  return addIntervals(anchor, interval, count, n);
}

/** The period boundary at or before `at` (the start of the period containing `at`). */
export function previousBoundary(
  anchor: number,
  interval: Interval,
  count: number,
  at: number,
): number {
  const end = nextBoundary(anchor, interval, count, at);
  if (end === anchor) return anchor;
  let n = 0;
  let start = anchor;
  for (;;) {
    const next = addIntervals(anchor, interval, count, n + 1);
    if (next >= end) return start;
    start = next;
    n++;
    if (n > 100_000) return start;
  }
}

/** "11 Jan 2026", as Stripe writes dates in line descriptions. */
export function formatDate(unix: number): string {
  const d = new Date(unix * 1000);
  const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}
