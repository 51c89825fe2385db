import { refunds, stripeRefunds } from "@folio/db";
import { withTransaction } from "@folio/db";
import { and, eq, inArray } from "drizzle-orm";
import type Stripe from "stripe";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { recordHooks } from "../../records/index.ts";
import { isStripeError, stripeFailure } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import type { StaffCommandDeps } from "../approvals/policy.ts";
import { refreshStoredCustomer } from "../credit-grants/currency.ts";
import { statusOfStripeRefund } from "./status.ts";

export type RefundRow = typeof refunds.$inferSelect;

/** The key Stripe sees: the request's own, so every retry of the same request is one refund. */
export const stripeKeyOf = (row: Pick<RefundRow, "idempotencyKey">) =>
  `folio-refund-${row.idempotencyKey}`;

/**
 * Sends a `processing` refund request to Stripe, once: the idempotency key makes any number of
 * calls for the same row (double clicks, retries after a timeout, two staff at once) one Stripe
 * refund or one balance transaction. What Stripe returns is stored through the write path; the
 * row then takes its state from the mirror (the webhooks that follow keep it current).
 *
 * - To the card: a Stripe refund of the payment intent.
 * - To the customer's credit balance: a customer balance transaction crediting the amount. For
 *   invoices Stripe's own model is a post-payment credit note with `credit_amount`, which moves
 *   the invoice's credit notes total as well; Folio uses the balance transaction for orders and
 *   invoices alike (the emulator has no credit notes), noting the invoice in its description and
 *   metadata, so the credit reaches the next invoice the same way.
 *
 * A refusal by Stripe marks the row failed (its amount is no longer reserved) and throws the
 * reason; no answer at all leaves it processing, to be sent again with the same key.
 */
export async function executeRefund(deps: StaffCommandDeps, row: RefundRow): Promise<RefundRow> {
  const stripeKey = stripeKeyOf(row);
  const metadata = {
    folio_refund_id: row.id,
    ...(row.orderId && { folio_order_id: row.orderId }),
    ...(row.invoiceId && { folio_invoice_id: row.invoiceId }),
  };
  let object: Stripe.Refund | Stripe.CustomerBalanceTransaction;
  try {
    if (row.destination === "card") {
      object = await deps.stripe.refunds.create(
        {
          payment_intent: row.paymentIntentId!,
          amount: row.amount,
          reason: row.reason,
          metadata,
        },
        { idempotencyKey: stripeKey },
      );
    } else {
      object = await deps.stripe.customers.createBalanceTransaction(
        row.stripeCustomerId!,
        {
          amount: -row.amount,
          currency: row.currency,
          description: row.orderId
            ? `Refund of order ${row.orderId} to credit balance`
            : `Refund of invoice ${row.invoiceId} to credit balance`,
          metadata,
        },
        { idempotencyKey: stripeKey },
      );
    }
  } catch (e) {
    throw await failedAtStripe(deps, row, e);
  }

  const stored = object;
  await storeStripeResult(
    { ...deps, hooks: recordHooks },
    {
      object: stored,
      actor: deps.actor,
      also: async (tx) => {
        if (stored.object === "refund") {
          // The mirror holds the newest state Stripe told us (a webhook may have beaten us).
          const mirrored = await tx
            .select({ status: stripeRefunds.status, failureReason: stripeRefunds.failureReason })
            .from(stripeRefunds)
            .where(eq(stripeRefunds.id, stored.id))
            .get();
          await tx
            .update(refunds)
            .set({
              stripeRefundId: stored.id,
              chargeId: typeof stored.charge === "string" ? stored.charge : row.chargeId,
              status: statusOfStripeRefund(mirrored?.status ?? stored.status),
              failureReason: mirrored?.failureReason ?? stored.failure_reason ?? null,
              updatedAt: deps.clock.now(),
            })
            .where(and(eq(refunds.id, row.id), eq(refunds.status, "processing")));
        } else {
          await tx
            .update(refunds)
            .set({
              balanceTransactionId: stored.id,
              status: "succeeded",
              updatedAt: deps.clock.now(),
            })
            .where(and(eq(refunds.id, row.id), eq(refunds.status, "processing")));
        }
      },
    },
  );
  if (stored.object === "customer_balance_transaction") {
    await refreshStoredCustomer({ ...deps, hooks: recordHooks }, deps.actor, row.stripeCustomerId!);
  }
  return (await deps.db.select().from(refunds).where(eq(refunds.id, row.id)).get())!;
}

/**
 * What to tell the caller when the Stripe call threw. A refusal (4xx: the charge is disputed,
 * already refunded elsewhere, …) is final: the row is marked failed, with Stripe's reason, and
 * audited. Anything else may or may not have reached Stripe, so the row stays processing.
 */
async function failedAtStripe(
  deps: StaffCommandDeps,
  row: RefundRow,
  e: unknown,
): Promise<unknown> {
  const err = stripeFailure(e, "refund");
  const refused =
    isStripeError(e) && e.type === "StripeInvalidRequestError" && e.statusCode !== 409;
  if (!refused) {
    if (err instanceof DomainError && err.code === "UPSTREAM") {
      return new DomainError(
        "UPSTREAM",
        "Stripe did not confirm the refund. It is saved as processing: send it again (it cannot refund twice) or retry it from the refunds list.",
        err.details,
      );
    }
    return err;
  }
  const reason = (e as { message: string }).message;
  const now = deps.clock.now();
  await withTransaction(deps.db, async (tx) => {
    const changed = await tx
      .update(refunds)
      .set({ status: "failed", failureReason: reason, updatedAt: now })
      .where(and(eq(refunds.id, row.id), inArray(refunds.status, ["processing"])))
      .returning({ id: refunds.id });
    if (changed.length === 0) return;
    await audit(tx, deps.actor, {
      action: "refund.failed",
      target: `refund:${row.id}`,
      before: { status: row.status },
      after: { status: "failed", failureReason: reason },
      at: now,
    });
  });
  return new DomainError("PRECONDITION_FAILED", `Stripe refused the refund: ${reason}`);
}
