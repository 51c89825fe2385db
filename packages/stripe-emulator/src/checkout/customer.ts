import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { isDeleted } from "../core/util.ts";
import { createCustomer, getCustomer, saveCustomer } from "../resources/customers.ts";
import { businessDetails } from "../pages/checkout-tax.ts";
import type { CheckoutForm } from "./form.ts";
import {
  getSessionPrivate,
  unfinishedIntent,
  type Session,
  type SessionPrivate,
} from "./session.ts";

/** The customer a completed checkout belongs to, and what the form tells about them. */

export function billingDetails(form: CheckoutForm): Partial<Stripe.PaymentMethod.BillingDetails> {
  const address = form.billingAddress ?? form.shipping?.address ?? null;
  return {
    email: form.email,
    name: form.cardholderName ?? form.shipping?.name ?? null,
    ...(address ? { address: { ...address } } : {}),
  };
}

/** `customer_update[…]=auto`: an existing customer takes over what the session collected. */
export function updateExistingCustomer(
  ctx: Ctx,
  customer: Stripe.Customer,
  priv: SessionPrivate,
  form: CheckoutForm,
): void {
  const u = priv.customerUpdate;
  const next: Stripe.Customer = { ...customer };
  if (u.name === "auto" && form.cardholderName) next.name = form.cardholderName;
  if (u.address === "auto" && form.billingAddress) next.address = form.billingAddress;
  if (u.shipping === "auto" && form.shipping) {
    next.shipping = {
      address: form.shipping.address,
      name: form.shipping.name,
      phone: customer.shipping?.phone ?? null,
      carrier: null,
      tracking_number: null,
    };
  }
  saveCustomer(ctx, customer, next);
}

/** The session's customer: given, taken over from an earlier declined attempt, or created when needed. */
export function ensureCustomer(
  ctx: Ctx,
  session: Session,
  form: CheckoutForm,
): Stripe.Customer | null {
  if (typeof session.customer === "string") return getCustomer(ctx, session.customer);
  const earlier = session.mode === "payment" ? unfinishedIntent(ctx, session)?.customer : null;
  const attempted =
    typeof earlier === "string" ? ctx.store.getTyped<Stripe.Customer>("customer", earlier) : null;
  // Saving the card for later needs a customer to attach it to, as at Stripe.
  const savesCard =
    session.mode === "payment" &&
    getSessionPrivate(ctx, session.id).paymentIntentData.setup_future_usage !== null;
  const required =
    session.mode === "subscription" || session.customer_creation === "always" || savesCard;
  if (!required) return null;
  const address = form.billingAddress ?? form.shipping?.address ?? null;
  if (attempted && !isDeleted(attempted)) {
    // An earlier declined attempt created the customer: this attempt takes it over.
    const next: Stripe.Customer = { ...attempted, email: form.email };
    if (form.cardholderName || form.shipping) {
      next.name = form.cardholderName ?? form.shipping?.name ?? null;
    }
    if (address) next.address = address;
    if (form.shipping) {
      next.shipping = {
        address: form.shipping.address,
        name: form.shipping.name,
        phone: attempted.shipping?.phone ?? null,
        carrier: null,
        tracking_number: null,
      };
    }
    return saveCustomer(ctx, attempted, next);
  }
  // A business buyer's customer is the business (Stripe names it after the business).
  const name = form.business?.businessName ?? form.cardholderName ?? form.shipping?.name ?? null;
  return createCustomer(ctx, {
    email: form.email,
    ...(name ? { name } : {}),
    ...(address ? { address } : {}),
    ...(form.shipping
      ? { shipping: { name: form.shipping.name, address: form.shipping.address } }
      : {}),
  });
}

export function customerDetails(
  session: Session,
  form: CheckoutForm,
): Stripe.Checkout.Session.CustomerDetails {
  return {
    address: form.billingAddress ??
      form.shipping?.address ?? {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
    email: form.email,
    individual_name: null,
    name: form.cardholderName ?? form.shipping?.name ?? session.customer_details?.name ?? null,
    phone: null,
    tax_exempt: session.customer_details?.tax_exempt ?? "none",
    ...businessDetails(form.business),
  };
}
