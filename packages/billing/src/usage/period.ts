// Billing periods for usage: the subscription's current period as Stripe last told us, rolled
// forward (or back) by its interval when an event falls outside it — a renewal's webhook may not
// have arrived yet, and late events belong to the period they happened in.

export interface Period {
  start: Date;
  end: Date;
}

export type Interval = "day" | "week" | "month" | "year";

const DAY = 86_400_000;

/** `from` plus `steps` intervals; months keep the day of month, clamped to shorter months. */
export function addIntervals(from: Date, interval: Interval, steps: number): Date {
  if (interval === "day" || interval === "week") {
    return new Date(from.getTime() + steps * (interval === "day" ? 1 : 7) * DAY);
  }
  const months = interval === "year" ? steps * 12 : steps;
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** The period containing `at`, in the series that `known` belongs to. */
export function periodContaining(
  known: Period,
  interval: Interval,
  intervalCount: number,
  at: Date,
): Period {
  const t = at.getTime();
  if (t >= known.start.getTime() && t < known.end.getTime()) return known;
  // Estimate the step from the period's length, then settle it exactly (month lengths vary).
  const length = Math.max(1, known.end.getTime() - known.start.getTime());
  let k = Math.floor((t - known.start.getTime()) / length);
  const startOf = (n: number) => addIntervals(known.start, interval, n * intervalCount);
  while (startOf(k).getTime() > t) k -= 1;
  while (startOf(k + 1).getTime() <= t) k += 1;
  return { start: startOf(k), end: startOf(k + 1) };
}

/** The calendar month (UTC) containing `at`: the period of a customer without a plan. */
export function calendarMonth(at: Date): Period {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  return { start, end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
}

/** Midnight UTC starting the day of `at`. */
export const dayOf = (at: Date): Date => new Date(Math.floor(at.getTime() / DAY) * DAY);
