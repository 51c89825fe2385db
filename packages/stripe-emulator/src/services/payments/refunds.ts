import type Stripe from "stripe";
import { invalidParam, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet, previousAttributes } from "../../core/util.ts";
import { createBalanceTransaction } from "./balance.ts";
import { getPaymentIntent } from "./intents.ts";
import { nowFor } from "./state.ts";

interface RefundInput {
  charge?: string;
  paymentIntent?: string;
  amount?: number;
  reason?: Stripe.Refund.Reason | null;
  metadata?: Record<string, string>;
}

/** The charge a refund is for, checked refundable for `amount`; Stripe's error otherwise. */
function refundableCharge(ctx: Ctx, input: RefundInput): { ch: Stripe.Charge; amount: number } {
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
  return { ch, amount };
}

export function createRefund(ctx: Ctx, input: RefundInput): Stripe.Refund {
  const { ch, amount } = refundableCharge(ctx, input);
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
