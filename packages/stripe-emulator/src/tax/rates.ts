import type Stripe from "stripe";
import { invalidParam, resourceMissing } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import type { Jurisdiction } from "./table.ts";

/** Tax rate objects: the ones the API creates, and the ones automatic tax creates for itself. */

export function getTaxRate(ctx: Ctx, id: string, param = "tax_rate"): Stripe.TaxRate {
  const rate = ctx.store.getTyped<Stripe.TaxRate>("tax_rate", id);
  if (!rate) throw resourceMissing("tax rate", id, param);
  return rate;
}

/** `tax_rates[]` / `default_tax_rates[]` ids → rates; an archived rate cannot be applied anew. */
export function resolveTaxRates(ctx: Ctx, ids: readonly string[], param: string): Stripe.TaxRate[] {
  return ids.map((id, i) => {
    const rate = getTaxRate(ctx, id, `${param}[${i}]`);
    if (!rate.active) {
      throw invalidParam(`${param}[${i}]`, `Tax rate ${id} is archived and cannot be applied.`);
    }
    return rate;
  });
}

export interface TaxRateInput {
  display_name: string;
  percentage: number;
  inclusive: boolean;
  active?: boolean | undefined;
  country?: string | null | undefined;
  state?: string | null | undefined;
  jurisdiction?: string | null | undefined;
  jurisdiction_level?: Stripe.TaxRate.JurisdictionLevel | null | undefined;
  description?: string | null | undefined;
  tax_type?: Stripe.TaxRate.TaxType | null | undefined;
  metadata?: Record<string, string> | undefined;
}

export function createTaxRate(
  ctx: Ctx,
  input: TaxRateInput,
  options: { automatic?: boolean } = {},
): Stripe.TaxRate {
  const rate: Stripe.TaxRate = {
    id: ctx.ids.id("txr"),
    object: "tax_rate",
    active: input.active ?? true,
    country: input.country ?? null,
    created: ctx.now(),
    description: input.description ?? null,
    display_name: input.display_name,
    effective_percentage: input.percentage,
    flat_amount: null,
    inclusive: input.inclusive,
    jurisdiction: input.jurisdiction ?? null,
    jurisdiction_level: input.jurisdiction_level ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    percentage: input.percentage,
    rate_type: "percentage",
    state: input.state ?? null,
    tax_type: input.tax_type ?? null,
  };
  ctx.store.insert(rate);
  if (options.automatic) ctx.store.setPrivate(automaticMark(rate.id), true);
  else ctx.emit("tax_rate.created", rate);
  return rate;
}

const automaticMark = (id: string) => `tax_rate.automatic:${id}`;

/** Rates automatic tax made for itself are not the account's: `GET /v1/tax_rates` leaves them out. */
export function isAutomaticRate(ctx: Ctx, id: string): boolean {
  return ctx.store.getPrivate<boolean>(automaticMark(id)) === true;
}

/**
 * The tax rate automatic tax reports for a jurisdiction (Stripe creates these itself and
 * points `tax_rate_details.tax_rate` at them). One per jurisdiction, behaviour and
 * percentage, reused by every invoice; a reverse charge is the jurisdiction's 0 % rate.
 */
export function automaticTaxRate(
  ctx: Ctx,
  j: Jurisdiction,
  inclusive: boolean,
  percentage: number,
): Stripe.TaxRate {
  const key = `tax.automatic_rate:${j.country}:${j.state ?? ""}:${inclusive ? "in" : "ex"}:${percentage}`;
  const known = ctx.store.getPrivate<{ id: string }>(key);
  const stored = known ? ctx.store.getTyped<Stripe.TaxRate>("tax_rate", known.id) : undefined;
  if (stored) return stored;
  const rate = createTaxRate(
    ctx,
    {
      display_name: j.displayName,
      percentage,
      inclusive,
      country: j.country,
      state: j.state,
      jurisdiction: j.state ? `${j.country}-${j.state}` : j.country,
      jurisdiction_level: j.level,
      tax_type: j.taxType,
    },
    { automatic: true },
  );
  ctx.store.setPrivate(key, { id: rate.id });
  return rate;
}
