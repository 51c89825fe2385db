import { REFUND_DESTINATIONS, REFUND_REASONS, refunds, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { formatMoney } from "../../money.ts";
import { attemptIdSchema } from "../../portal/command.ts";
import { MAX_MINOR_AMOUNT } from "../../settings.ts";
import { assertBalanceCurrency } from "../credit-grants/currency.ts";
import { cancelFulfilmentIn } from "../fulfilment/cancel.ts";
import { assertCanMoveMoney, needsApproval, type StaffCommandDeps } from "../approvals/policy.ts";
import { requestOnce } from "../approvals/request-once.ts";
import { executeRefund, type RefundRow } from "./execute.ts";
import { refundableAmount, resolveRefundTarget } from "./target.ts";

const id = z.string().trim().min(1).max(100);

export const createRefundInput = z.object({
  /** Made when the refund form opens: every submission of that form is the same refund. */
  attemptId: attemptIdSchema,
  target: z.union([z.object({ orderId: id }).strict(), z.object({ invoiceId: id }).strict()]),
  amount: z
    .number({ message: "Enter the amount to refund." })
    .int({ message: "Use whole minor units (cents)." })
    .positive({ message: "The amount must be more than zero." })
    .max(MAX_MINOR_AMOUNT),
  destination: z.enum(REFUND_DESTINATIONS).default("card"),
  reason: z.enum(REFUND_REASONS),
  /** Internal, never shown to the customer. */
  note: z.string().trim().max(1000).optional(),
  /** Required when the order has shipped: did the goods come back? */
  goodsReturned: z.boolean().optional(),
  /** An order not shipped yet: cancel its fulfilment with the refund (same transaction). */
  cancelFulfilment: z.boolean().optional(),
});
export type CreateRefundInput = z.input<typeof createRefundInput>;

/** Payment-level lock key: every refund of the same payment is decided one at a time. */
export const refundLockKey = (paymentIntentId: string) => `refund:payment:${paymentIntentId}`;

const SHIPPED = new Set(["shipped", "delivered"]);

/**
 * Refunds all or part of an order or a paid invoice, to the card or to the customer's credit
 * balance. The request row reserves the amount, under the payment's lock, before Stripe is
 * called, so two refunds racing can never exceed what was paid. Support above its limit gets a
 * request that waits for approval; everyone else's is sent to Stripe at once.
 *
 * The same `attemptId` is the same refund: a repeat returns the first one (and sends it again
 * if Stripe never confirmed it — with the same idempotency key, so Stripe refunds once).
 */
export async function createRefund(
  deps: StaffCommandDeps,
  raw: CreateRefundInput,
): Promise<RefundRow> {
  assertCanMoveMoney(deps.actor);
  const input = createRefundInput.parse(raw);
  return requestOnce(deps, {
    find: (db) =>
      db.select().from(refunds).where(eq(refunds.idempotencyKey, input.attemptId)).get(),
    assertSame: (row) => assertSameRefund(row, input),
    execute: (row) => executeRefund(deps, row),
    prepare: () => prepareRefund(deps, input),
  });
}

async function prepareRefund(deps: StaffCommandDeps, input: z.output<typeof createRefundInput>) {
  const target = await resolveRefundTarget(deps.db, input.target);
  const shipped = target.shipping !== null && SHIPPED.has(target.shipping);
  if (shipped && input.goodsReturned === undefined) {
    throw new DomainError(
      "BAD_REQUEST",
      "This order has shipped: say whether the goods came back before refunding it.",
    );
  }
  if (input.destination === "customer_balance") {
    if (!target.stripeCustomerId) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        "This payment has no Stripe customer, so there is no credit balance to refund to. Refund to the card instead.",
      );
    }
    await assertBalanceCurrency(deps.stripe, target.stripeCustomerId, target.currency);
  }
  if (input.cancelFulfilment && (!target.orderId || target.shipping === null || shipped)) {
    throw new DomainError(
      "BAD_REQUEST",
      "Only an order that has not shipped has a fulfilment to cancel.",
    );
  }
  const approval = await needsApproval(deps.db, deps.actor, input.amount, target.currency);
  const now = deps.clock.now();

  const reserve = async (tx: Db): Promise<RefundRow> => {
    const refundable = await refundableAmount(tx, target);
    if (input.amount > refundable) throw overRefund(input.amount, refundable, target.currency);
    const row: RefundRow = {
      id: `rfd_${crypto.randomUUID()}`,
      idempotencyKey: input.attemptId,
      orderId: target.orderId,
      invoiceId: target.invoiceId,
      paymentIntentId: target.paymentIntentId,
      chargeId: target.chargeId,
      stripeCustomerId: target.stripeCustomerId,
      amount: input.amount,
      currency: target.currency,
      destination: input.destination,
      reason: input.reason,
      note: input.note || null,
      goodsReturned: shipped ? (input.goodsReturned ?? null) : null,
      status: approval ? "awaiting_approval" : "processing",
      failureReason: null,
      stripeRefundId: null,
      balanceTransactionId: null,
      requestedBy: deps.actor.userId,
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(refunds).values(row);
    if (input.cancelFulfilment && row.orderId) {
      // Stop the box from leaving while the refund (or its approval) is under way.
      await cancelFulfilmentIn(tx, deps.actor, now, {
        orderId: row.orderId,
        reason: `Refund ${row.id}${row.note ? `: ${row.note}` : ""}`.slice(0, 500),
      });
    }
    await audit(tx, deps.actor, {
      action: approval ? "refund.requested" : "refund.created",
      target: `refund:${row.id}`,
      after: {
        orderId: row.orderId,
        invoiceId: row.invoiceId,
        amount: row.amount,
        currency: row.currency,
        destination: row.destination,
        reason: row.reason,
        goodsReturned: row.goodsReturned,
        status: row.status,
      },
      reason: row.note,
      at: now,
    });
    return row;
  };
  return { lockKey: refundLockKey(target.paymentIntentId), reserve };
}

/** A repeat of an attempt is the same refund, or a clear refusal if the form changed meanwhile. */
function assertSameRefund(row: RefundRow, input: z.output<typeof createRefundInput>): void {
  const sameTarget =
    "orderId" in input.target
      ? row.orderId === input.target.orderId
      : row.invoiceId === input.target.invoiceId;
  if (!sameTarget || row.amount !== input.amount || row.destination !== input.destination) {
    throw new DomainError(
      "CONFLICT",
      "This refund form was already sent with other details. Close it and open a new refund.",
    );
  }
}

export function overRefund(amount: number, refundable: number, currency: string): DomainError {
  const fmt = (n: number) => formatMoney(n, currency, "en-US");
  return new DomainError(
    "PRECONDITION_FAILED",
    refundable === 0
      ? "Nothing is left to refund on this payment: it is fully refunded or the rest is already requested."
      : `Only ${fmt(refundable)} can still be refunded on this payment (refunds made and requested count), not ${fmt(amount)}.`,
    { refundable },
  );
}
