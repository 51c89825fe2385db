import type Stripe from "stripe";
import { stripeFee } from "./balance.ts";
import { chargeIntent, fail, requiresAuthentication } from "./charges.ts";
import { pmPrivate } from "./methods.ts";
import { ApiError, cardError, invalidParam, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet } from "../../core/util.ts";
import { AUTH_REQUIRED_DECLINE } from "../test-cards.ts";
import { createBalanceTransaction } from "./balance.ts";
import { resolvePaymentMethod } from "./methods.ts";
import {
  minimumCharge,
  nowFor,
  paymentIntentHooks,
  type IntentPrivate,
  type PaymentOutcome,
} from "./state.ts";

/** Payment intents: create, confirm, capture, cancel, and the billing half's off-session charge. */

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
  return chargeIntent(ctx, pi, pm);
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
