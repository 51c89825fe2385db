import type { SubscriptionHistoryDiscount, SubscriptionHistoryItem } from "@folio/db";
import type { MetricSettings, MrrSnapshot } from "./api.ts";
import { DEFAULT_METRIC_SETTINGS } from "./settings.ts";

// The one definition of a subscription's MRR (docs/METRICS.md). History rows store it, movements
// are derived from it and reconciliation applies it to Stripe's live objects, so the three cannot
// disagree about what a subscription is worth.

/** Statuses whose subscription brings in revenue. Trialing, paused, incomplete, unpaid and ended
 * subscriptions are worth 0 (trials are shown as the trial pipeline instead). */
const PAYING = new Set(["active", "past_due"]);

/** Months per interval as a fraction [numerator, denominator] of a month: amount × n ÷ d. */
function perMonth(interval: string, count: number): [number, number] {
  const c = Math.max(1, count);
  switch (interval) {
    case "year":
      return [1, 12 * c];
    case "week":
      return [52, 12 * c];
    case "day":
      return [365, 12 * c];
    default:
      return [1, c];
  }
}

/** Is the discount taking money off invoices at `at`? Once-coupons never count (they discount
 * one invoice, not the recurring revenue); repeating ones until their end; forever ones always. */
export function discountApplies(d: SubscriptionHistoryDiscount, at: number): boolean {
  switch (d.duration) {
    case "forever":
      return true;
    case "repeating":
      return d.end === null || d.end * 1000 > at;
    default:
      // "once", or a coupon whose terms Folio never learnt (deleted before it was seen).
      return false;
  }
}

const isRecurringLicensed = (i: SubscriptionHistoryItem) =>
  i.unitAmount !== null && i.usageType !== "metered";

/**
 * The recurring amount one billing period of the subscription charges, before normalising:
 * Σ unit amount × quantity of its licensed items, less the discounts applying at `at`
 * (percentages first, then fixed amounts in the subscription's currency), never below 0.
 * Tax is never part of it: Stripe adds tax on the invoice, not to the price.
 */
function periodAmount(s: MrrSnapshot, at: number): number {
  let amount = 0;
  for (const i of s.items) if (isRecurringLicensed(i)) amount += i.unitAmount! * i.quantity;
  const active = s.discounts.filter((d) => discountApplies(d, at));
  for (const d of active) if (d.percentOff !== null) amount *= 1 - d.percentOff / 100;
  for (const d of active)
    if (d.amountOff !== null && (d.currency === null || d.currency === s.currency))
      amount -= d.amountOff;
  return Math.max(0, amount);
}

/** Would the subscription count as revenue, whatever its price? */
export function isPaying(s: MrrSnapshot, settings: MetricSettings): boolean {
  if (!PAYING.has(s.status) || s.paused) return false;
  if (settings.churnAtCancelRequest && (s.cancelAtPeriodEnd || s.cancelAt !== null)) return false;
  return true;
}

/**
 * MRR of a subscription in minor units of its currency at instant `at`: its period amount
 * normalised to a month (annual ÷ 12, quarterly ÷ 3, weekly × 52 ÷ 12, daily × 365 ÷ 12),
 * rounded half up once at the end. 0 unless active or past_due (see `isPaying`). A past_due
 * subscription's churn after N days depends on how long it has been past_due, which a snapshot
 * cannot say: the customer timeline (movements.ts) applies that setting.
 */
export function subscriptionMrr(
  s: MrrSnapshot,
  at: Date | number,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): number {
  if (!isPaying(s, settings)) return 0;
  return normalised(s, periodAmount(s, typeof at === "number" ? at : at.getTime()));
}

function normalised(s: MrrSnapshot, amount: number): number {
  const first = s.items.find(isRecurringLicensed) ?? s.items[0];
  if (!first) return 0;
  // Stripe requires every item of a subscription to share one billing interval.
  const [n, d] = perMonth(first.interval, first.intervalCount);
  return Math.round((amount * n) / d);
}

/**
 * The subscription's MRR split by product (same rounding rule, so parts may differ from the
 * whole by a unit): each product's share of the undiscounted amount, discounted pro rata.
 */
export function subscriptionMrrByProduct(
  s: MrrSnapshot,
  at: Date | number,
  settings: MetricSettings = DEFAULT_METRIC_SETTINGS,
): Map<string, number> {
  const out = new Map<string, number>();
  const total = subscriptionMrr(s, at, settings);
  if (total === 0) return out;
  let gross = 0;
  for (const i of s.items) if (isRecurringLicensed(i)) gross += i.unitAmount! * i.quantity;
  const parts = s.items
    .filter(isRecurringLicensed)
    .map((i) => ({ product: i.productId, share: (i.unitAmount! * i.quantity) / gross }));
  // The last part takes what rounding left, so the parts add up to the subscription's MRR.
  let given = 0;
  parts.forEach((p, idx) => {
    const v = idx === parts.length - 1 ? total - given : Math.round(total * p.share);
    given += v;
    out.set(p.product, (out.get(p.product) ?? 0) + v);
  });
  return out;
}

/** The instants after `from` at which the subscription's MRR changes with no event: ends of
 * repeating discounts (Stripe removes them at the next invoice without changing the price). */
export function discountEnds(s: MrrSnapshot, from: number): number[] {
  return s.discounts
    .filter((d) => d.duration === "repeating" && d.end !== null && d.end * 1000 > from)
    .map((d) => d.end! * 1000)
    .sort((a, b) => a - b);
}
