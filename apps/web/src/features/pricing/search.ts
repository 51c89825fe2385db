import type { Interval } from "./pricing";

export interface PricingSearch {
  /** Monthly when absent. */
  interval?: Interval;
  /** A lowercase ISO code the visitor picked; ignored when their account has a currency. */
  currency?: string;
  /** Set by Stripe Checkout's cancel link. */
  checkout?: "canceled";
}

/** Search params of /pricing; anything unexpected is dropped rather than trusted. */
export function validatePricingSearch(search: Record<string, unknown>): PricingSearch {
  const out: PricingSearch = {};
  if (search.interval === "year" || search.interval === "month") out.interval = search.interval;
  if (typeof search.currency === "string" && /^[a-z]{3}$/.test(search.currency)) {
    out.currency = search.currency;
  }
  if (search.checkout === "canceled") out.checkout = "canceled";
  return out;
}
