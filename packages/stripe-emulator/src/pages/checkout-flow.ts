import type Stripe from "stripe";
import type { StripeErrorCode } from "../core/error-codes.ts";
import { ApiError } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { isDeleted } from "../core/util.ts";
import { redeem } from "../resources/coupons.ts";
import { createCustomer, getCustomer, saveCustomer } from "../resources/customers.ts";
import {
  getSessionPrivate,
  recalculate,
  sessionDiscount,
  setSessionPrivate,
  type SessionPrivate,
} from "../resources/checkout-sessions.ts";
import { createSetupIntent } from "../resources/setup-intents.ts";
import {
  attachPaymentMethod,
  cancelPaymentIntent,
  completeAuthentication,
  confirmPaymentIntent,
  confirmSetupIntent,
  createCardPaymentMethod,
  createPaymentIntent,
  getPaymentIntent,
  testCardFromInput,
} from "../services/payments.ts";
import {
  businessDetails,
  collectsBillingAddress,
  parseBusinessFields,
  saveBusinessTaxId,
  type BusinessFields,
} from "./checkout-tax.ts";
import { subscriptionCheckout } from "./subscription-bridge.ts";

/**
 * What happens when a customer submits the hosted checkout form: validate, create the
 * customer when needed, collect the payment (payment mode), start the subscription
 * (subscription mode) or save the card (setup mode), then complete the session and emit
 * `checkout.session.completed` last, as Stripe does.
 */

type Session = Stripe.Checkout.Session;

/** A problem to show on the form; `status` is the HTTP status of the re-rendered page. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly field: string | null = null,
    readonly status = 400,
  ) {
    super(message);
  }
}

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

export const AUTH_FAILED_MESSAGE =
  "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

export interface CheckoutForm extends CardFields {
  email: string;
  shipping: { name: string; address: Stripe.Address } | null;
  /** Collected when the session has `billing_address_collection: required` or automatic tax. */
  billingAddress: Stripe.Address | null;
  /** Business name and VAT number (`tax_id_collection`), when the customer buys as a business. */
  business: BusinessFields | null;
}

export type SubmitResult =
  | { kind: "complete"; session: Session; redirect: string }
  | { kind: "requires_action"; session: Session; redirect: string };

type Attempt = SubmitResult | { kind: "declined"; error: KeptDecline };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
}

/** Email the session already knows (locked on the form). */
export function knownEmail(ctx: Ctx, session: Session): string | null {
  if (typeof session.customer === "string") {
    const customer = ctx.store.getTyped<Stripe.Customer>("customer", session.customer);
    if (customer?.email) return customer.email;
  }
  return session.customer_email;
}

export interface CardFields {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  cardholderName: string | null;
}

/** The card fields every hosted page shares, validated with Stripe Elements' wording. */
export function parseCardFields(ctx: Ctx, form: Record<string, unknown>): CardFields {
  const cardNumber = field(form, "card_number").replace(/[\s-]/g, "");
  if (!cardNumber) throw new FormError("Your card number is incomplete.", "card_number");
  if (!/^\d{12,19}$/.test(cardNumber))
    throw new FormError("Your card number is invalid.", "card_number");
  const expiry = field(form, "card_expiry").replace(/\s/g, "");
  const m = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(expiry);
  if (!m) throw new FormError("Your card's expiration date is incomplete.", "card_expiry");
  const expMonth = Number(m[1]);
  const expYear = (m[2] ?? "").length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (expMonth < 1 || expMonth > 12)
    throw new FormError("Your card's expiration date is invalid.", "card_expiry");
  const now = new Date(ctx.now() * 1000);
  if (
    expYear < now.getUTCFullYear() ||
    (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1)
  ) {
    throw new FormError("Your card's expiration date is in the past.", "card_expiry");
  }
  const cvc = field(form, "card_cvc");
  if (!/^\d{3,4}$/.test(cvc))
    throw new FormError("Your card's security code is incomplete.", "card_cvc");
  const cardholderName = field(form, "cardholder_name") || null;

  return { cardNumber, expMonth, expYear, cvc, cardholderName };
}

/**
 * A payment method for the typed card. Invalid numbers throw Stripe's card error; the
 * test card decides what later charges do.
 */
export function paymentMethodFromCard(
  ctx: Ctx,
  card: CardFields,
  billing: Partial<Stripe.PaymentMethod.BillingDetails> = {},
): Stripe.PaymentMethod {
  const testCard = testCardFromInput(ctx, {
    number: card.cardNumber,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    cvc: card.cvc,
  });
  return createCardPaymentMethod(ctx, {
    card: testCard,
    expMonth: card.expMonth,
    expYear: card.expYear,
    billingDetails: { name: card.cardholderName, ...billing },
  });
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

  const { cardNumber, expMonth, expYear, cvc, cardholderName } = parseCardFields(ctx, form);

  let shipping: CheckoutForm["shipping"] = null;
  const allowed = session.shipping_address_collection?.allowed_countries ?? null;
  if (allowed) {
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
    shipping = {
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
  let billingAddress: Stripe.Address | null = null;
  if (collectsBillingAddress(session)) {
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
    billingAddress = {
      city,
      country,
      line1,
      line2: field(form, "billing_line2") || null,
      postal_code: postal,
      state: field(form, "billing_state") || null,
    };
  }
  const business = parseBusinessFields(session, form);
  return {
    email,
    cardNumber,
    expMonth,
    expYear,
    cvc,
    cardholderName,
    shipping,
    billingAddress,
    business,
  };
}

/** The form fields kept while the customer authenticates (never the card's CVC). */
export function formForAuth(form: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === "string" && k !== "card_cvc") out[k] = v;
  }
  return out;
}

export function successRedirect(ctx: Ctx, session: Session): string {
  if (!session.success_url) return `${ctx.baseUrl}/c/pay/${session.id}`;
  return session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id);
}

function authRedirect(ctx: Ctx, session: Session): string {
  return `${ctx.baseUrl}/c/auth/${session.id}`;
}

class Declined extends Error {}

/**
 * Handles a submit; the session stays open unless it completes. Invalid cards, and declines
 * in subscription and setup mode, roll back everything this submit did (the savepoint) and
 * surface as `FormError`. A payment-mode decline keeps its attempt (the session's payment
 * intent with `last_payment_error`, the failed charge, their events) and surfaces as
 * `KeptDecline`. A card that needs 3-D Secure keeps its pending intent and sends the
 * customer to the challenge page.
 */
export function submitCheckout(
  ctx: Ctx,
  session: Session,
  rawForm: Record<string, unknown>,
): SubmitResult {
  const form = parseCheckoutForm(ctx, session, rawForm);
  let attempt: Attempt;
  try {
    attempt = ctx.store.transaction(() => runSubmit(ctx, session, form, formForAuth(rawForm)));
  } catch (error) {
    if (error instanceof Declined) throw new FormError(error.message, "card_number", 402);
    if (error instanceof ApiError && (error.type === "card_error" || error.status === 400)) {
      throw new FormError(error.message, "card_number", error.status === 402 ? 402 : 400);
    }
    throw error;
  }
  if (attempt.kind === "declined") throw attempt.error;
  return attempt;
}

const UNFINISHED: readonly Stripe.PaymentIntent.Status[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
];

/**
 * The session's payment intent while it can still be confirmed (after a decline or a failed
 * challenge): Stripe confirms the same intent on every attempt of a session.
 */
function unfinishedIntent(ctx: Ctx, session: Session): Stripe.PaymentIntent | null {
  const pi = session.payment_intent;
  const id = typeof pi === "string" ? pi : (pi?.id ?? null);
  const intent = id ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", id) : null;
  return intent && UNFINISHED.includes(intent.status) ? intent : null;
}

function billingDetails(form: CheckoutForm): Partial<Stripe.PaymentMethod.BillingDetails> {
  const address = form.billingAddress ?? form.shipping?.address ?? null;
  return {
    email: form.email,
    name: form.cardholderName ?? form.shipping?.name ?? null,
    ...(address ? { address: { ...address } } : {}),
  };
}

/** `customer_update[…]=auto`: an existing customer takes over what the session collected. */
function updateExistingCustomer(
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

function ensureCustomer(ctx: Ctx, session: Session, form: CheckoutForm): Stripe.Customer | null {
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

function runSubmit(
  ctx: Ctx,
  session: Session,
  form: CheckoutForm,
  keptForm: Record<string, string>,
): Attempt {
  // The card is checked before anything is created for it.
  testCardFromInput(ctx, {
    number: form.cardNumber,
    exp_month: form.expMonth,
    exp_year: form.expYear,
    cvc: form.cvc,
  });
  const priv = getSessionPrivate(ctx, session.id);
  const existing = typeof session.customer === "string";
  const customer = ensureCustomer(ctx, session, form);
  if (customer && existing) updateExistingCustomer(ctx, customer, priv, form);
  if (customer && form.business) saveBusinessTaxId(ctx, customer.id, form.business);
  const pm = paymentMethodFromCard(ctx, form, billingDetails(form));
  // Tax follows the address (and VAT number) just collected, so totals are recomputed first.
  const base: Session = recalculate(
    ctx,
    {
      ...session,
      customer: customer?.id ?? session.customer,
      customer_details: customerDetails(session, form),
      collected_information: form.shipping
        ? { business_name: null, individual_name: null, shipping_details: form.shipping }
        : null,
    },
    priv,
  );

  if (session.mode === "payment") {
    const earlier = unfinishedIntent(ctx, session);
    if ((base.amount_total ?? 0) === 0) {
      // A 100% discount: nothing to charge, the card is not needed.
      if (earlier) cancelPaymentIntent(ctx, earlier, "abandoned");
      return finish(ctx, { ...base, payment_status: "no_payment_required" }, priv);
    }
    const pid = priv.paymentIntentData;
    const shipping: Stripe.PaymentIntent.Shipping | null = form.shipping
      ? {
          address: form.shipping.address,
          carrier: null,
          name: form.shipping.name,
          phone: null,
          tracking_number: null,
        }
      : null;
    let pi: Stripe.PaymentIntent;
    if (earlier) {
      // The same intent again, with what may have changed since (a promotion code, the
      // address); Stripe emits no event for that.
      pi = {
        ...earlier,
        amount: base.amount_total ?? 0,
        customer: customer?.id ?? earlier.customer,
        shipping,
      };
      ctx.store.update(pi);
    } else {
      pi = createPaymentIntent(ctx, {
        amount: base.amount_total ?? 0,
        currency: session.currency ?? "usd",
        customer: customer?.id ?? null,
        description: pid.description,
        metadata: pid.metadata,
        ...(pid.capture_method ? { captureMethod: pid.capture_method } : {}),
        setupFutureUsage: pid.setup_future_usage,
        receiptEmail: pid.receipt_email,
        statementDescriptor: pid.statement_descriptor,
        statementDescriptorSuffix: pid.statement_descriptor_suffix,
        shipping,
        paymentMethodTypes: ["card"],
      });
    }
    const withPi: Session = { ...base, payment_intent: pi.id };
    const outcome = confirmPaymentIntent(ctx, pi, {
      paymentMethod: pm.id,
      returnUrl: authRedirect(ctx, session),
    });
    if (outcome.status === "failed") {
      // Kept: the session points at its intent, which records the failed attempt.
      ctx.store.update({ ...session, payment_intent: pi.id });
      setSessionPrivate(ctx, session.id, { ...priv, pendingAuth: null });
      const { message, code, decline_code } = outcome.error;
      return { kind: "declined", error: new KeptDecline(message, code, decline_code) };
    }
    if (outcome.status === "requires_action") {
      return pendAuth(ctx, withPi, priv, keptForm, pi.id);
    }
    return finish(ctx, { ...withPi, payment_status: "paid" }, priv);
  }

  if (session.mode === "setup") {
    const si = createSetupIntent(ctx, {
      customer: customer?.id ?? null,
      paymentMethod: pm.id,
      usage: "off_session",
      description: priv.setupIntentData.description,
      metadata: priv.setupIntentData.metadata,
      paymentMethodTypes: ["card"],
    });
    const withSi: Session = { ...base, setup_intent: si.id };
    const confirmed = confirmSetupIntent(ctx, si, { returnUrl: authRedirect(ctx, session) });
    if (confirmed.status === "requires_action") return pendAuth(ctx, withSi, priv, keptForm, si.id);
    return finish(ctx, { ...withSi, payment_status: "no_payment_required" }, priv);
  }

  if (!customer) throw new Error("subscription checkout without a customer");
  if (priv.trialPeriodDays !== null || priv.trialEnd !== null) {
    // Nothing is charged today, so the card is set up (and authenticated) for the renewals.
    const si = createSetupIntent(ctx, {
      customer: customer.id,
      paymentMethod: pm.id,
      usage: "off_session",
      paymentMethodTypes: ["card"],
    });
    const confirmed = confirmSetupIntent(ctx, si, { returnUrl: authRedirect(ctx, session) });
    if (confirmed.status === "requires_action") return pendAuth(ctx, base, priv, keptForm, si.id);
  }
  return startSubscription(ctx, base, priv, customer.id, pm.id, keptForm);
}

/** Subscription mode: the card becomes the customer's default, then the subscription starts. */
function startSubscription(
  ctx: Ctx,
  base: Session,
  priv: SessionPrivate,
  customerId: string,
  paymentMethod: string,
  keptForm: Record<string, string>,
): SubmitResult {
  attachPaymentMethod(ctx, paymentMethod, customerId);
  const current = getCustomer(ctx, customerId);
  saveCustomer(ctx, current, {
    ...current,
    invoice_settings: { ...current.invoice_settings, default_payment_method: paymentMethod },
  });
  const result = subscriptionCheckout.start(ctx, {
    session: base,
    priv,
    customer: customerId,
    paymentMethod,
    discount: sessionDiscount(ctx, base),
  });
  const withSub: Session = {
    ...base,
    subscription: result.subscription,
    invoice: result.invoice,
  };
  if (result.status === "failed") throw new Declined(result.message);
  if (result.status === "requires_action") {
    return pendAuth(ctx, withSub, priv, keptForm, result.intent, result.invoice);
  }
  return finish(
    ctx,
    { ...withSub, payment_status: result.amountPaid > 0 ? "paid" : "no_payment_required" },
    priv,
  );
}

function customerDetails(
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

function pendAuth(
  ctx: Ctx,
  session: Session,
  priv: SessionPrivate,
  form: Record<string, string>,
  intent: string | null,
  invoice: string | null = null,
): SubmitResult {
  ctx.store.update(session);
  setSessionPrivate(ctx, session.id, { ...priv, pendingAuth: { form, intent, invoice } });
  return { kind: "requires_action", session, redirect: authRedirect(ctx, session) };
}

function finish(ctx: Ctx, session: Session, priv: SessionPrivate): SubmitResult {
  const discount = sessionDiscount(ctx, session);
  // Subscription discounts are redeemed by the subscription; payment mode redeems here.
  if (discount && session.mode === "payment") {
    redeem(ctx, discount.coupon.id, discount.promotionCode?.id ?? null);
  }
  const done: Session = { ...session, status: "complete", url: null };
  ctx.store.update(done);
  setSessionPrivate(ctx, session.id, { ...priv, pendingAuth: null, flash: null });
  ctx.unschedule(`checkout_session.expire:${session.id}`);
  ctx.emit("checkout.session.completed", done);
  return { kind: "complete", session: done, redirect: successRedirect(ctx, done) };
}

/**
 * The 3-D Secure page's answer. Approve finishes the payment/setup/subscription and the
 * session; fail leaves the session open (the intent records the failed attempt, as at
 * Stripe) and the form shows why.
 */
export function resolveAuthentication(
  ctx: Ctx,
  session: Session,
  approve: boolean,
): SubmitResult | { kind: "failed"; message: string } {
  const priv = getSessionPrivate(ctx, session.id);
  const pending = priv.pendingAuth;
  if (!pending) throw new FormError("There is no payment waiting for authentication.");
  const failed = (message: string) => {
    setSessionPrivate(ctx, session.id, {
      ...priv,
      pendingAuth: null,
      flash: { error: message, form: pending.form },
    });
    return { kind: "failed" as const, message };
  };
  if (session.mode === "subscription" && pending.invoice && pending.intent) {
    if (!approve) {
      // The subscription stays incomplete (and later expires), as at Stripe.
      completeAuthentication(ctx, pending.intent, false);
      return failed(AUTH_FAILED_MESSAGE);
    }
    const paid = subscriptionCheckout.afterAuthentication(ctx, {
      invoice: pending.invoice,
      intent: pending.intent,
    });
    return finish(
      ctx,
      { ...session, payment_status: paid > 0 ? "paid" : "no_payment_required" },
      priv,
    );
  }
  if (!pending.intent) throw new FormError("There is no payment waiting for authentication.");
  const result = completeAuthentication(ctx, pending.intent, approve);
  if (!approve) return failed(AUTH_FAILED_MESSAGE);
  if (result.kind === "setup_intent") {
    const si = result.setupIntent;
    if (si.status !== "succeeded") return failed(AUTH_FAILED_MESSAGE);
    if (session.mode === "subscription" && typeof session.customer === "string") {
      // A trial: the card is now set up, so the subscription can start.
      const pm =
        typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? "");
      const customer = session.customer;
      try {
        // One-time items due today may ask for a second challenge, for the payment itself.
        return ctx.store.transaction(() =>
          startSubscription(ctx, session, priv, customer, pm, pending.form),
        );
      } catch (error) {
        if (error instanceof Declined || error instanceof ApiError) return failed(error.message);
        throw error;
      }
    }
    return finish(ctx, { ...session, payment_status: "no_payment_required" }, priv);
  }
  const outcome = result.outcome;
  if (outcome.status === "failed") return failed(outcome.error.message);
  return finish(ctx, { ...session, payment_status: "paid" }, priv);
}

/** Amount the pending intent asks the customer to authenticate (for the challenge page). */
export function pendingAmount(
  ctx: Ctx,
  session: Session,
): { amount: number; currency: string } | null {
  const intent = getSessionPrivate(ctx, session.id).pendingAuth?.intent;
  if (!intent || !intent.startsWith("pi_")) return null;
  const pi = getPaymentIntent(ctx, intent);
  return { amount: pi.amount, currency: pi.currency };
}

/** Recomputes amounts after a promotion code or quantity change (no event: Stripe emits none). */
export function saveRecalculated(ctx: Ctx, session: Session, priv: SessionPrivate): Session {
  const next = recalculate(ctx, session, priv);
  ctx.store.update(next);
  setSessionPrivate(ctx, session.id, priv);
  return next;
}
