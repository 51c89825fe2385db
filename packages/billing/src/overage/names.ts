import type Stripe from "stripe";

// Names Folio gives the Stripe objects that bill overage, so the setup and the reporter find the
// same ones without storing every id.

/** The billing meter's event name for a Folio meter (one Stripe meter per Folio meter). */
export const stripeEventName = (meterKey: string) => `folio_${meterKey}`;

/** The metered price billing a plan's overage on one meter in one currency at one billing
 * interval (every item of a subscription shares its currency and interval, so a plan sold in USD
 * and EUR, monthly and yearly, needs one price for each). */
export function meteredPriceLookupKey(
  productKey: string,
  meterKey: string,
  currency: string,
  recurring: Pick<Stripe.Price.Recurring, "interval" | "interval_count">,
): string {
  return `folio_overage_${productKey}_${meterKey}_${currency}_${recurring.interval_count}${recurring.interval}`;
}
