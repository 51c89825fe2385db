import type Stripe from "stripe";
import { stripeFee } from "./balance.ts";
import { pmPrivate } from "./methods.ts";
import type { Ctx } from "../../core/types.ts";
import { DECLINES, type CardBehavior, type DeclineInfo } from "../test-cards.ts";
import { createBalanceTransaction } from "./balance.ts";
import { openDispute } from "./disputes.ts";
import { attachPaymentMethod } from "./methods.ts";
import {
  nowFor,
  paymentIntentHooks,
  type PaymentMethodPrivate,
  type PaymentOutcome,
} from "./state.ts";

/** A confirmed payment intent's charge: authorised, declined, or waiting for 3-D Secure. */

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

export function requiresAuthentication(
  behavior: CardBehavior,
  pmPriv: PaymentMethodPrivate,
  offSession: boolean,
): boolean {
  if (behavior === "auth_always") return true;
  if (behavior === "auth_unless_setup") return !(offSession && pmPriv.setupForOffSession);
  return false;
}

export function fail(
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
export function chargeIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
): PaymentOutcome {
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
