import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import type { LineInput } from "../invoices/lines.ts";
import { isMetered, meteredLine } from "../meters/lines.ts";
import { periodOf } from "./state.ts";

/**
 * What an update in the middle of a period does to metered items (nothing when a new period
 * starts now: the cut-short period's usage is billed with it). A metered price that comes onto
 * an item bills usage from now on. In flexible billing mode, a metered price that leaves the
 * subscription (removed, or swapped on its item) bills the usage it counted so far, at once,
 * unless `proration_behavior` is `none`; in classic mode that usage is not billed (as Stripe
 * documents for switching meter prices mid-cycle).
 */
export interface MeteredChange {
  /** Items whose metered price bills usage only from `from`. */
  from: { item: string; price: string; from: number }[];
  /** Usage so far of the metered prices leaving (flexible billing mode). */
  usage: LineInput[];
}

export function meteredChange(
  ctx: Ctx,
  sub: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  o: { reset: boolean; prorate: boolean; now: number },
): MeteredChange {
  if (o.reset) return { from: [], usage: [] };
  const same = (a: Stripe.SubscriptionItem) => (b: Stripe.SubscriptionItem) =>
    a.id === b.id && a.price.id === b.price.id;
  const from = items
    .filter((i) => isMetered(i.price) && !sub.items.data.some(same(i)))
    .map((i) => ({ item: i.id, price: i.price.id, from: o.now }));
  const period = periodOf(sub);
  // At the period's end (a schedule phase starting), the renewal bills the period's usage.
  const billsLeaving = sub.billing_mode?.type === "flexible" && o.prorate && o.now < period.end;
  const elapsed = { start: period.start, end: o.now };
  const usage = billsLeaving
    ? sub.items.data
        .filter((i) => isMetered(i.price) && !items.some(same(i)))
        .map((i) => meteredLine(ctx, sub, i, elapsed, { trial: false }))
        .filter((l) => (l.quantity ?? 0) > 0)
    : [];
  return { from, usage };
}
