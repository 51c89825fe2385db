import { creditGrants } from "@folio/db";
import { and, eq } from "drizzle-orm";
import { recordHooks } from "../../records/index.ts";
import { storeStripeResult } from "../../sync/write-path.ts";
import type { StaffCommandDeps } from "../approvals/policy.ts";
import { sendFailure } from "../approvals/request-once.ts";
import { refreshStoredCustomer } from "./currency.ts";

export type CreditGrantRow = typeof creditGrants.$inferSelect;

/**
 * Sends a `processing` grant to Stripe as a customer balance transaction (Stripe's sign: a
 * negative amount is credit for the customer), with the grant's idempotency key so any number of
 * sends is one transaction. The ledger row comes from the write path's credit-ledger hook, so the
 * customer's portal shows it at once. A refusal marks the grant failed; no answer leaves it
 * processing, to be sent again.
 */
export async function executeCreditGrant(
  deps: StaffCommandDeps,
  row: CreditGrantRow,
): Promise<CreditGrantRow> {
  let txn;
  try {
    txn = await deps.stripe.customers.createBalanceTransaction(
      row.stripeCustomerId,
      {
        amount: -row.amount,
        currency: row.currency,
        description: row.reason,
        metadata: { folio_credit_grant_id: row.id },
      },
      { idempotencyKey: `folio-credit-${row.idempotencyKey}` },
    );
  } catch (e) {
    throw await failed(deps, row, e);
  }
  const now = deps.clock.now();
  await storeStripeResult(
    { ...deps, hooks: recordHooks },
    {
      object: txn,
      actor: deps.actor,
      also: async (tx) => {
        await tx
          .update(creditGrants)
          .set({ status: "succeeded", balanceTransactionId: txn.id, updatedAt: now })
          .where(and(eq(creditGrants.id, row.id), eq(creditGrants.status, "processing")));
      },
    },
  );
  await refreshStoredCustomer({ ...deps, hooks: recordHooks }, deps.actor, row.stripeCustomerId);
  return (await deps.db.select().from(creditGrants).where(eq(creditGrants.id, row.id)).get())!;
}

function failed(deps: StaffCommandDeps, row: CreditGrantRow, e: unknown): Promise<unknown> {
  return sendFailure(deps, e, {
    doing: "change the credit balance",
    unconfirmed:
      "Stripe did not confirm the credit change. It is saved as processing: send it again (it cannot apply twice).",
    markFailed: async (tx, reason, at) => {
      const changed = await tx
        .update(creditGrants)
        .set({ status: "failed", failureReason: reason, updatedAt: at })
        .where(and(eq(creditGrants.id, row.id), eq(creditGrants.status, "processing")))
        .returning({ id: creditGrants.id });
      return changed.length > 0;
    },
    kind: "credit_grant",
    id: row.id,
    status: row.status,
  });
}
