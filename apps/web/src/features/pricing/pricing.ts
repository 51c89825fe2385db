import type { AppRouter } from "@folio/server/api";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
export type Pricing = Outputs["catalog"]["pricing"];
export type Plan = Pricing["plans"][number];
export type PlanPrice = Plan["prices"][number];
export type Interval = "month" | "year";

/** The plan's flat price for one `interval` in `currency`, if the catalog has one. */
export function priceFor(
  product: Pick<Plan, "prices">,
  currency: string,
  interval: Interval,
): PlanPrice | undefined {
  return product.prices.find(
    (p) => p.currency === currency && p.interval === interval && (p.intervalCount ?? 1) === 1,
  );
}

/** What a year costs less when paid annually rather than monthly; null when it does not. */
export function annualSaving(
  monthly: PlanPrice | undefined,
  annual: PlanPrice | undefined,
): { amount: number; percent: number } | null {
  if (!monthly || !annual || monthly.currency !== annual.currency) return null;
  const twelve = monthly.unitAmount * 12;
  const amount = twelve - annual.unitAmount;
  if (amount <= 0 || twelve === 0) return null;
  return { amount, percent: Math.round((amount / twelve) * 100) };
}

/** The best saving any plan offers for paying annually, for the interval switch's label. */
export function bestSavingPercent(plans: Plan[], currency: string): number | null {
  const percents = plans
    .map((p) => annualSaving(priceFor(p, currency, "month"), priceFor(p, currency, "year")))
    .flatMap((s) => (s ? [s.percent] : []));
  return percents.length > 0 ? Math.max(...percents) : null;
}

/**
 * The currency to show: the one the customer is already billed in (Stripe bills a customer in
 * one currency), else the visitor's choice, else the catalog's main one.
 */
export function pickCurrency(
  currencies: string[],
  customerCurrency: string | null | undefined,
  chosen: string | undefined,
): string | undefined {
  if (customerCurrency && currencies.includes(customerCurrency)) return customerCurrency;
  if (chosen && currencies.includes(chosen)) return chosen;
  return currencies.includes("usd") ? "usd" : currencies[0];
}

/** The per-seat add-on price that can go with `plan` at the same currency and interval. */
export function seatPriceFor(
  addons: Pricing["addons"],
  plan: Plan,
  currency: string,
  interval: Interval,
): { addon: Pricing["addons"][number]; price: PlanPrice } | undefined {
  for (const addon of addons) {
    if (addon.addonTiers && !addon.addonTiers.includes(plan.tier ?? "")) continue;
    const price = priceFor(addon, currency, interval);
    if (price) return { addon, price };
  }
  return undefined;
}
