import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf, mustGet } from "../../core/util.ts";
import { adjustCustomerBalance } from "../../resources/customers.ts";
import { minimumCharge } from "../../services/payments/state.ts";
import { writeInvoice } from "./state.ts";
import { computeTotals } from "./totals.ts";
import { markPaid } from "./transitions.ts";

function nextNumber(ctx: Ctx, customerId: string): string {
  const customer = mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  const seq = customer.next_invoice_sequence ?? 1;
  // Stripe bumps the sequence silently (no customer.updated).
  ctx.store.update({ ...customer, next_invoice_sequence: seq + 1 });
  return `${customer.invoice_prefix ?? "EMU"}-${String(seq).padStart(4, "0")}`;
}

/** What a finalized invoice asks for, given the customer balance it consumes. */
function amountsDue(invoice: Stripe.Invoice, balance: number) {
  // A credit (negative balance) reduces what is due, a debt adds to it; a negative total
  // leaves its credit on the balance. Less than the currency's minimum charge is not charged:
  // the invoice is paid and the amount moves to the balance as a debit for the next invoice.
  const owed = Math.max(0, invoice.total + balance);
  const amountDue = owed < minimumCharge(invoice.currency) ? 0 : owed;
  return { amountDue, endingBalance: balance + invoice.total - amountDue };
}

/** After `invoice.finalized`: paid on the spot at $0, sent (and watched for overdue) by e-mail. */
function afterFinalized(ctx: Ctx, invoice: Stripe.Invoice, now: number): Stripe.Invoice {
  if (invoice.amount_due === 0) return markPaid(ctx, invoice, null, { outOfBand: false });
  if (invoice.collection_method === "send_invoice") {
    // Stripe emails a subscription's invoice when it finalizes; nothing leaves the emulator.
    if (invoice.auto_advance) ctx.emit("invoice.sent", invoice);
    if (invoice.due_date !== null) {
      ctx.schedule({
        id: `billing.overdue:${invoice.id}`,
        kind: "billing.overdue",
        runAt: Math.max(invoice.due_date, now),
        clockId: clockOf(invoice),
        payload: { invoice: invoice.id },
      });
    }
  }
  return invoice;
}

/**
 * draft → open: number, hosted page and PDF URLs, the customer balance applied. A $0
 * invoice is paid on the spot (`invoice.finalized`, `invoice.paid`, `invoice.payment_succeeded`).
 */
export function finalizeInvoice(
  ctx: Ctx,
  draft: Stripe.Invoice,
  options: { autoAdvance?: boolean } = {},
): Stripe.Invoice {
  if (draft.status !== "draft") {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const now = ctx.clockNow(clockOf(draft));
  const customerId = idOf(draft.customer);
  let invoice = computeTotals(ctx, draft);
  const customer = mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  const balance = customer.balance;
  const { amountDue, endingBalance } = amountsDue(invoice, balance);
  // A subscription's send_invoice invoice is due `days_until_due` after it is finalized.
  const subId = idOf(invoice.parent?.subscription_details?.subscription);
  const sub = subId ? ctx.store.getTyped<Stripe.Subscription>("subscription", subId) : undefined;
  if (invoice.collection_method === "send_invoice" && sub?.days_until_due != null) {
    invoice = { ...invoice, due_date: now + sub.days_until_due * 86_400 };
  }
  invoice = {
    ...invoice,
    status: "open",
    number: nextNumber(ctx, customerId),
    hosted_invoice_url: `${ctx.baseUrl}/i/${invoice.id}`,
    invoice_pdf: `${ctx.baseUrl}/i/${invoice.id}/pdf`,
    effective_at: now,
    starting_balance: balance,
    ending_balance: endingBalance,
    amount_due: amountDue,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
    auto_advance: options.autoAdvance ?? invoice.auto_advance ?? true,
    automatically_finalizes_at: null,
    next_payment_attempt: null,
  };
  invoice.amount_remaining = invoice.amount_due;
  if (
    invoice.collection_method === "charge_automatically" &&
    invoice.amount_due > 0 &&
    invoice.auto_advance
  )
    invoice.next_payment_attempt = now;
  writeInvoice(ctx, invoice);
  const move = endingBalance - balance;
  if (move !== 0) {
    adjustCustomerBalance(ctx, customerId, {
      amount: move,
      currency: invoice.currency,
      type: "applied_to_invoice",
      invoice: invoice.id,
      description: null,
    });
  }
  ctx.emit("invoice.finalized", invoice);
  return afterFinalized(ctx, invoice, now);
}
