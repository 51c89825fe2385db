import type Stripe from "stripe";
import { z } from "zod";
import { resourceMissing } from "../core/errors.ts";
import { emptyable, obj, str } from "../core/params.ts";
import { search } from "../core/search.ts";
import type { ApiRoute } from "../core/types.ts";
import { isDeleted } from "../core/util.ts";

/** Param schemas and builders shared by several resources. */

/**
 * `GET <path>` (ending in `/:id`): the stored object of `type`, or Stripe's 404
 * `No such <label>: '<id>'`. A deleted `{ deleted: true }` stub is a 404 too unless
 * `allowDeleted` (customers and products retrieve as the stub).
 */
export function retrieveRoute(
  type: string,
  path: string,
  options: { label?: string; allowDeleted?: boolean } = {},
): ApiRoute {
  const label = options.label ?? type;
  return {
    method: "GET",
    path,
    handler: (ctx, req) => {
      const id = req.pathParams.id ?? "";
      const found = ctx.store.getTyped(type, id);
      if (!found || (!options.allowDeleted && isDeleted(found))) throw resourceMissing(label, id);
      return found;
    },
  };
}

/** `GET <path>` (a `/search` URL): Stripe's search over the stored objects `where` keeps. */
export function searchRoute<T extends object>(
  type: string,
  path: string,
  where?: (object: T) => boolean,
): ApiRoute {
  return {
    method: "GET",
    path,
    handler: (ctx, req) =>
      search(req.params, () => ctx.store.list<T>(type, where ? { where } : {}), path),
  };
}

export const addressParam = () =>
  obj({
    city: emptyable(str({ max: 200 })).optional(),
    country: emptyable(str({ max: 2 })).optional(),
    line1: emptyable(str({ max: 200 })).optional(),
    line2: emptyable(str({ max: 200 })).optional(),
    postal_code: emptyable(str({ max: 20 })).optional(),
    state: emptyable(str({ max: 200 })).optional(),
  });

export type AddressParam = z.output<ReturnType<typeof addressParam>>;

export function toAddress(p: AddressParam, base?: Stripe.Address | null): Stripe.Address {
  const pick = (key: keyof AddressParam) => (p[key] === undefined ? (base?.[key] ?? null) : p[key]);
  return {
    city: pick("city"),
    country: pick("country"),
    line1: pick("line1"),
    line2: pick("line2"),
    postal_code: pick("postal_code"),
    state: pick("state"),
  };
}

/** One entry of `discounts[]` on invoices and subscriptions. */
export const discountParam = () =>
  obj({
    coupon: z.string().optional(),
    promotion_code: z.string().optional(),
    discount: z.string().optional(),
  });

/** Stripe's cancellation feedback values (subscriptions' `cancellation_details.feedback`, the portal's reasons). */
export const CANCELLATION_FEEDBACK = [
  "customer_service",
  "low_quality",
  "missing_features",
  "other",
  "switched_service",
  "too_complex",
  "too_expensive",
  "unused",
] as const;

export const shippingParam = () =>
  obj({
    address: addressParam(),
    name: z.string(),
    phone: emptyable(z.string()).optional(),
  });

/** Zero-decimal currencies have no minor unit (¥100 is `amount: 100`). */
export const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

/** Three-decimal currencies: amounts are in thousandths (KWD 5.124 is `amount: 5124`). */
export const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Digits after the decimal point of a currency's minor unit, as Stripe counts them. */
export function currencyDigits(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  return THREE_DECIMAL.has(code) ? 3 : 2;
}

/** The one money formatter for hosted pages and PDFs: minor units → "$15.00", "¥500", "KWD 5.124". */
export function formatMoney(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: currency.toUpperCase(),
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount / 10 ** digits);
}

/** Prices carry decimals as strings on the wire; the SDK types them as a branded Decimal. */
export function toDecimal(value: string | number): Stripe.Decimal {
  return String(value) as unknown as Stripe.Decimal;
}
