import type Stripe from "stripe";
import type { StripeErrorCode } from "../core/error-codes.ts";
import type { Ctx } from "../core/types.ts";
import { field, FormError, parseCardFields, type CardFields } from "../pages/card-form.ts";
import {
  collectsBillingAddress,
  parseBusinessFields,
  type BusinessFields,
} from "../pages/checkout-tax.ts";
import type { Session } from "./session.ts";

/** The hosted checkout form: its fields parsed and checked with Stripe Checkout's wording. */

/**
 * A declined payment-mode attempt. Unlike other form errors it is not rolled back: the
 * payment intent, its failed charge and their events are kept, as at Stripe.
 */
export class KeptDecline extends FormError {
  constructor(
    message: string,
    readonly code: StripeErrorCode,
    readonly declineCode: string | undefined,
  ) {
    super(message, "card_number", 402);
  }
}

export interface CheckoutForm extends CardFields {
  email: string;
  shipping: { name: string; address: Stripe.Address } | null;
  /** Collected when the session has `billing_address_collection: required` or automatic tax. */
  billingAddress: Stripe.Address | null;
  /** Business name and VAT number (`tax_id_collection`), when the customer buys as a business. */
  business: BusinessFields | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Email the session already knows (locked on the form). */
export function knownEmail(ctx: Ctx, session: Session): string | null {
  if (typeof session.customer === "string") {
    const customer = ctx.store.getTyped<Stripe.Customer>("customer", session.customer);
    if (customer?.email) return customer.email;
  }
  return session.customer_email;
}

/** The shipping address, when the session collects one (`shipping_address_collection`). */
function parseShipping(session: Session, form: Record<string, unknown>): CheckoutForm["shipping"] {
  const allowed = session.shipping_address_collection?.allowed_countries ?? null;
  if (!allowed) return null;
  const name = field(form, "shipping_name");
  const line1 = field(form, "shipping_line1");
  const city = field(form, "shipping_city");
  const postal = field(form, "shipping_postal_code");
  const country = field(form, "shipping_country").toUpperCase();
  if (!name) throw new FormError("Enter the name for shipping.", "shipping_name");
  if (!line1) throw new FormError("Enter a shipping address.", "shipping_line1");
  if (!city) throw new FormError("Enter the city for shipping.", "shipping_city");
  if (!postal) throw new FormError("Enter the postal code for shipping.", "shipping_postal_code");
  if (!(allowed as string[]).includes(country)) {
    throw new FormError("We can't ship to this country.", "shipping_country");
  }
  return {
    name,
    address: {
      city,
      country,
      line1,
      line2: field(form, "shipping_line2") || null,
      postal_code: postal,
      state: field(form, "shipping_state") || null,
    },
  };
}

/** The billing address, when the session needs one (required, or for automatic tax). */
function parseBillingAddress(
  session: Session,
  form: Record<string, unknown>,
): Stripe.Address | null {
  if (!collectsBillingAddress(session)) return null;
  const line1 = field(form, "billing_line1");
  const city = field(form, "billing_city");
  const postal = field(form, "billing_postal_code");
  const country = field(form, "billing_country").toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    throw new FormError("Select the billing country.", "billing_country");
  if (!line1) throw new FormError("Enter a billing address.", "billing_line1");
  if (!city) throw new FormError("Enter the city of the billing address.", "billing_city");
  if (!postal) {
    throw new FormError("Enter the postal code of the billing address.", "billing_postal_code");
  }
  return {
    city,
    country,
    line1,
    line2: field(form, "billing_line2") || null,
    postal_code: postal,
    state: field(form, "billing_state") || null,
  };
}

/** Parses and validates the submitted fields, with Stripe Checkout's wording. */
export function parseCheckoutForm(
  ctx: Ctx,
  session: Session,
  form: Record<string, unknown>,
): CheckoutForm {
  const email = knownEmail(ctx, session) ?? field(form, "email");
  if (!email) throw new FormError("Enter your email address.", "email");
  if (!EMAIL.test(email)) throw new FormError("Your email address is invalid.", "email");
  const card = parseCardFields(ctx, form);
  const shipping = parseShipping(session, form);
  const billingAddress = parseBillingAddress(session, form);
  const business = parseBusinessFields(session, form);
  return { email, ...card, shipping, billingAddress, business };
}

/** The form fields kept while the customer authenticates (never the card's CVC). */
export function formForAuth(form: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === "string" && k !== "card_cvc") out[k] = v;
  }
  return out;
}
