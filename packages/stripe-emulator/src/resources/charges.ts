import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  emptyable,
  int,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  str,
} from "../core/params.ts";
import type { ApiRoute, Ctx, EmulatorModule } from "../core/types.ts";
import { mustGet, saveAndEmitUpdate } from "../core/util.ts";
import {
  DISPUTE_EVIDENCE_FIELDS,
  assertDisputeOpen,
  closeDispute,
  openDispute,
} from "../services/payments/disputes.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";
import { createRefund } from "../services/payments/refunds.ts";
import { searchRoute } from "./shared.ts";

/** Funds become available two days after the transaction (the emulator's payout schedule). */
function withStatus(ctx: Ctx, txn: Stripe.BalanceTransaction): Stripe.BalanceTransaction {
  return { ...txn, status: txn.available_on <= ctx.now() ? "available" : "pending" };
}

function balance(ctx: Ctx): Stripe.Balance {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const txn of ctx.store.list<Stripe.BalanceTransaction>("balance_transaction")) {
    const bucket = txn.available_on <= ctx.now() ? available : pending;
    bucket.set(txn.currency, (bucket.get(txn.currency) ?? 0) + txn.net);
    // Every currency seen appears in both lists, as Stripe reports it.
    const other = bucket === available ? pending : available;
    if (!other.has(txn.currency)) other.set(txn.currency, 0);
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  return {
    object: "balance",
    available: available.size
      ? list(available)
      : [{ amount: 0, currency: "usd", source_types: { card: 0 } }],
    livemode: false,
    pending: pending.size
      ? list(pending)
      : [{ amount: 0, currency: "usd", source_types: { card: 0 } }],
  };
}

function getCharge(ctx: Ctx, id: string, param = "charge"): Stripe.Charge {
  return mustGet<Stripe.Charge>(ctx, "charge", id, param);
}

const chargeUpdate = obj({
  customer: z.string().optional(),
  description: emptyable(str({ max: 1000 })).optional(),
  metadata: metadata().optional(),
  receipt_email: emptyable(z.string()).optional(),
  fraud_details: obj({ user_report: oneOf(["fraudulent", "safe"]) }).optional(),
  shipping: z.unknown().optional(),
  transfer_group: z.string().optional(),
});

const refundCreate = obj({
  amount: int({ min: 1 }).optional(),
  charge: z.string().optional(),
  payment_intent: z.string().optional(),
  reason: oneOf(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  metadata: metadata().optional(),
  currency: z.string().optional(),
  customer: z.string().optional(),
  instructions_email: z.string().optional(),
  origin: z.string().optional(),
  refund_application_fee: bool().optional(),
  reverse_transfer: bool().optional(),
});

const disputeUpdate = obj({
  evidence: obj(
    Object.fromEntries(DISPUTE_EVIDENCE_FIELDS.map((k) => [k, z.string().optional()])),
  ).optional(),
  metadata: metadata().optional(),
  submit: bool().optional(),
  intended_submission_method: z.string().optional(),
});

/** `GET /v1/refunds` and `GET /v1/disputes`: both filter by `charge` and `payment_intent`. */
function listByChargeRoute<T extends { id: string; charge: unknown; payment_intent: unknown }>(
  type: string,
  path: string,
): ApiRoute {
  return {
    method: "GET",
    path,
    handler: (ctx, req) => {
      const p = parseParams(
        obj({
          ...listShape,
          charge: z.string().optional(),
          payment_intent: z.string().optional(),
        }),
        req.params,
      );
      return listObjects<T>(ctx, type, p, path, {
        where: (o) =>
          (p.charge === undefined || o.charge === p.charge) &&
          (p.payment_intent === undefined || o.payment_intent === p.payment_intent),
      });
    },
  };
}

export const chargesModule: EmulatorModule = {
  name: "charges",
  routes: [
    {
      method: "POST",
      path: "/v1/charges",
      handler: () => {
        throw invalidRequest(
          "Creating charges directly (sources and tokens) is not emulated. Use PaymentIntents: stripe.paymentIntents.create({ amount, currency, payment_method: 'pm_card_visa', confirm: true }).",
        );
      },
    },
    searchRoute("charge", "/v1/charges/search"),
    {
      method: "GET",
      path: "/v1/charges/:id",
      handler: (ctx, req) => getCharge(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/charges/:id",
      handler: (ctx, req) => {
        const ch = getCharge(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(chargeUpdate, req.params);
        if (p.customer !== undefined && ch.customer && ch.customer !== p.customer) {
          throw invalidParam("customer", "The charge already belongs to a customer.");
        }
        const next: Stripe.Charge = {
          ...ch,
          customer: p.customer ?? ch.customer,
          description: p.description !== undefined ? p.description : ch.description,
          metadata: applyMetadata(ch.metadata, p.metadata),
          receipt_email: p.receipt_email !== undefined ? p.receipt_email : ch.receipt_email,
          ...(p.fraud_details
            ? { fraud_details: { user_report: p.fraud_details.user_report } }
            : {}),
          transfer_group: p.transfer_group ?? ch.transfer_group,
        };
        return saveAndEmitUpdate(ctx, "charge.updated", ch, next);
      },
    },
    {
      method: "GET",
      path: "/v1/charges",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            customer: z.string().optional(),
            payment_intent: z.string().optional(),
            transfer_group: z.string().optional(),
          }),
          req.params,
        );
        return listObjects<Stripe.Charge>(ctx, "charge", p, "/v1/charges", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          where: (c) =>
            (p.payment_intent === undefined || c.payment_intent === p.payment_intent) &&
            (p.transfer_group === undefined || c.transfer_group === p.transfer_group),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/charges/:id/refunds",
      handler: (ctx, req) => {
        const ch = getCharge(ctx, req.pathParams.id ?? "");
        const p = parseParams(obj({ ...listShape }), req.params);
        return listObjects<Stripe.Refund>(ctx, "refund", p, `/v1/charges/${ch.id}/refunds`, {
          where: (r) => r.charge === ch.id,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/refunds",
      handler: (ctx, req) => {
        const p = parseParams(refundCreate, req.params);
        return createRefund(ctx, {
          ...(p.charge !== undefined ? { charge: p.charge } : {}),
          ...(p.payment_intent !== undefined ? { paymentIntent: p.payment_intent } : {}),
          ...(p.amount !== undefined ? { amount: p.amount } : {}),
          reason: p.reason ?? null,
          metadata: applyMetadata({}, p.metadata),
        });
      },
    },
    {
      method: "POST",
      path: "/v1/charges/:id/refunds",
      handler: (ctx, req) => {
        const p = parseParams(refundCreate, req.params);
        return createRefund(ctx, {
          charge: req.pathParams.id ?? "",
          ...(p.amount !== undefined ? { amount: p.amount } : {}),
          reason: p.reason ?? null,
          metadata: applyMetadata({}, p.metadata),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/refunds/:id",
      handler: (ctx, req) => mustGet<Stripe.Refund>(ctx, "refund", req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/refunds/:id",
      handler: (ctx, req) => {
        const refund = mustGet<Stripe.Refund>(ctx, "refund", req.pathParams.id ?? "", "id");
        const p = parseParams(obj({ metadata: metadata().optional() }), req.params);
        const next: Stripe.Refund = {
          ...refund,
          metadata: applyMetadata(refund.metadata, p.metadata),
        };
        return saveAndEmitUpdate(ctx, "refund.updated", refund, next);
      },
    },
    {
      method: "POST",
      path: "/v1/refunds/:id/cancel",
      handler: (ctx, req) => {
        const refund = mustGet<Stripe.Refund>(ctx, "refund", req.pathParams.id ?? "", "id");
        throw invalidRequest(
          `Refund ${refund.id} has status ${refund.status ?? "unknown"} and cannot be canceled; card refunds settle immediately.`,
        );
      },
    },
    listByChargeRoute<Stripe.Refund>("refund", "/v1/refunds"),
    {
      method: "GET",
      path: "/v1/disputes/:id",
      handler: (ctx, req) =>
        mustGet<Stripe.Dispute>(ctx, "dispute", req.pathParams.id ?? "", "dispute"),
    },
    {
      method: "POST",
      path: "/v1/disputes/:id",
      handler: (ctx, req) => {
        const dispute = mustGet<Stripe.Dispute>(ctx, "dispute", req.pathParams.id ?? "", "dispute");
        const p = parseParams(disputeUpdate, req.params);
        assertDisputeOpen(dispute);
        const evidence = { ...dispute.evidence, ...(p.evidence ?? {}) };
        const next: Stripe.Dispute = {
          ...dispute,
          evidence,
          evidence_details: {
            ...dispute.evidence_details,
            has_evidence:
              dispute.evidence_details.has_evidence || Object.keys(p.evidence ?? {}).length > 0,
            submission_count:
              dispute.evidence_details.submission_count + (p.submit === false ? 0 : 1),
          },
          metadata: applyMetadata(dispute.metadata, p.metadata),
          status:
            p.submit === false
              ? dispute.status
              : dispute.status.startsWith("warning")
                ? "warning_under_review"
                : "under_review",
        };
        return saveAndEmitUpdate(ctx, "charge.dispute.updated", dispute, next);
      },
    },
    {
      method: "POST",
      path: "/v1/disputes/:id/close",
      handler: (ctx, req) => {
        const dispute = mustGet<Stripe.Dispute>(ctx, "dispute", req.pathParams.id ?? "", "dispute");
        return closeDispute(
          ctx,
          dispute,
          dispute.status.startsWith("warning") ? "warning_closed" : "lost",
        );
      },
    },
    listByChargeRoute<Stripe.Dispute>("dispute", "/v1/disputes"),
    {
      method: "GET",
      path: "/v1/balance_transactions/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const txn = ctx.store.getTyped<Stripe.BalanceTransaction>("balance_transaction", id);
        if (!txn) throw resourceMissing("balance transaction", id);
        return withStatus(ctx, txn);
      },
    },
    {
      method: "GET",
      path: "/v1/balance_transactions",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            type: z.string().optional(),
            source: z.string().optional(),
            currency: z.string().optional(),
            payout: z.string().optional(),
          }),
          req.params,
        );
        const page = listObjects<Stripe.BalanceTransaction>(
          ctx,
          "balance_transaction",
          p,
          "/v1/balance_transactions",
          {
            where: (t) =>
              (p.type === undefined || t.type === p.type) &&
              (p.source === undefined || t.source === p.source) &&
              (p.currency === undefined || t.currency === p.currency),
          },
        );
        return { ...page, data: page.data.map((t) => withStatus(ctx, t)) };
      },
    },
    {
      method: "GET",
      path: "/v1/balance",
      handler: (ctx) => balance(ctx),
    },
  ],
  control: [
    {
      // Test helper: open a dispute on a charge (body: { reason?, amount?, status? }).
      method: "POST",
      path: "/_emulator/charges/:id/dispute",
      handler: (ctx, req) => {
        const reason = typeof req.body.reason === "string" ? req.body.reason : undefined;
        const amount = req.body.amount === undefined ? undefined : Number(req.body.amount);
        const status = typeof req.body.status === "string" ? req.body.status : undefined;
        if (amount !== undefined && !Number.isInteger(amount))
          throw invalidParam("amount", "amount must be an integer");
        return openDispute(ctx, req.pathParams.id ?? "", {
          ...(reason ? { reason } : {}),
          ...(amount !== undefined ? { amount } : {}),
          ...(status ? { status } : {}),
        });
      },
    },
    {
      // Test helper: close a dispute as won or lost (body: { outcome: "won" | "lost" }).
      method: "POST",
      path: "/_emulator/disputes/:id/close",
      handler: (ctx, req) => {
        const dispute = mustGet<Stripe.Dispute>(ctx, "dispute", req.pathParams.id ?? "", "dispute");
        const outcome = req.body.outcome === "won" ? "won" : "lost";
        return closeDispute(ctx, dispute, outcome);
      },
    },
    {
      // Test helper: approve or fail a pending 3DS challenge without the page.
      method: "POST",
      path: "/_emulator/intents/:id/authenticate",
      handler: (ctx, req) => {
        const result = completeAuthentication(
          ctx,
          req.pathParams.id ?? "",
          req.body.outcome !== "fail",
        );
        return result.kind === "payment_intent" ? result.outcome.paymentIntent : result.setupIntent;
      },
    },
  ],
};
