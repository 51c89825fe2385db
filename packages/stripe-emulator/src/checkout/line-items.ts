import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { idOf } from "../core/util.ts";
import { createPrice, getPrice } from "../resources/prices.ts";
import { getProduct } from "../resources/products.ts";
import type { SessionCreateParams } from "./params.ts";

/** A session's `line_items` from the create request: prices resolved, quantities checked. */

type LineItemParam = NonNullable<SessionCreateParams["line_items"]>[number];

/** `price_data`: a price created on the fly (and its product, from `product_data`). */
function inlinePrice(
  ctx: Ctx,
  d: NonNullable<LineItemParam["price_data"]>,
  i: number,
): Stripe.Price {
  if (d.product === undefined && d.product_data === undefined) {
    throw missingParam(`line_items[${i}][price_data][product_data]`);
  }
  if (d.product !== undefined) getProduct(ctx, d.product, `line_items[${i}][price_data][product]`);
  if (d.unit_amount === undefined && d.unit_amount_decimal === undefined) {
    throw missingParam(`line_items[${i}][price_data][unit_amount]`);
  }
  return createPrice(ctx, {
    currency: d.currency,
    ...(d.unit_amount !== undefined ? { unit_amount: d.unit_amount } : {}),
    ...(d.unit_amount_decimal !== undefined ? { unit_amount_decimal: d.unit_amount_decimal } : {}),
    ...(d.recurring ? { recurring: d.recurring } : {}),
    ...(d.tax_behavior ? { tax_behavior: d.tax_behavior } : {}),
    ...(d.product !== undefined ? { product: d.product } : {}),
    ...(d.product_data !== undefined
      ? {
          product_data: {
            name: d.product_data.name,
            ...(d.product_data.metadata !== undefined ? { metadata: d.product_data.metadata } : {}),
            ...(d.product_data.tax_code !== undefined ? { tax_code: d.product_data.tax_code } : {}),
            ...(d.product_data.unit_label !== undefined
              ? { unit_label: d.product_data.unit_label }
              : {}),
          },
        }
      : {}),
  });
}

/** The item's price: `price` (active) or `price_data`, one-time only in payment mode. */
function priceOf(
  ctx: Ctx,
  mode: Stripe.Checkout.Session.Mode,
  item: LineItemParam,
  i: number,
): Stripe.Price {
  const at = (field: string) => `line_items[${i}][${field}]`;
  if (item.price !== undefined && item.price_data !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
      code: "parameters_exclusive",
      param: at("price"),
    });
  }
  let price: Stripe.Price;
  if (item.price !== undefined) {
    price = getPrice(ctx, item.price, at("price"));
    if (!price.active) {
      throw invalidParam(
        at("price"),
        `The price specified (${price.id}) is inactive. This field only accepts active prices.`,
      );
    }
  } else if (item.price_data !== undefined) {
    price = inlinePrice(ctx, item.price_data, i);
  } else {
    throw missingParam(at("price"));
  }
  if (mode === "payment" && price.type === "recurring") {
    throw invalidParam(
      at("price"),
      "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
    );
  }
  return price;
}

/** `quantity` is required and, when adjustable, within the allowed range. */
function quantityOf(item: LineItemParam, i: number): number {
  const at = (field: string) => `line_items[${i}][${field}]`;
  const quantity = item.quantity;
  if (quantity === undefined) throw missingParam(at("quantity"));
  const adjustable = item.adjustable_quantity;
  if (adjustable?.enabled) {
    const min = adjustable.minimum ?? 0;
    const max = adjustable.maximum ?? 99;
    if (min > max) {
      throw invalidParam(
        `line_items[${i}][adjustable_quantity][minimum]`,
        "adjustable_quantity[minimum] must be less than or equal to adjustable_quantity[maximum].",
      );
    }
    if (quantity < min || quantity > max) {
      throw invalidParam(
        at("quantity"),
        `The quantity must be between adjustable_quantity[minimum] (${min}) and adjustable_quantity[maximum] (${max}).`,
      );
    }
  }
  return quantity;
}

/** Every line item's currency must match; the session takes it. */
export function resolveLineItems(
  ctx: Ctx,
  mode: Stripe.Checkout.Session.Mode,
  items: LineItemParam[],
): Stripe.LineItem[] {
  const out: Stripe.LineItem[] = [];
  items.forEach((item, i) => {
    const price = priceOf(ctx, mode, item, i);
    const quantity = quantityOf(item, i);
    const first = out[0];
    if (first && first.currency !== price.currency) {
      throw invalidParam(
        `line_items[${i}][price]`,
        `All line items must be in the same currency; expected ${first.currency}, got ${price.currency}.`,
      );
    }
    const product = ctx.store.get<Stripe.Product>(idOf(price.product));
    const unit = price.unit_amount ?? Math.round(Number(price.unit_amount_decimal));
    const adjustable = item.adjustable_quantity;
    out.push({
      id: ctx.ids.id("li"),
      object: "item",
      adjustable_quantity: adjustable
        ? {
            enabled: adjustable.enabled,
            maximum: adjustable.enabled ? (adjustable.maximum ?? 99) : null,
            minimum: adjustable.enabled ? (adjustable.minimum ?? 0) : null,
          }
        : null,
      amount_discount: 0,
      amount_subtotal: unit * quantity,
      amount_tax: 0,
      amount_total: unit * quantity,
      currency: price.currency,
      description: product?.name ?? null,
      metadata: applyMetadata({}, item.metadata),
      price,
      quantity,
    });
  });
  return out;
}
