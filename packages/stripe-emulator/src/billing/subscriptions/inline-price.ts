import { ApiError } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { createPrice } from "../../resources/prices.ts";

export interface InlinePriceData {
  currency: string;
  product: string;
  recurring: { interval: "day" | "week" | "month" | "year"; interval_count?: number | undefined };
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  tax_behavior?: "exclusive" | "inclusive" | "unspecified" | undefined;
}

/**
 * `items[][price_data]`: Stripe creates a one-off price for it (not active in the catalog).
 * Errors name the field under `param` (`items[0][price_data][product]`).
 */
export function inlinePrice(ctx: Ctx, data: InlinePriceData, param: string): string {
  try {
    const price = createPrice(ctx, {
      currency: data.currency,
      product: data.product,
      recurring: {
        interval: data.recurring.interval,
        ...(data.recurring.interval_count !== undefined
          ? { interval_count: data.recurring.interval_count }
          : {}),
      },
      ...(data.unit_amount !== undefined ? { unit_amount: data.unit_amount } : {}),
      ...(data.unit_amount_decimal !== undefined
        ? { unit_amount_decimal: data.unit_amount_decimal }
        : {}),
      ...(data.tax_behavior !== undefined ? { tax_behavior: data.tax_behavior } : {}),
      active: false,
    });
    ctx.store.setPrivate(`inline-price:${price.id}`, true);
    return price.id;
  } catch (error) {
    if (error instanceof ApiError && error.options.param) {
      const [head = "", ...rest] = error.options.param.split("[");
      const full = `${param}[${head}]${rest.length ? `[${rest.join("[")}` : ""}`;
      throw new ApiError(error.status, error.type, error.message, {
        ...error.options,
        param: full,
      });
    }
    throw error;
  }
}
