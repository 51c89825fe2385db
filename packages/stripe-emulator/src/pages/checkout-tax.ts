import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { createCustomerTaxId, parseTaxIdValue } from "../tax/tax-ids.ts";
import { FormError } from "./card-form.ts";
import { input, markup, money, type Html } from "./html.ts";

/**
 * The hosted page's tax parts: with `tax_id_collection` the customer may buy as a business
 * (business name + VAT number, saved on the customer and shown in `customer_details`); with
 * `automatic_tax` the billing address is required, since tax follows it.
 */

type Session = Stripe.Checkout.Session;

export interface BusinessFields {
  businessName: string;
  taxId: { type: "eu_vat" | "gb_vat"; value: string };
}

export function collectsBillingAddress(session: Session): boolean {
  return session.billing_address_collection === "required" || session.automatic_tax.enabled;
}

export function businessFieldset(
  session: Session,
  values: Record<string, string>,
  errorField: string | null,
): Html {
  if (!session.tax_id_collection?.enabled) return markup``;
  return markup`<fieldset><legend>Purchasing as a business (optional)</legend>
${input({ invalid: errorField === "business_name", name: "business_name", label: "Business name", value: values.business_name, autocomplete: "organization" })}
${input({ invalid: errorField === "tax_id_value", name: "tax_id_value", label: "VAT number", value: values.tax_id_value, placeholder: "DE123456789", autocomplete: "off" })}
</fieldset>`;
}

/** The summary's tax row: the amount once the address is known, else where it will come from. */
export function taxRow(session: Session, currency: string): Html {
  if (!session.automatic_tax.enabled) return markup``;
  const known = session.automatic_tax.status === "complete";
  return markup`<tr class="sub"><td>Tax</td><td class="num" data-testid="tax-amount">${
    known ? money(session.total_details?.amount_tax ?? 0, currency) : "Calculated from your address"
  }</td></tr>`;
}

/** The business name and VAT number, when the customer gave them; a FormError when half-given or invalid. */
export function parseBusinessFields(
  session: Session,
  form: Record<string, unknown>,
): BusinessFields | null {
  if (!session.tax_id_collection?.enabled) return null;
  const text = (name: string) => (typeof form[name] === "string" ? form[name].trim() : "");
  const businessName = text("business_name");
  const raw = text("tax_id_value");
  if (!businessName && !raw) return null;
  if (!raw) throw new FormError("Enter your VAT number.", "tax_id_value");
  if (!businessName) throw new FormError("Enter your business name.", "business_name");
  const type = raw.toUpperCase().startsWith("GB") ? "gb_vat" : "eu_vat";
  const parsed = parseTaxIdValue(type, raw);
  if (!parsed) throw new FormError("Your VAT number is invalid.", "tax_id_value");
  return { businessName, taxId: { type, value: parsed.value } };
}

/** What `customer_details` shows of a business purchase. */
export function businessDetails(
  business: BusinessFields | null,
): Pick<Stripe.Checkout.Session.CustomerDetails, "business_name" | "tax_ids"> {
  return {
    business_name: business?.businessName ?? null,
    tax_ids: business ? [{ type: business.taxId.type, value: business.taxId.value }] : [],
  };
}

/** Saves the VAT number on the customer (once: a repeat submit of the same number adds nothing). */
export function saveBusinessTaxId(ctx: Ctx, customerId: string, business: BusinessFields): void {
  const known = ctx.store
    .list<Stripe.TaxId>("tax_id", { customer: customerId })
    .some((t) => t.type === business.taxId.type && t.value === business.taxId.value);
  if (!known) createCustomerTaxId(ctx, customerId, business.taxId, "tax_id_value");
}
