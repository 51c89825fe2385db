import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { idOf } from "../core/util.ts";
import {
  automaticTax,
  behaviorOf,
  exclusiveAmount,
  taxCustomer,
  type TaxCustomer,
} from "./calculate.ts";
import { customerTaxIds, verificationFor } from "./tax-ids.ts";

/**
 * Checkout's side of tax: the session's `automatic_tax` and `tax_id_collection` as created,
 * and the tax of its line items once the hosted page knows where the customer is. Until then
 * the session shows `automatic_tax.status: requires_location_inputs` and no tax, as Stripe's
 * does before the customer enters an address.
 */

type Session = Stripe.Checkout.Session;

export function sessionAutomaticTax(enabled: boolean): Stripe.Checkout.Session.AutomaticTax {
  return enabled
    ? {
        enabled,
        liability: { type: "self" },
        provider: "stripe",
        status: "requires_location_inputs",
      }
    : { enabled, liability: null, provider: null, status: null };
}

export function sessionTaxIdCollection(
  p:
    | { enabled: boolean; required?: Stripe.Checkout.Session.TaxIdCollection.Required | undefined }
    | undefined,
): Stripe.Checkout.Session.TaxIdCollection {
  return { enabled: p?.enabled ?? false, required: p?.required ?? "never" };
}

/** Where the session's customer is: what the page collected, else the customer's own address. */
function sessionCustomer(ctx: Ctx, session: Session): TaxCustomer | null {
  const details = session.customer_details;
  if (details?.address?.country) {
    return {
      country: details.address.country,
      state: details.address.state,
      taxExempt: details.tax_exempt ?? "none",
      taxIds: (details.tax_ids ?? []).map((t) => ({
        type: t.type,
        verification: t.value ? verificationFor(t.type, t.value) : null,
      })),
    };
  }
  const id = idOf(session.customer);
  const customer = id ? ctx.store.getTyped<Stripe.Customer>("customer", id) : undefined;
  return customer ? taxCustomer(customer, customerTaxIds(ctx, customer.id)) : null;
}

/**
 * Sets each line item's `amount_tax` and `amount_total` (after its discount) and the
 * session's `automatic_tax.status`. Sessions without automatic tax are left untaxed.
 */
export function taxLineItems(
  ctx: Ctx,
  session: Session,
  items: Stripe.LineItem[],
): { items: Stripe.LineItem[]; automaticTax: Stripe.Checkout.Session.AutomaticTax } {
  const untaxed = items.map((li) => ({
    ...li,
    amount_tax: 0,
    amount_total: li.amount_subtotal - li.amount_discount,
  }));
  if (!session.automatic_tax.enabled)
    return { items: untaxed, automaticTax: session.automatic_tax };
  const customer = sessionCustomer(ctx, session);
  if (!customer) {
    return { items: untaxed, automaticTax: sessionAutomaticTax(true) };
  }
  const result = automaticTax(
    ctx,
    customer,
    untaxed.map((li) => {
      const product = li.price
        ? ctx.store.getTyped<Stripe.Product>("product", idOf(li.price.product))
        : undefined;
      return {
        amount: li.amount_total,
        taxBehavior: behaviorOf(li.price),
        taxCode: product ? idOf(product.tax_code) || null : null,
      };
    }),
  );
  return {
    items: untaxed.map((li, i) => {
      const taxes = result.taxes[i] ?? [];
      return {
        ...li,
        amount_tax: taxes.reduce((s, t) => s + t.amount, 0),
        amount_total: li.amount_total + exclusiveAmount(taxes),
      };
    }),
    automaticTax: { ...session.automatic_tax, status: result.status },
  };
}
