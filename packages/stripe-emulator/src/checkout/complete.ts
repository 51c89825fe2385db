import type Stripe from "stripe";
import { ApiError } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { redeem } from "../resources/coupons.ts";
import { getCustomer, saveCustomer } from "../resources/customers.ts";
import { createSetupIntent } from "../resources/setup-intents.ts";
import { attachPaymentMethod, testCardFromInput } from "../services/payments/methods.ts";
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
} from "../services/payments/intents.ts";
import { confirmSetupIntent } from "../services/payments/setup-intents.ts";
import { FormError, paymentMethodFromCard } from "../pages/card-form.ts";
import { saveBusinessTaxId } from "../pages/checkout-tax.ts";
import { subscriptionCheckout } from "../pages/subscription-bridge.ts";
import { recalculate, sessionDiscount } from "./amounts.ts";
import {
  billingDetails,
  customerDetails,
  ensureCustomer,
  updateExistingCustomer,
} from "./customer.ts";
import { formForAuth, KeptDecline, parseCheckoutForm, type CheckoutForm } from "./form.ts";
import {
  authRedirect,
  getSessionPrivate,
  setSessionPrivate,
  successRedirect,
  unfinishedIntent,
  type Session,
  type SessionPrivate,
} from "./session.ts";

/**
 * What happens when a customer submits the hosted checkout form: validate, create the
 * customer when needed, collect the payment (payment mode), start the subscription
 * (subscription mode) or save the card (setup mode), then complete the session and emit
 * `checkout.session.completed` last, as Stripe does.
 */

export type SubmitResult =
  | { kind: "complete"; session: Session; redirect: string }
  | { kind: "requires_action"; session: Session; redirect: string };

type Attempt = SubmitResult | { kind: "declined"; error: KeptDecline };

/** A decline in subscription mode: the whole submit rolls back. */
export class Declined extends Error {}

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

interface Prepared {
  session: Session;
  /** The session with what the form collected, amounts recomputed (tax follows the address). */
  base: Session;
  priv: SessionPrivate;
  form: CheckoutForm;
  keptForm: Record<string, string>;
  customer: Stripe.Customer | null;
  pm: Stripe.PaymentMethod;
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
  const prepared: Prepared = { session, base, priv, form, keptForm, customer, pm };
  if (session.mode === "payment") return payNow(ctx, prepared);
  if (session.mode === "setup") return saveCard(ctx, prepared);
  return subscribe(ctx, prepared);
}

/** The session's payment intent: the unfinished one again (what changed since), or a new one. */
function sessionIntent(
  ctx: Ctx,
  p: Prepared,
  earlier: Stripe.PaymentIntent | null,
): Stripe.PaymentIntent {
  const { form, base, customer, session } = p;
  const pid = p.priv.paymentIntentData;
  const shipping: Stripe.PaymentIntent.Shipping | null = form.shipping
    ? {
        address: form.shipping.address,
        carrier: null,
        name: form.shipping.name,
        phone: null,
        tracking_number: null,
      }
    : null;
  if (earlier) {
    // The same intent again, with what may have changed since (a promotion code, the
    // address); Stripe emits no event for that.
    const pi = {
      ...earlier,
      amount: base.amount_total ?? 0,
      customer: customer?.id ?? earlier.customer,
      shipping,
    };
    ctx.store.update(pi);
    return pi;
  }
  return createPaymentIntent(ctx, {
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

/** Payment mode: confirm the session's payment intent with the card. */
function payNow(ctx: Ctx, p: Prepared): Attempt {
  const { session, base, priv } = p;
  const earlier = unfinishedIntent(ctx, session);
  if ((base.amount_total ?? 0) === 0) {
    // A 100% discount: nothing to charge, the card is not needed.
    if (earlier) cancelPaymentIntent(ctx, earlier, "abandoned");
    return finish(ctx, { ...base, payment_status: "no_payment_required" }, priv);
  }
  const pi = sessionIntent(ctx, p, earlier);
  const withPi: Session = { ...base, payment_intent: pi.id };
  const outcome = confirmPaymentIntent(ctx, pi, {
    paymentMethod: p.pm.id,
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
    return pendAuth(ctx, withPi, priv, p.keptForm, pi.id);
  }
  return finish(ctx, { ...withPi, payment_status: "paid" }, priv);
}

/** Setup mode: a setup intent saves the card for later. */
function saveCard(ctx: Ctx, p: Prepared): Attempt {
  const { session, base, priv } = p;
  const si = createSetupIntent(ctx, {
    customer: p.customer?.id ?? null,
    paymentMethod: p.pm.id,
    usage: "off_session",
    description: priv.setupIntentData.description,
    metadata: priv.setupIntentData.metadata,
    paymentMethodTypes: ["card"],
  });
  const withSi: Session = { ...base, setup_intent: si.id };
  const confirmed = confirmSetupIntent(ctx, si, { returnUrl: authRedirect(ctx, session) });
  if (confirmed.status === "requires_action") return pendAuth(ctx, withSi, priv, p.keptForm, si.id);
  return finish(ctx, { ...withSi, payment_status: "no_payment_required" }, priv);
}

/** Subscription mode; with a trial the card is set up (and authenticated) first. */
function subscribe(ctx: Ctx, p: Prepared): Attempt {
  const { session, base, priv, customer } = p;
  if (!customer) throw new Error("subscription checkout without a customer");
  if (priv.trialPeriodDays !== null || priv.trialEnd !== null) {
    // Nothing is charged today, so the card is set up (and authenticated) for the renewals.
    const si = createSetupIntent(ctx, {
      customer: customer.id,
      paymentMethod: p.pm.id,
      usage: "off_session",
      paymentMethodTypes: ["card"],
    });
    const confirmed = confirmSetupIntent(ctx, si, { returnUrl: authRedirect(ctx, session) });
    if (confirmed.status === "requires_action") return pendAuth(ctx, base, priv, p.keptForm, si.id);
  }
  return startSubscription(ctx, base, priv, customer.id, p.pm.id, p.keptForm);
}

/** Subscription mode: the card becomes the customer's default, then the subscription starts. */
export function startSubscription(
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

export function finish(ctx: Ctx, session: Session, priv: SessionPrivate): SubmitResult {
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
