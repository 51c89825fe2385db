import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { idOf } from "../../core/util.ts";
import { computeTotals } from "./totals.ts";

/**
 * Invoice lines: what a line is made from (`LineInput`), how it becomes Stripe's
 * `line_item`, and the pending invoice items a draft pulls in. Every line of every invoice
 * (drafts, previews, prorations) is built by `buildLine`; totals are `totals.ts`'s.
 */

export interface LineInput {
  amount: number;
  description: string;
  period: { start: number; end: number };
  price?: Stripe.Price | null;
  quantity?: number | null;
  proration?: boolean;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoiceItem?: string | null;
  discountable?: boolean;
  metadata?: Record<string, string>;
}

function lineParent(l: LineInput): Stripe.InvoiceLineItem.Parent {
  if (l.subscriptionItem) {
    return {
      type: "subscription_item_details",
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: l.invoiceItem ?? null,
        proration: l.proration ?? false,
        proration_details: { credited_items: null },
        subscription: l.subscription ?? null,
        subscription_item: l.subscriptionItem,
      },
    };
  }
  return {
    type: "invoice_item_details",
    subscription_item_details: null,
    invoice_item_details: {
      invoice_item: l.invoiceItem ?? "",
      proration: l.proration ?? false,
      proration_details: { credited_items: null },
      subscription: l.subscription ?? null,
    },
  };
}

/** A `line_item` of invoice `invoiceId` (null: a preview, with `il_tmp_` ids like Stripe's). */
export function buildLine(
  ctx: Ctx,
  invoiceId: string | null,
  currency: string,
  l: LineInput,
): Stripe.InvoiceLineItem {
  const price = l.price ?? null;
  return {
    id: invoiceId ? ctx.ids.id("il") : ctx.ids.id("il_tmp"),
    object: "line_item",
    amount: l.amount,
    currency,
    description: l.description,
    discount_amounts: [],
    discountable: l.discountable ?? true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: l.metadata ?? {},
    parent: lineParent(l),
    period: l.period,
    pretax_credit_amounts: [],
    pricing: price
      ? {
          type: "price_details",
          price_details: { price: price.id, product: idOf(price.product) },
          unit_amount_decimal: price.unit_amount_decimal,
        }
      : null,
    quantity: l.quantity ?? null,
    quantity_decimal: l.quantity != null ? (String(l.quantity) as unknown as Stripe.Decimal) : null,
    subscription: l.subscription ?? null,
    subtotal: l.amount,
    taxes: [],
  };
}

/** Pending invoice items (not yet on an invoice) of a customer, optionally one subscription. */
export function pendingInvoiceItems(
  ctx: Ctx,
  customer: string,
  subscription?: string | null,
): Stripe.InvoiceItem[] {
  return ctx.store
    .list<Stripe.InvoiceItem>("invoiceitem", {
      customer,
      where: (ii) =>
        ii.invoice === null &&
        (ii as { deleted?: boolean }).deleted !== true &&
        (subscription === undefined ||
          (ii.parent?.subscription_details?.subscription ?? null) === (subscription ?? null)),
    })
    .reverse();
}

export function invoiceItemToLine(ii: Stripe.InvoiceItem, price: Stripe.Price | null): LineInput {
  const sub = ii.parent?.subscription_details ?? null;
  return {
    amount: ii.amount,
    description: ii.description ?? "",
    period: ii.period,
    price,
    quantity: ii.quantity,
    proration: ii.proration,
    subscription: sub?.subscription ?? null,
    subscriptionItem: sub?.subscription_item ?? null,
    invoiceItem: ii.id,
    discountable: ii.discountable,
    metadata: ii.metadata ?? {},
  };
}

export function priceOfInvoiceItem(ctx: Ctx, ii: Stripe.InvoiceItem): Stripe.Price | null {
  const priceId = ii.pricing?.price_details ? idOf(ii.pricing.price_details.price) : "";
  return priceId ? (ctx.store.get<Stripe.Price>(priceId) ?? null) : null;
}

/** Adds lines to a draft (invoice items attached to it) and recomputes its totals. */
export function appendLines(ctx: Ctx, draft: Stripe.Invoice, lines: LineInput[]): Stripe.Invoice {
  const added = lines.map((l) => buildLine(ctx, draft.id, draft.currency, l));
  return computeTotals(ctx, {
    ...draft,
    lines: { ...draft.lines, data: [...draft.lines.data, ...added] },
  });
}

/** Removes the line of an invoice item from a draft and recomputes its totals. */
export function removeItemLines(
  ctx: Ctx,
  draft: Stripe.Invoice,
  invoiceItemId: string,
): Stripe.Invoice {
  const keep = draft.lines.data.filter(
    (l) =>
      l.parent?.invoice_item_details?.invoice_item !== invoiceItemId &&
      l.parent?.subscription_item_details?.invoice_item !== invoiceItemId,
  );
  return computeTotals(ctx, { ...draft, lines: { ...draft.lines, data: keep } });
}
