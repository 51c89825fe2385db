import type Stripe from "stripe";
import { invalidParam } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { getPrice } from "../../resources/prices.ts";
import { itemDescription, trialDescription } from "../invoices/descriptions.ts";
import type { LineInput } from "../invoices/lines.ts";
import { isMetered, meteredLine } from "../meters/lines.ts";

/** Subscription items: their prices (validated, as plans), and the lines they bill. */

export interface ItemInput {
  price: string;
  quantity?: number | undefined;
  metadata?: Record<string, string> | null | undefined;
  /** The item's own `tax_rates` (they replace the subscription's `default_tax_rates` on its lines). */
  taxRates?: Stripe.TaxRate[] | undefined;
}

export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  const r = price.recurring;
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r?.interval ?? "month",
    interval_count: r?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: r?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: r?.trial_period_days ?? null,
    usage_type: r?.usage_type ?? "licensed",
  };
}

export function buildItem(
  ctx: Ctx,
  subscriptionId: string,
  price: Stripe.Price,
  quantity: number,
  metadata: Record<string, string>,
  period: { start: number; end: number },
  created: number,
  register = true,
): Stripe.SubscriptionItem {
  const item: Stripe.SubscriptionItem = {
    id: ctx.ids.id("si", 14),
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata,
    plan: planFromPrice(price),
    price,
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
  if (register) ctx.store.setPrivate(item.id, { subscription: subscriptionId });
  return item;
}

export function unitAmount(price: Stripe.Price): number {
  return price.unit_amount ?? Math.round(Number(price.unit_amount_decimal ?? 0));
}

/** Validates a recurring price for a subscription item and returns it. */
export function recurringPrice(ctx: Ctx, id: string, param: string): Stripe.Price {
  const price = getPrice(ctx, id, param);
  if (!price.recurring) {
    throw invalidParam(
      param,
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
    );
  }
  if (!price.active && !ctx.store.getPrivate(`inline-price:${price.id}`))
    throw invalidParam(
      param,
      `The price specified is inactive. This field only accepts active prices.`,
    );
  return price;
}

export function sameCadence(a: Stripe.Price, b: Stripe.Price): boolean {
  return (
    a.recurring?.interval === b.recurring?.interval &&
    a.recurring?.interval_count === b.recurring?.interval_count
  );
}

/** One invoice line per item for `period` ($0 "Trial period for …" lines during a trial). */
export function itemLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  period: { start: number; end: number },
  trial: boolean,
  /** At a renewal: the period that ended, whose usage metered items bill (in arrears). */
  ended: { period: { start: number; end: number }; trial: boolean } | null = null,
): LineInput[] {
  return items.map((item) => {
    if (isMetered(item.price)) {
      return meteredLine(ctx, sub, item, ended?.period ?? period, ended && { trial: ended.trial });
    }
    const qty = item.quantity ?? 1;
    return {
      amount: trial ? 0 : unitAmount(item.price) * qty,
      description: trial
        ? trialDescription(ctx, item.price)
        : itemDescription(ctx, item.price, qty),
      period,
      price: item.price,
      quantity: qty,
      subscription: sub.id,
      subscriptionItem: item.id,
    };
  });
}

/**
 * A renewal's lines: the new period of the licensed items, in advance, and the ended period's
 * usage of the metered items as they were during it — a phase that starts at the renewal and
 * swaps or removes a metered price does not take away the usage its item already counted.
 */
export function renewalLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  items: Stripe.SubscriptionItem[],
  endedItems: Stripe.SubscriptionItem[],
  periods: { ended: { start: number; end: number }; next: { start: number; end: number } },
  trial: boolean,
): LineInput[] {
  const ended = { period: periods.ended, trial };
  const same = (a: Stripe.SubscriptionItem) => (b: Stripe.SubscriptionItem) =>
    a.id === b.id && a.price.id === b.price.id;
  const kept = items.filter((i) => !isMetered(i.price) || endedItems.some(same(i)));
  const gone = endedItems.filter((i) => isMetered(i.price) && !items.some(same(i)));
  return [
    ...itemLines(ctx, sub, kept, periods.next, false, ended),
    ...gone.map((i) => meteredLine(ctx, sub, i, periods.ended, ended)),
  ];
}
