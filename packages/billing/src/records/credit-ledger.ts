import { creditLedger } from "@folio/db";
import type { SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import { userIdForStripeCustomer } from "./customer-link.ts";

/**
 * One ledger row per customer balance transaction, keyed by its id. Amount, currency and ending
 * balance of a balance transaction never change; only its description and metadata can, so a
 * later version updates those and nothing else.
 */
export const creditLedgerHook: SyncHook = {
  types: ["customer_balance_transaction"],
  async write(tx, change) {
    if (change.type !== "customer_balance_transaction") return;
    const bt = change.object;
    const customerId = idOf(bt.customer);
    if (!customerId) return;
    const userId = await userIdForStripeCustomer(tx, customerId);
    await tx
      .insert(creditLedger)
      .values({
        balanceTransactionId: bt.id,
        stripeCustomerId: customerId,
        userId,
        amount: bt.amount,
        currency: bt.currency,
        endingBalance: bt.ending_balance,
        reason: bt.type,
        description: bt.description,
        invoiceId: idOf(bt.invoice),
        creditNoteId: idOf(bt.credit_note),
        occurredAt: new Date(bt.created * 1000),
        eventId: change.event.id,
        recordedAt: change.clock.now(),
      })
      .onConflictDoUpdate({
        target: creditLedger.balanceTransactionId,
        set: { description: bt.description },
      });
  },
};
