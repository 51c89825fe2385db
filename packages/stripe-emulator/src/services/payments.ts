import type Stripe from "stripe";
import type { StripeErrorCode } from "../core/error-codes.ts";
import {
  ApiError,
  cardError,
  invalidParam,
  invalidRequest,
  resourceMissing,
} from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { mustGet, previousAttributes } from "../core/util.ts";
import {
  AUTH_REQUIRED_DECLINE,
  DECLINES,
  type CardBehavior,
  type DeclineInfo,
  type TestCard,
  luhnValid,
  testCardByAlias,
  testCardByNumber,
} from "./test-cards.ts";

/**
 * Money movement shared by the payment resources, the hosted pages and the billing half
 * (invoice payments, checkout). Every function runs inside the caller's transaction and
 * emits the events Stripe emits, in Stripe's order.
 */

interface PaymentMethodPrivate {
  behavior: CardBehavior;
  /** Authenticated once (setup intent / on-session 3DS): off-session charges may skip 3DS. */
  setupForOffSession: boolean;
}

interface IntentPrivate {
  authenticated?: boolean;
  offSession?: boolean;
}

/**
 * Listeners for a payment intent that succeeded, however it was confirmed (API, hosted
 * page, 3DS approval): the billing half marks the invoice it pays as paid.
 */
export const paymentIntentHooks: {
  onSucceeded: ((ctx: Ctx, paymentIntent: Stripe.PaymentIntent) => void)[];
} = { onSucceeded: [] };

export type PaymentOutcome =
  | { status: "succeeded"; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { status: "requires_capture"; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { status: "requires_action"; paymentIntent: Stripe.PaymentIntent; charge: null }
  | {
      status: "failed";
      paymentIntent: Stripe.PaymentIntent;
      charge: Stripe.Charge | null;
      error: {
        type: "card_error" | "invalid_request_error";
        code: StripeErrorCode;
        decline_code?: string;
        message: string;
      };
    };

/** Stripe's minimum charge per currency (minor units) for the common ones; 1 elsewhere. */
const MINIMUM_AMOUNTS: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  cad: 50,
  aud: 50,
  jpy: 50,
  chf: 50,
};

export const minimumCharge = (currency: string): number => MINIMUM_AMOUNTS[currency] ?? 1;

function clockOf(ctx: Ctx, customerId: string | null | undefined): string | null {
  if (!customerId) return null;
  const customer = ctx.store.getTyped<Stripe.Customer>("customer", customerId);
  return typeof customer?.test_clock === "string" ? customer.test_clock : null;
}

/** "Now" for objects of a customer: its test clock's time when it has one. */
export function nowFor(ctx: Ctx, customerId: string | null | undefined): number {
  return ctx.clockNow(clockOf(ctx, customerId));
}

function update<T extends object>(
  ctx: Ctx,
  before: T,
  next: T,
  event: Stripe.Event.Type | null,
): T {
  ctx.store.update(next);
  if (event) {
    const prev = previousAttributes(before, next);
    if (prev) ctx.emit(event, next, prev);
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Payment methods

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string;
}

/** Validates a raw card (hosted pages, `card[number]`) like Stripe's card errors. */
export function testCardFromInput(ctx: Ctx, card: CardInput, paramPrefix = "card"): TestCard {
  const digits = card.number.replace(/[\s-]/g, "");
  if (!luhnValid(digits)) {
    throw new ApiError(402, "card_error", "Your card number is incorrect.", {
      code: "incorrect_number",
      param: `${paramPrefix}[number]`,
    });
  }
  const now = new Date(ctx.now() * 1000);
  const expired =
    card.exp_year < now.getUTCFullYear() ||
    (card.exp_year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1);
  if (card.exp_month < 1 || card.exp_month > 12) {
    throw new ApiError(402, "card_error", "Your card's expiration month is invalid.", {
      code: "invalid_expiry_month",
      param: `${paramPrefix}[exp_month]`,
    });
  }
  if (expired) {
    throw new ApiError(402, "card_error", "Your card's expiration year is invalid.", {
      code: "invalid_expiry_year",
      param: `${paramPrefix}[exp_year]`,
    });
  }
  if (card.cvc !== undefined && !/^\d{3,4}$/.test(card.cvc)) {
    throw new ApiError(402, "card_error", "Your card's security code is invalid.", {
      code: "invalid_cvc",
      param: `${paramPrefix}[cvc]`,
    });
  }
  // Unknown but valid numbers behave like 4242: the emulator never moves real money.
  return (
    testCardByNumber(digits) ?? {
      number: digits,
      brand: digits.startsWith("4") ? "visa" : digits.startsWith("5") ? "mastercard" : "visa",
      funding: "credit",
      country: "US",
      behavior: "succeed",
    }
  );
}

export function createCardPaymentMethod(
  ctx: Ctx,
  input: {
    card: TestCard;
    expMonth?: number;
    expYear?: number;
    billingDetails?: Partial<Stripe.PaymentMethod.BillingDetails>;
    metadata?: Record<string, string>;
    allowRedisplay?: Stripe.PaymentMethod.AllowRedisplay;
  },
): Stripe.PaymentMethod {
  const { card } = input;
  const year = new Date(ctx.now() * 1000).getUTCFullYear();
  const pm: Stripe.PaymentMethod = {
    id: ctx.ids.id("pm"),
    object: "payment_method",
    allow_redisplay: input.allowRedisplay ?? "unspecified",
    billing_details: {
      address: input.billingDetails?.address ?? {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      email: input.billingDetails?.email ?? null,
      name: input.billingDetails?.name ?? null,
      phone: input.billingDetails?.phone ?? null,
      tax_id: input.billingDetails?.tax_id ?? null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: card.country,
      display_brand: card.brand,
      exp_month: input.expMonth ?? 12,
      exp_year: input.expYear ?? year + 3,
      fingerprint: fingerprintOf(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: "card",
  };
  ctx.store.insert(pm);
  ctx.store.setPrivate(pm.id, {
    behavior: card.behavior,
    setupForOffSession: false,
  } satisfies PaymentMethodPrivate);
  return pm;
}

function fingerprintOf(number: string): string {
  let h = 0;
  for (const ch of number) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `emu${h.toString(36).padStart(13, "0")}`.slice(0, 16);
}

/**
 * A payment method by id; `pm_card_visa`-style and `tok_visa`-style aliases create a fresh
 * `pm_…` each time, as Stripe does.
 */
/** Test tokens (`pm_card_visa`) resolved in a unit of work → the payment method each became. */
const tokensByUnit = new WeakMap<Ctx, Map<string, string>>();

/** The payment method a test token already became in this request, if it was used before. */
export function paymentMethodForToken(ctx: Ctx, token: string): string | undefined {
  return tokensByUnit.get(ctx)?.get(token);
}

/**
 * A payment method id, or a test token that becomes a new card payment method. A token
 * named twice in one request (`payment_method` and `invoice_settings[default_payment_method]`
 * of `customers.create`, as Stripe's testing guides do) is the same card both times.
 */
export function resolvePaymentMethod(
  ctx: Ctx,
  id: string,
  param = "payment_method",
): Stripe.PaymentMethod {
  const alias = testCardByAlias(id);
  if (alias) {
    const earlier = paymentMethodForToken(ctx, id);
    const found = earlier && ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", earlier);
    if (found) return found;
    const created = createCardPaymentMethod(ctx, { card: alias });
    const tokens = tokensByUnit.get(ctx) ?? new Map<string, string>();
    tokensByUnit.set(ctx, tokens.set(id, created.id));
    return created;
  }
  const pm = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", id);
  if (!pm) throw resourceMissing("PaymentMethod", id, param);
  return pm;
}

function pmPrivate(ctx: Ctx, id: string): PaymentMethodPrivate {
  return (
    ctx.store.getPrivate<PaymentMethodPrivate>(id) ?? {
      behavior: "succeed",
      setupForOffSession: false,
    }
  );
}

/** Declines that Stripe already reports when a card is attached (its $0 validation). */
function attachDecline(behavior: CardBehavior): DeclineInfo | undefined {
  return behavior === "charge_fails" || behavior === "dispute" ? undefined : DECLINES[behavior];
}

export function attachPaymentMethod(
  ctx: Ctx,
  paymentMethodId: string,
  customerId: string,
  param = "payment_method",
): Stripe.PaymentMethod {
  const pm = resolvePaymentMethod(ctx, paymentMethodId, param);
  mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  if (pm.customer === customerId) return pm;
  if (pm.customer) {
    throw invalidParam(
      param,
      "The payment method you provided has already been attached to a customer.",
      "payment_method_unexpected_state",
    );
  }
  const decline = attachDecline(pmPrivate(ctx, pm.id).behavior);
  if (decline) {
    throw new ApiError(402, "card_error", decline.message, {
      code: decline.code,
      ...(decline.declineCode ? { declineCode: decline.declineCode } : {}),
      param,
    });
  }
  const next: Stripe.PaymentMethod = { ...pm, customer: customerId };
  ctx.store.update(next);
  ctx.emit("payment_method.attached", next);
  return next;
}

export function detachPaymentMethod(ctx: Ctx, paymentMethodId: string): Stripe.PaymentMethod {
  const pm = mustGet<Stripe.PaymentMethod>(
    ctx,
    "payment_method",
    paymentMethodId,
    "payment_method",
    "PaymentMethod",
  );
  if (!pm.customer) {
    throw invalidRequest(
      "The payment method you provided is not attached to a customer so detachment is impossible.",
      {
        code: "payment_method_unexpected_state",
      },
    );
  }
  const customerId = typeof pm.customer === "string" ? pm.customer : pm.customer.id;
  const next: Stripe.PaymentMethod = { ...pm, customer: null };
  ctx.store.update(next);
  // A detached card can no longer be the customer's default.
  const customer = ctx.store.getTyped<Stripe.Customer>("customer", customerId);
  if (customer && customer.invoice_settings?.default_payment_method === pm.id) {
    update(
      ctx,
      customer,
      {
        ...customer,
        invoice_settings: { ...customer.invoice_settings, default_payment_method: null },
      },
      "customer.updated",
    );
  }
  ctx.emit("payment_method.detached", next, { customer: customerId });
  return next;
}

// ---------------------------------------------------------------------------------------
// Balance transactions

function stripeFee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

export function createBalanceTransaction(
  ctx: Ctx,
  input: {
    amount: number;
    currency: string;
    source: string;
    type: Stripe.BalanceTransaction.Type;
    reportingCategory: string;
    description?: string | null;
    fee?: number;
    created: number;
  },
): Stripe.BalanceTransaction {
  const fee = input.fee ?? 0;
  const txn: Stripe.BalanceTransaction = {
    id: ctx.ids.id("txn"),
    object: "balance_transaction",
    amount: input.amount,
    available_on: input.created + 2 * 86400,
    balance_type: "payments",
    created: input.created,
    currency: input.currency,
    description: input.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [
          {
            amount: fee,
            application: null,
            currency: input.currency,
            description: "Stripe processing fees",
            type: "stripe_fee",
          },
        ]
      : [],
    net: input.amount - fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: "pending",
    type: input.type,
  };
  ctx.store.insert(txn);
  return txn;
}

// ---------------------------------------------------------------------------------------
// Payment intents and charges

export interface CreateIntentInput {
  amount: number;
  currency: string;
  customer?: string | null;
  paymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  captureMethod?: Stripe.PaymentIntent.CaptureMethod;
  setupFutureUsage?: Stripe.PaymentIntent.SetupFutureUsage | null;
  receiptEmail?: string | null;
  statementDescriptor?: string | null;
  statementDescriptorSuffix?: string | null;
  shipping?: Stripe.PaymentIntent.Shipping | null;
  paymentMethodTypes?: string[];
  /** `allowed_payment_method_types` as sent; `payment_method_types` gets its card subset. */
  allowedPaymentMethodTypes?: string[];
  automaticPaymentMethods?: boolean;
}

export function createPaymentIntent(ctx: Ctx, input: CreateIntentInput): Stripe.PaymentIntent {
  const min = minimumCharge(input.currency);
  if (input.amount < min) {
    throw invalidParam(
      "amount",
      `Amount must be at least ${min} ${input.currency}`,
      "amount_too_small",
    );
  }
  if (input.customer) mustGet<Stripe.Customer>(ctx, "customer", input.customer, "customer");
  const pm = input.paymentMethod ? resolvePaymentMethod(ctx, input.paymentMethod) : null;
  const id = ctx.ids.id("pi");
  const allowed = input.allowedPaymentMethodTypes ?? null;
  const automatic =
    input.automaticPaymentMethods ?? (input.paymentMethodTypes === undefined && allowed === null);
  const pi: Stripe.PaymentIntent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: allowed,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: automatic ? { allow_redirects: "always", enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod ?? "automatic_async",
    client_secret: `${id}_secret_${ctx.ids.token(25)}`,
    confirmation_method: "automatic",
    created: nowFor(ctx, input.customer),
    currency: input.currency,
    customer: input.customer ?? null,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: pm?.id ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: {
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: "automatic",
      },
    },
    payment_method_types: input.paymentMethodTypes ??
      allowed?.filter((t) => t === "card") ?? ["card"],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: input.shipping ?? null,
    source: null,
    statement_descriptor: input.statementDescriptor ?? null,
    statement_descriptor_suffix: input.statementDescriptorSuffix ?? null,
    status: pm ? "requires_confirmation" : "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  };
  ctx.store.insert(pi);
  ctx.emit("payment_intent.created", pi);
  return pi;
}

export function getPaymentIntent(ctx: Ctx, id: string, param = "intent"): Stripe.PaymentIntent {
  return mustGet<Stripe.PaymentIntent>(ctx, "payment_intent", id, param, "payment_intent");
}

function buildCharge(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  result: { paid: boolean; captured: boolean; decline?: DeclineInfo },
): Stripe.Charge {
  const created = nowFor(ctx, typeof pi.customer === "string" ? pi.customer : null);
  const card = pm.card;
  const id = ctx.ids.id("ch");
  const declined = result.decline;
  return {
    id,
    object: "charge",
    amount: pi.amount,
    amount_captured: result.captured ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: "FOLIO EMULATOR",
    captured: result.captured,
    created,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: declined?.code ?? null,
    failure_message: declined?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: pi.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: declined ? "declined_by_network" : "approved_by_network",
      reason: declined?.declineCode ?? null,
      risk_level: "normal",
      risk_score: 20,
      seller_message: declined ? declined.sellerMessage : "Payment complete.",
      type: declined ? "issuer_declined" : "authorized",
    },
    paid: result.paid,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        amount_authorized: result.paid ? pi.amount : null,
        authorization_code: result.paid ? ctx.ids.token(6).toUpperCase() : null,
        brand: card?.brand ?? "visa",
        checks: card?.checks ?? null,
        country: card?.country ?? "US",
        electronic_commerce_indicator: null,
        exp_month: card?.exp_month ?? 12,
        exp_year: card?.exp_year ?? 2030,
        extended_authorization: { status: "disabled" },
        fingerprint: card?.fingerprint ?? null,
        funding: card?.funding ?? "credit",
        incremental_authorization: { status: "unavailable" },
        installments: null,
        last4: card?.last4 ?? "4242",
        mandate: null,
        multicapture: { status: "unavailable" },
        network: card?.brand ?? "visa",
        network_token: { used: false },
        network_transaction_id: result.paid ? ctx.ids.token(15) : null,
        overcapture: { maximum_amount_capturable: pi.amount, status: "unavailable" },
        regulated_status: "unregulated",
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: "card",
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${ctx.baseUrl}/receipts/${id}`,
    refunded: false,
    refunds: { object: "list", data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: pi.shipping,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: declined ? "failed" : "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

function requiresAuthentication(
  behavior: CardBehavior,
  pmPriv: PaymentMethodPrivate,
  offSession: boolean,
): boolean {
  if (behavior === "auth_always") return true;
  if (behavior === "auth_unless_setup") return !(offSession && pmPriv.setupForOffSession);
  return false;
}

function fail(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  decline: DeclineInfo,
): PaymentOutcome {
  const charge = buildCharge(ctx, pi, pm, { paid: false, captured: false, decline });
  ctx.store.insert(charge);
  ctx.emit("charge.failed", charge);
  const error: Stripe.PaymentIntent.LastPaymentError = {
    type: "card_error",
    charge: charge.id,
    code: decline.code,
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, "-")}`,
    message: decline.message,
    payment_method: { ...pm },
  };
  const next: Stripe.PaymentIntent = {
    ...pi,
    last_payment_error: error,
    latest_charge: charge.id,
    next_action: null,
    payment_method: null,
    status: "requires_payment_method",
  };
  ctx.store.update(next);
  ctx.emit("payment_intent.payment_failed", next);
  return {
    status: "failed",
    paymentIntent: next,
    charge,
    error: {
      type: "card_error",
      code: decline.code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      message: decline.message,
    },
  };
}

/** Authorises (and captures unless manual) after any authentication is done. */
function charge(ctx: Ctx, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): PaymentOutcome {
  const priv = pmPrivate(ctx, pm.id);
  const decline = DECLINES[priv.behavior];
  if (decline) return fail(ctx, pi, pm, decline);
  const manual = pi.capture_method === "manual";
  let ch = buildCharge(ctx, pi, pm, { paid: true, captured: !manual });
  if (!manual) {
    const txn = createBalanceTransaction(ctx, {
      amount: pi.amount,
      currency: pi.currency,
      source: ch.id,
      type: "charge",
      reportingCategory: "charge",
      description: pi.description,
      fee: stripeFee(pi.amount),
      created: ch.created,
    });
    ch = { ...ch, balance_transaction: txn.id };
  }
  ctx.store.insert(ch);
  ctx.emit("charge.succeeded", ch);
  let next: Stripe.PaymentIntent = {
    ...pi,
    amount_capturable: manual ? pi.amount : 0,
    amount_received: manual ? 0 : pi.amount,
    last_payment_error: null,
    latest_charge: ch.id,
    next_action: null,
    payment_method: pm.id,
    status: manual ? "requires_capture" : "succeeded",
  };
  ctx.store.update(next);
  ctx.emit(manual ? "payment_intent.amount_capturable_updated" : "payment_intent.succeeded", next);
  if (!manual) for (const hook of paymentIntentHooks.onSucceeded) hook(ctx, next);
  // Saving the card for later: attach to the customer, as setup_future_usage asks.
  if (pi.setup_future_usage && typeof pi.customer === "string") {
    const current = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pm.id);
    if (current && !current.customer) attachPaymentMethod(ctx, pm.id, pi.customer);
    ctx.store.setPrivate(pm.id, { ...pmPrivate(ctx, pm.id), setupForOffSession: true });
  }
  if (priv.behavior === "dispute" && !manual) {
    openDispute(ctx, ch.id, { reason: "fraudulent" });
    ch = ctx.store.getTyped<Stripe.Charge>("charge", ch.id) ?? ch;
    next = ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", pi.id) ?? next;
  }
  return manual
    ? { status: "requires_capture", paymentIntent: next, charge: ch }
    : { status: "succeeded", paymentIntent: next, charge: ch };
}

/**
 * Confirms a payment intent with the test-card semantics. Never throws for a decline:
 * the outcome says what happened (callers that answer an API request turn a failure into
 * a 402 with `throwOnFailure`).
 */
export function confirmPaymentIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  options: {
    paymentMethod?: string;
    offSession?: boolean;
    returnUrl?: string;
    setupFutureUsage?: Stripe.PaymentIntent.SetupFutureUsage | null;
  } = {},
): PaymentOutcome {
  if (
    !["requires_payment_method", "requires_confirmation", "requires_action"].includes(intent.status)
  ) {
    throw invalidRequest(
      `This PaymentIntent's status is ${intent.status}, but it must be one of requires_payment_method, requires_confirmation, or requires_action to be confirmed.`,
      { code: "payment_intent_unexpected_state", extra: { payment_intent: intent } },
    );
  }
  const pmId =
    options.paymentMethod ??
    (typeof intent.payment_method === "string" ? intent.payment_method : intent.payment_method?.id);
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      { code: "payment_intent_unexpected_state", extra: { payment_intent: intent } },
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId);
  if (typeof intent.customer === "string" && pm.customer && pm.customer !== intent.customer) {
    throw invalidParam(
      "payment_method",
      "The provided PaymentMethod belongs to another customer.",
      "payment_method_unexpected_state",
    );
  }
  let pi: Stripe.PaymentIntent = {
    ...intent,
    payment_method: pm.id,
    ...(options.setupFutureUsage !== undefined
      ? { setup_future_usage: options.setupFutureUsage }
      : {}),
  };
  ctx.store.update(pi);
  const offSession = options.offSession ?? false;
  const priv = pmPrivate(ctx, pm.id);
  const piPriv = ctx.store.getPrivate<IntentPrivate>(pi.id) ?? {};
  if (!piPriv.authenticated && requiresAuthentication(priv.behavior, priv, offSession)) {
    if (offSession) return fail(ctx, pi, pm, AUTH_REQUIRED_DECLINE);
    const returnUrl = options.returnUrl ?? `${ctx.baseUrl}/3ds/complete`;
    pi = {
      ...pi,
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: {
          return_url: returnUrl,
          url: `${ctx.baseUrl}/3ds/${pi.id}?return_url=${encodeURIComponent(returnUrl)}`,
        },
      },
      status: "requires_action",
    };
    ctx.store.update(pi);
    ctx.store.setPrivate(pi.id, { ...piPriv, offSession } satisfies IntentPrivate);
    ctx.emit("payment_intent.requires_action", pi);
    return { status: "requires_action", paymentIntent: pi, charge: null };
  }
  return charge(ctx, pi, pm);
}

/** Turns a failed outcome into Stripe's 402 (state is kept: the error commits). */
export function throwOnFailure(outcome: PaymentOutcome): PaymentOutcome {
  if (outcome.status !== "failed") return outcome;
  if (outcome.error.type === "card_error") {
    throw cardError(outcome.error.message, outcome.error.code, outcome.error.decline_code, {
      payment_intent: outcome.paymentIntent,
      ...(outcome.charge ? { charge: outcome.charge.id } : {}),
    });
  }
  throw new ApiError(400, "invalid_request_error", outcome.error.message, {
    code: outcome.error.code,
    commit: true,
    extra: { payment_intent: outcome.paymentIntent },
  });
}

/**
 * The result of the 3DS page (or the control API): approve completes the payment or
 * setup; fail returns the intent to `requires_payment_method`.
 */
export function completeAuthentication(
  ctx: Ctx,
  intentId: string,
  success: boolean,
):
  | { kind: "payment_intent"; outcome: PaymentOutcome }
  | { kind: "setup_intent"; setupIntent: Stripe.SetupIntent } {
  if (intentId.startsWith("seti_")) {
    return {
      kind: "setup_intent",
      setupIntent: completeSetupAuthentication(ctx, intentId, success),
    };
  }
  const pi = getPaymentIntent(ctx, intentId, "payment_intent");
  if (pi.status !== "requires_action") {
    throw invalidRequest(
      `This PaymentIntent's status is ${pi.status}; there is nothing to authenticate.`,
      {
        code: "payment_intent_unexpected_state",
      },
    );
  }
  const pmId =
    typeof pi.payment_method === "string" ? pi.payment_method : (pi.payment_method?.id ?? "");
  const pm = resolvePaymentMethod(ctx, pmId);
  if (!success) {
    const next: Stripe.PaymentIntent = {
      ...pi,
      last_payment_error: {
        type: "invalid_request_error",
        code: "payment_intent_authentication_failure",
        doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
        message:
          "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
        payment_method: { ...pm },
      },
      next_action: null,
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(next);
    ctx.emit("payment_intent.payment_failed", next);
    return {
      kind: "payment_intent",
      outcome: {
        status: "failed",
        paymentIntent: next,
        charge: null,
        error: {
          type: "invalid_request_error",
          code: "payment_intent_authentication_failure",
          message: "The provided PaymentMethod has failed authentication.",
        },
      },
    };
  }
  ctx.store.setPrivate(pi.id, {
    ...(ctx.store.getPrivate<IntentPrivate>(pi.id) ?? {}),
    authenticated: true,
  });
  // An approved challenge also sets the card up for later off-session use.
  ctx.store.setPrivate(pm.id, { ...pmPrivate(ctx, pm.id), setupForOffSession: true });
  return { kind: "payment_intent", outcome: charge(ctx, { ...pi, next_action: null }, pm) };
}

export function capturePaymentIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  amountToCapture?: number,
): Stripe.PaymentIntent {
  if (intent.status !== "requires_capture") {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      { code: "payment_intent_unexpected_state" },
    );
  }
  const amount = amountToCapture ?? intent.amount_capturable;
  if (amount > intent.amount_capturable || amount < 1) {
    throw invalidParam(
      "amount_to_capture",
      "The amount to capture must be positive and at most the amount capturable.",
    );
  }
  const chargeId =
    typeof intent.latest_charge === "string"
      ? intent.latest_charge
      : (intent.latest_charge?.id ?? "");
  const ch = mustGet<Stripe.Charge>(ctx, "charge", chargeId, "charge");
  const txn = createBalanceTransaction(ctx, {
    amount,
    currency: ch.currency,
    source: ch.id,
    type: "charge",
    reportingCategory: "charge",
    description: ch.description,
    fee: stripeFee(amount),
    created: ctx.now(),
  });
  const nextCharge: Stripe.Charge = {
    ...ch,
    amount_captured: amount,
    // The uncaptured remainder is released, which Stripe models as a refund of it.
    amount_refunded: intent.amount - amount,
    refunded: false,
    balance_transaction: txn.id,
    captured: true,
  };
  ctx.store.update(nextCharge);
  ctx.emit("charge.captured", nextCharge, {
    amount_captured: 0,
    captured: false,
    balance_transaction: null,
  });
  const next: Stripe.PaymentIntent = {
    ...intent,
    amount_capturable: 0,
    amount_received: amount,
    status: "succeeded",
  };
  ctx.store.update(next);
  ctx.emit("payment_intent.succeeded", next);
  for (const hook of paymentIntentHooks.onSucceeded) hook(ctx, next);
  return next;
}

export function cancelPaymentIntent(
  ctx: Ctx,
  intent: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null = null,
): Stripe.PaymentIntent {
  if (
    intent.status === "succeeded" ||
    intent.status === "canceled" ||
    intent.status === "processing"
  ) {
    throw invalidRequest(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action.`,
      { code: "payment_intent_unexpected_state" },
    );
  }
  if (intent.status === "requires_capture" && typeof intent.latest_charge === "string") {
    const ch = ctx.store.getTyped<Stripe.Charge>("charge", intent.latest_charge);
    if (ch) {
      const released: Stripe.Charge = { ...ch, amount_refunded: ch.amount, refunded: true };
      ctx.store.update(released);
      ctx.emit("charge.expired", released);
    }
  }
  const next: Stripe.PaymentIntent = {
    ...intent,
    amount_capturable: 0,
    canceled_at: ctx.now(),
    cancellation_reason: reason,
    next_action: null,
    status: "canceled",
  };
  ctx.store.update(next);
  ctx.emit("payment_intent.canceled", next);
  return next;
}

/**
 * Charges a customer off-session (the billing half's invoice payments): creates a payment
 * intent, confirms it with the given or the customer's default payment method, and says
 * what happened. Returns `no_payment_method` without side effects when there is nothing
 * to charge.
 */
export function chargeCustomer(
  ctx: Ctx,
  input: {
    customer: string;
    amount: number;
    currency: string;
    paymentMethod?: string | null;
    description?: string | null;
    metadata?: Record<string, string>;
    offSession?: boolean;
    returnUrl?: string;
    statementDescriptor?: string | null;
  },
): PaymentOutcome | { status: "no_payment_method"; paymentIntent: null; charge: null } {
  const customer = mustGet<Stripe.Customer>(ctx, "customer", input.customer, "customer");
  const dpm = customer.invoice_settings?.default_payment_method;
  const pmId = input.paymentMethod ?? (typeof dpm === "string" ? dpm : (dpm?.id ?? null));
  if (!pmId) return { status: "no_payment_method", paymentIntent: null, charge: null };
  const pi = createPaymentIntent(ctx, {
    amount: input.amount,
    currency: input.currency,
    customer: customer.id,
    paymentMethod: pmId,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    statementDescriptor: input.statementDescriptor ?? null,
  });
  return confirmPaymentIntent(ctx, pi, {
    offSession: input.offSession ?? true,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
  });
}

// ---------------------------------------------------------------------------------------
// Setup intents

export function confirmSetupIntent(
  ctx: Ctx,
  intent: Stripe.SetupIntent,
  options: { paymentMethod?: string; returnUrl?: string } = {},
): Stripe.SetupIntent {
  if (
    !["requires_payment_method", "requires_confirmation", "requires_action"].includes(intent.status)
  ) {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has already succeeded or been canceled (status: ${intent.status}).`,
      { code: "setup_intent_unexpected_state" },
    );
  }
  const pmId =
    options.paymentMethod ??
    (typeof intent.payment_method === "string" ? intent.payment_method : intent.payment_method?.id);
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      {
        code: "setup_intent_unexpected_state",
      },
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId);
  const priv = pmPrivate(ctx, pm.id);
  let si: Stripe.SetupIntent = { ...intent, payment_method: pm.id };
  const decline = attachDecline(priv.behavior);
  if (decline) {
    si = {
      ...si,
      last_setup_error: {
        type: "card_error",
        code: decline.code,
        ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
        message: decline.message,
        payment_method: { ...pm },
      },
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(si);
    ctx.emit("setup_intent.setup_failed", si);
    throw cardError(decline.message, decline.code, decline.declineCode, { setup_intent: si });
  }
  const piPriv = ctx.store.getPrivate<IntentPrivate>(si.id) ?? {};
  if (
    (priv.behavior === "auth_unless_setup" || priv.behavior === "auth_always") &&
    !piPriv.authenticated
  ) {
    const returnUrl = options.returnUrl ?? `${ctx.baseUrl}/3ds/complete`;
    si = {
      ...si,
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: {
          return_url: returnUrl,
          url: `${ctx.baseUrl}/3ds/${si.id}?return_url=${encodeURIComponent(returnUrl)}`,
        },
      },
      status: "requires_action",
    };
    ctx.store.update(si);
    ctx.emit("setup_intent.requires_action", si);
    return si;
  }
  return succeedSetup(ctx, si, pm);
}

function succeedSetup(
  ctx: Ctx,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
): Stripe.SetupIntent {
  if (typeof si.customer === "string") {
    const current = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pm.id);
    if (current && !current.customer) attachPaymentMethod(ctx, pm.id, si.customer);
  }
  ctx.store.setPrivate(pm.id, { ...pmPrivate(ctx, pm.id), setupForOffSession: true });
  const next: Stripe.SetupIntent = {
    ...si,
    last_setup_error: null,
    next_action: null,
    payment_method: pm.id,
    status: "succeeded",
  };
  ctx.store.update(next);
  ctx.emit("setup_intent.succeeded", next);
  return next;
}

function completeSetupAuthentication(ctx: Ctx, id: string, success: boolean): Stripe.SetupIntent {
  const si = mustGet<Stripe.SetupIntent>(ctx, "setup_intent", id, "setup_intent", "setup_intent");
  if (si.status !== "requires_action") {
    throw invalidRequest(
      `This SetupIntent's status is ${si.status}; there is nothing to authenticate.`,
      {
        code: "setup_intent_unexpected_state",
      },
    );
  }
  const pmId =
    typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? "");
  const pm = resolvePaymentMethod(ctx, pmId);
  if (!success) {
    const next: Stripe.SetupIntent = {
      ...si,
      last_setup_error: {
        type: "invalid_request_error",
        code: "setup_intent_authentication_failure",
        message:
          "The latest attempt to set up the payment method has failed because authentication failed.",
        payment_method: { ...pm },
      },
      next_action: null,
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(next);
    ctx.emit("setup_intent.setup_failed", next);
    return next;
  }
  ctx.store.setPrivate(si.id, { authenticated: true } satisfies IntentPrivate);
  return succeedSetup(ctx, si, pm);
}

// ---------------------------------------------------------------------------------------
// Refunds and disputes

export function createRefund(
  ctx: Ctx,
  input: {
    charge?: string;
    paymentIntent?: string;
    amount?: number;
    reason?: Stripe.Refund.Reason | null;
    metadata?: Record<string, string>;
  },
): Stripe.Refund {
  let chargeId = input.charge;
  if (!chargeId && input.paymentIntent) {
    const pi = getPaymentIntent(ctx, input.paymentIntent, "payment_intent");
    if (pi.status !== "succeeded" || typeof pi.latest_charge !== "string") {
      throw invalidParam(
        "payment_intent",
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
        "charge_not_refundable",
      );
    }
    chargeId = pi.latest_charge;
  }
  if (!chargeId)
    throw invalidRequest(
      "One of the following params should be provided for this request: payment_intent or charge.",
      { param: "charge" },
    );
  const ch = mustGet<Stripe.Charge>(
    ctx,
    "charge",
    chargeId,
    input.charge ? "charge" : "payment_intent",
  );
  if (input.charge && input.paymentIntent && ch.payment_intent !== input.paymentIntent) {
    throw invalidParam("payment_intent", "The charge does not belong to this PaymentIntent.");
  }
  if (ch.status !== "succeeded" || !ch.captured) {
    throw invalidParam(
      "charge",
      `Charge ${ch.id} has not been captured or did not succeed, so it cannot be refunded.`,
      "charge_not_refundable",
    );
  }
  if (ch.disputed) {
    const dispute = ctx.store.list<Stripe.Dispute>("dispute", {
      where: (d) => d.charge === ch.id,
    })[0];
    if (
      dispute &&
      !["warning_needs_response", "warning_under_review", "warning_closed"].includes(dispute.status)
    ) {
      throw invalidParam(
        "charge",
        `Charge ${ch.id} has been charged back; cannot issue a refund.`,
        "charge_disputed",
      );
    }
  }
  const remaining = ch.amount_captured - ch.amount_refunded;
  const amount = input.amount ?? remaining;
  if (remaining <= 0) {
    throw invalidParam(
      "charge",
      `Charge ${ch.id} has already been refunded.`,
      "charge_already_refunded",
    );
  }
  if (amount < 1 || amount > remaining) {
    throw invalidParam(
      "amount",
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      "amount_too_large",
    );
  }
  const created = nowFor(ctx, typeof ch.customer === "string" ? ch.customer : null);
  const id = ctx.ids.id("re");
  const txn = createBalanceTransaction(ctx, {
    amount: -amount,
    currency: ch.currency,
    source: id,
    type: "refund",
    reportingCategory: "refund",
    description: "REFUND FOR CHARGE",
    created,
  });
  const refund: Stripe.Refund = {
    id,
    object: "refund",
    amount,
    balance_transaction: txn.id,
    charge: ch.id,
    created,
    currency: ch.currency,
    customer: ch.customer,
    customer_account: null,
    destination_details: {
      card: {
        reference_status: "pending",
        reference_type: "acquirer_reference_number",
        type: "refund",
      },
      type: "card",
    },
    metadata: input.metadata ?? {},
    payment_intent: ch.payment_intent,
    payment_method: ch.payment_method,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
  ctx.store.insert(refund);
  const refunds = ctx.store.list<Stripe.Refund>("refund", { where: (r) => r.charge === ch.id });
  const nextCharge: Stripe.Charge = {
    ...ch,
    amount_refunded: ch.amount_refunded + amount,
    refunded: ch.amount_refunded + amount >= ch.amount_captured,
    refunds: {
      object: "list",
      data: refunds,
      has_more: false,
      url: `/v1/charges/${ch.id}/refunds`,
    },
  };
  ctx.store.update(nextCharge);
  ctx.emit("refund.created", refund);
  ctx.emit("charge.refunded", nextCharge, previousAttributes(ch, nextCharge));
  // Card refunds settle at once in test mode; Stripe reports that as a refund update.
  ctx.emit("charge.refund.updated", refund);
  return refund;
}

/** The text and file fields of a dispute's `evidence`, in Stripe's order. */
export const DISPUTE_EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

export function openDispute(
  ctx: Ctx,
  chargeId: string,
  input: { reason?: string; amount?: number; status?: Stripe.Dispute.Status } = {},
): Stripe.Dispute {
  const ch = mustGet<Stripe.Charge>(ctx, "charge", chargeId, "charge");
  if (ch.status !== "succeeded")
    throw invalidParam("charge", "Only successful charges can be disputed.");
  if (ch.disputed)
    throw invalidParam("charge", `Charge ${ch.id} already has a dispute.`, "charge_disputed");
  const amount = input.amount ?? ch.amount_captured - ch.amount_refunded;
  if (amount < 1) throw invalidParam("amount", "Nothing left to dispute on this charge.");
  const created = nowFor(ctx, typeof ch.customer === "string" ? ch.customer : null);
  const id = ctx.ids.id("dp");
  const status = input.status ?? "needs_response";
  const withdrawn = status.startsWith("warning")
    ? []
    : [
        createBalanceTransaction(ctx, {
          amount: -amount,
          currency: ch.currency,
          source: id,
          type: "adjustment",
          reportingCategory: "dispute",
          description: `Chargeback withdrawal for ${ch.id}`,
          fee: 1500,
          created,
        }),
      ];
  const evidence = Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((k) => [k, null]));
  const dispute: Stripe.Dispute = {
    id,
    object: "dispute",
    amount,
    balance_transactions: withdrawn,
    charge: ch.id,
    created,
    currency: ch.currency,
    enhanced_eligibility_types: [],
    evidence: { ...evidence, enhanced_evidence: {} } as unknown as Stripe.Dispute.Evidence,
    evidence_details: {
      due_by: created + 21 * 86400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    is_charge_refundable: status.startsWith("warning"),
    livemode: false,
    metadata: {},
    payment_intent: ch.payment_intent,
    payment_method_details: {
      card: {
        brand: ch.payment_method_details?.card?.brand ?? "visa",
        case_type: "chargeback",
        network: ch.payment_method_details?.card?.network ?? "visa",
        network_reason_code: "10.4",
      },
      type: "card",
    },
    reason: input.reason ?? "fraudulent",
    status,
  };
  ctx.store.insert(dispute);
  const nextCharge: Stripe.Charge = { ...ch, disputed: true };
  ctx.store.update(nextCharge);
  ctx.emit("charge.dispute.created", dispute);
  if (withdrawn.length) ctx.emit("charge.dispute.funds_withdrawn", dispute);
  return dispute;
}

/** A closed dispute (won, lost, warning_closed) takes no more evidence and cannot close again. */
export function assertDisputeOpen(dispute: Stripe.Dispute): void {
  if (["won", "lost", "warning_closed"].includes(dispute.status)) {
    throw invalidRequest("This dispute is already closed.");
  }
}

export function closeDispute(
  ctx: Ctx,
  dispute: Stripe.Dispute,
  status: Stripe.Dispute.Status = "lost",
): Stripe.Dispute {
  assertDisputeOpen(dispute);
  const next: Stripe.Dispute = { ...dispute, status, is_charge_refundable: false };
  ctx.store.update(next);
  ctx.emit("charge.dispute.closed", next, { status: dispute.status });
  return next;
}
