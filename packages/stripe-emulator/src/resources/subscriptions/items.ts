import { inlinePrice, type InlinePriceData } from "../../billing/subscriptions/inline-price.ts";
import type { OneOffItem } from "../../billing/subscriptions/prorations.ts";
import { invalidRequest, missingParam } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { createPrice } from "../prices.ts";
import type { AddInvoiceItemParam } from "./params.ts";

/** Items given with inline prices (`price_data`), for subscriptions, their items and schedules. */

/** The price id of an item given by `price` or `price_data` (which creates one). */
export function itemPrice(
  ctx: Ctx,
  item: { price?: string | undefined; price_data?: InlinePriceData | undefined },
  param: string,
): string | undefined {
  const at = (name: string) => (param ? `${param}[${name}]` : name);
  if (item.price !== undefined && item.price_data !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
      code: "parameters_exclusive",
      param: at("price"),
    });
  }
  if (item.price_data !== undefined) return inlinePrice(ctx, item.price_data, at("price_data"));
  return item.price;
}

/** Resolves `add_invoice_items` to price ids, creating one-time prices for `price_data`. */
export function oneOffItems(
  ctx: Ctx,
  items: AddInvoiceItemParam[] | undefined,
): OneOffItem[] | undefined {
  return items?.map((it, i) => {
    const param = `add_invoice_items[${i}]`;
    if (it.price !== undefined && it.price_data !== undefined) {
      throw invalidRequest("You may only specify one of these parameters: price, price_data.", {
        code: "parameters_exclusive",
        param: `${param}[price]`,
      });
    }
    let price = it.price;
    if (it.price_data !== undefined) {
      const data = it.price_data;
      price = createPrice(ctx, {
        currency: data.currency,
        product: data.product,
        ...(data.unit_amount !== undefined ? { unit_amount: data.unit_amount } : {}),
        ...(data.unit_amount_decimal !== undefined
          ? { unit_amount_decimal: data.unit_amount_decimal }
          : {}),
        ...(data.tax_behavior !== undefined ? { tax_behavior: data.tax_behavior } : {}),
        active: false,
      }).id;
    }
    if (price === undefined) throw missingParam(`${param}[price]`);
    return {
      price,
      quantity: it.quantity,
      metadata: it.metadata ?? undefined,
      discountable: it.discountable,
    };
  });
}
