import type Stripe from "stripe";
import { invalidParam } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { getPrice } from "../../resources/prices.ts";
import { productName } from "../invoices/descriptions.ts";
import type { LineInput } from "../invoices/lines.ts";
import { formatDate } from "../time.ts";
import { unitAmount } from "./items.ts";
import { isMetered } from "../meters/lines.ts";

/**
 * Lines a subscription bills outside its regular period: prorations for a change in the
 * middle of a period, and one-off prices (`add_invoice_items`), both stored as pending
 * invoice items of the subscription until its next invoice.
 */

/** Proration lines for replacing (oldPrice × oldQty) by (newPrice × newQty) from `at` to period end. */
export function prorationLines(
  ctx: Ctx,
  sub: Stripe.Subscription,
  itemId: string,
  before: { price: Stripe.Price; quantity: number } | null,
  after: { price: Stripe.Price; quantity: number } | null,
  period: { start: number; end: number },
  at: number,
): LineInput[] {
  // Metered prices bill usage in arrears: there is no paid-for time to prorate.
  if (before && isMetered(before.price)) before = null;
  if (after && isMetered(after.price)) after = null;
  const span = period.end - period.start;
  if (span <= 0 || at >= period.end) return [];
  const fraction = (period.end - Math.max(at, period.start)) / span;
  const lines: LineInput[] = [];
  const date = formatDate(at);
  if (before) {
    lines.push({
      amount: -Math.round(unitAmount(before.price) * before.quantity * fraction),
      description: `Unused time on ${prorationSubject(ctx, before.price, before.quantity)} after ${date}`,
      period: { start: at, end: period.end },
      price: before.price,
      quantity: before.quantity,
      proration: true,
      subscription: sub.id,
      subscriptionItem: itemId,
    });
  }
  if (after) {
    lines.push({
      amount: Math.round(unitAmount(after.price) * after.quantity * fraction),
      description: `Remaining time on ${prorationSubject(ctx, after.price, after.quantity)} after ${date}`,
      period: { start: at, end: period.end },
      price: after.price,
      quantity: after.quantity,
      proration: true,
      subscription: sub.id,
      subscriptionItem: itemId,
    });
  }
  return lines;
}

/** "Pro plan" or "3 × Pro plan", as in Stripe's proration descriptions. */
function prorationSubject(ctx: Ctx, price: Stripe.Price, quantity: number): string {
  const name = productName(ctx, price);
  return quantity === 1 ? name : `${quantity} × ${name}`;
}

/** Stores proration lines as pending invoice items of the subscription. */
export function createInvoiceItems(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineInput[],
): Stripe.InvoiceItem[] {
  const now = ctx.clockNow(clockOf(sub));
  return lines.map((l) => {
    const ii: Stripe.InvoiceItem = {
      id: ctx.ids.id("ii"),
      object: "invoiceitem",
      amount: l.amount,
      currency: sub.currency,
      customer: idOf(sub.customer),
      customer_account: null,
      date: now,
      description: l.description,
      discountable: l.discountable ?? true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: l.metadata ?? {},
      net_amount: l.amount,
      parent: {
        type: "subscription_details",
        subscription_details: {
          subscription: sub.id,
          ...(l.subscriptionItem ? { subscription_item: l.subscriptionItem } : {}),
        },
      },
      period: l.period,
      pricing: l.price
        ? {
            type: "price_details",
            price_details: { price: l.price.id, product: idOf(l.price.product) },
            unit_amount_decimal: l.price.unit_amount_decimal,
          }
        : null,
      proration: l.proration ?? false,
      quantity: l.quantity ?? 1,
      quantity_decimal: String(l.quantity ?? 1) as unknown as Stripe.Decimal,
      tax_rates: [],
      test_clock: clockOf(sub),
    };
    ctx.store.insert(ii);
    ctx.emit("invoiceitem.created", ii);
    return ii;
  });
}

export interface OneOffItem {
  price: string;
  quantity?: number | undefined;
  metadata?: Record<string, string> | undefined;
  discountable?: boolean | undefined;
}

/**
 * `add_invoice_items`: one-off prices added to the next invoice, as invoice items of the
 * subscription. Validated (currency, one-time price) before anything is written.
 */
export function oneOffLines(
  ctx: Ctx,
  items: OneOffItem[],
  currencyCode: string,
  param: string,
): LineInput[] {
  return items.map((it, i) => {
    const price = getPrice(ctx, it.price, `${param}[${i}][price]`);
    if (price.recurring) {
      throw invalidParam(
        `${param}[${i}][price]`,
        "The price specified is a recurring price; add_invoice_items only accepts one-time prices.",
      );
    }
    if (price.currency !== currencyCode) {
      throw invalidParam(
        `${param}[${i}][price]`,
        `The price is in ${price.currency}, but the subscription is in ${currencyCode}.`,
      );
    }
    const quantity = it.quantity ?? 1;
    return {
      amount: unitAmount(price) * quantity,
      description: productName(ctx, price),
      period: { start: ctx.now(), end: ctx.now() },
      price,
      quantity,
      discountable: it.discountable ?? true,
      metadata: it.metadata ?? {},
    };
  });
}
