import type Stripe from "stripe";
import { invalidParam, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet } from "../../core/util.ts";
import { createBalanceTransaction } from "./balance.ts";
import { nowFor } from "./state.ts";

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
