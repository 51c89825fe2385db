import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { idOf } from "../../core/util.ts";
import { itemDescription, trialDescription } from "../invoices/descriptions.ts";
import type { LineInput } from "../invoices/lines.ts";
import { aggregateUsage } from "./events.ts";
import { METER } from "./meters.ts";

/**
 * Metered subscription items are billed in arrears: nothing is charged when a period starts,
 * and the invoice that opens the next period carries a line for the period that just ended
 * whose quantity is the meter's aggregate for the customer over that period.
 */

export function isMetered(price: Stripe.Price): boolean {
  return price.recurring?.usage_type === "metered";
}

/** Usage → billable quantity: `transform_quantity` applies, and a negative total bills nothing. */
function billableQuantity(price: Stripe.Price, usage: number): number {
  const t = price.transform_quantity;
  const quantity = t ? (t.round === "up" ? Math.ceil : Math.floor)(usage / t.divide_by) : usage;
  return Math.max(0, quantity);
}

/** The metered usage of `customer` on `price`'s meter over `period`, as billed. */
export function meteredQuantity(
  ctx: Ctx,
  customer: string,
  price: Stripe.Price,
  period: { start: number; end: number },
): number {
  const meterId = price.recurring?.meter;
  const meter = meterId ? ctx.store.getTyped<Stripe.Billing.Meter>(METER, meterId) : undefined;
  if (!meter) return 0;
  return billableQuantity(price, aggregateUsage(ctx, meter, customer, period.start, period.end));
}

/** Amount of a usage quantity at the price's (possibly fractional) unit amount, to the minor unit. */
export function meteredAmount(price: Stripe.Price, quantity: number): number {
  const unit = price.unit_amount ?? Number(price.unit_amount_decimal ?? 0);
  return Math.round(unit * quantity);
}

const fromKey = (itemId: string) => `metered-from:${itemId}`;
interface MeteredFrom {
  price: string;
  from: number;
}

/**
 * A metered price that comes onto an item in the middle of a period (the item is added, or its
 * price swapped) bills only the usage from then on: Stripe documents that usage before such an
 * update is not billed at the new price.
 */
export function recordMeteredFrom(ctx: Ctx, itemId: string, m: MeteredFrom): void {
  ctx.store.setPrivate(fromKey(itemId), m);
}

/** Since when `item` bills usage at its current price (null: the whole period). */
function meteredFrom(ctx: Ctx, item: Stripe.SubscriptionItem): number | null {
  const m = ctx.store.getPrivate<MeteredFrom>(fromKey(item.id));
  return m && m.price === item.price.id ? m.from : null;
}

/**
 * The line a metered item adds to a subscription invoice. `usage` is the period whose usage
 * is billed (null when a subscription starts: a zero line for the new period); usage during
 * a trial is shown but not charged. `usage.from`: a price change not made yet (a preview).
 */
export function meteredLine(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  period: { start: number; end: number },
  usage: { trial: boolean; from?: number | undefined } | null,
): LineInput {
  const from = usage?.from ?? meteredFrom(ctx, item);
  const counted = from === null ? period : { start: Math.max(period.start, from), end: period.end };
  const quantity = usage ? meteredQuantity(ctx, idOf(sub.customer), item.price, counted) : 0;
  return {
    amount: usage && !usage.trial ? meteredAmount(item.price, quantity) : 0,
    description: usage?.trial
      ? trialDescription(ctx, item.price)
      : itemDescription(ctx, item.price, quantity),
    period,
    price: item.price,
    quantity,
    subscription: sub.id,
    subscriptionItem: item.id,
  };
}

/**
 * When a subscription's period is cut short (a new billing cycle starts now), its metered items
 * bill the usage of the part that elapsed, at the prices they had then.
 */
export function usageUpTo(
  ctx: Ctx,
  sub: Stripe.Subscription,
  elapsed: { start: number; end: number },
): LineInput[] {
  return sub.items.data
    .filter((i) => isMetered(i.price))
    .map((i) => meteredLine(ctx, sub, i, elapsed, { trial: sub.status === "trialing" }));
}
