import { refunds, stripeRefunds } from "@folio/db";
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { recordHooks } from "../../records/index.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import type { StaffCommandDeps } from "../approvals/policy.ts";
import { sendFailure } from "../approvals/request-once.ts";
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

function failedAtStripe(deps: StaffCommandDeps, row: RefundRow, e: unknown): Promise<unknown> {
  return sendFailure(deps, e, {
    doing: "refund",
    unconfirmed:
      "Stripe did not confirm the refund. It is saved as processing: send it again (it cannot refund twice) or retry it from the refunds list.",
    markFailed: async (tx, reason, at) => {
      const changed = await tx
        .update(refunds)
        .set({ status: "failed", failureReason: reason, updatedAt: at })
        .where(and(eq(refunds.id, row.id), eq(refunds.status, "processing")))
        .returning({ id: refunds.id });
      return changed.length > 0;
    },
    kind: "refund",
    id: row.id,
    status: row.status,
  });
}
