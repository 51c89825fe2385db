import type Stripe from "stripe";

// Names Folio gives the Stripe objects that bill overage, so the setup and the reporter find the
// same ones without storing every id.

/** The billing meter's event name for a Folio meter (one Stripe meter per Folio meter). */
export const stripeEventName = (meterKey: string) => `folio_${meterKey}`;

/** The metered price billing a plan's overage on one meter at one billing interval (every item
 * of a subscription shares its interval, so a plan sold monthly and yearly needs both). */
export function meteredPriceLookupKey(
  productKey: string,
  meterKey: string,
  recurring: Pick<Stripe.Price.Recurring, "interval" | "interval_count">,
): string {
  return `folio_overage_${productKey}_${meterKey}_${recurring.interval_count}${recurring.interval}`;
}
