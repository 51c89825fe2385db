import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { idOf } from "../../core/util.ts";
import { formatMoney } from "../../resources/shared.ts";

/** How invoice lines, previews and hosted pages name a price, in Stripe's wording. */

export function productName(ctx: Ctx, price: Stripe.Price): string {
  const product = ctx.store.get<{ name?: string }>(idOf(price.product));
  return product?.name ?? idOf(price.product);
}

export function priceLabel(ctx: Ctx, price: Stripe.Price): string {
  const amount = formatMoney(price.unit_amount ?? 0, price.currency);
  const r = price.recurring;
  const every = r
    ? r.interval_count > 1
      ? ` every ${r.interval_count} ${r.interval}s`
      : ` / ${r.interval}`
    : "";
  return `${productName(ctx, price)} (at ${amount}${every})`;
}

export function itemDescription(ctx: Ctx, price: Stripe.Price, quantity: number): string {
  return `${quantity} × ${priceLabel(ctx, price)}`;
}

export function trialDescription(ctx: Ctx, price: Stripe.Price): string {
  return `Trial period for ${productName(ctx, price)}`;
}
