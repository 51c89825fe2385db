import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf, previousAttributes } from "../../core/util.ts";
import { adjustCustomerBalance } from "../../resources/customers.ts";
import type { ChargeOutcome } from "../payments.ts";
import { invoiceHooks, writeInvoice } from "./state.ts";

/** The terminal transitions of an open invoice: paid, void, uncollectible. */

function createInvoicePayment(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  amount: number,
  outcome: ChargeOutcome | null,
): Stripe.InvoicePayment {
  const now = ctx.clockNow(clockOf(invoice));
  const payment: Stripe.InvoicePayment.Payment = outcome?.paymentIntent
    ? { type: "payment_intent", payment_intent: outcome.paymentIntent }
    : outcome?.charge
      ? { type: "charge", charge: outcome.charge }
      : { type: "payment_record", payment_record: ctx.ids.id("prec") };
  const record: Stripe.InvoicePayment = {
    id: ctx.ids.id("inpay"),
    object: "invoice_payment",
    amount_paid: amount,
    amount_requested: amount,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment,
    status: "paid",
    status_transitions: { canceled_at: null, paid_at: now },
  };
  ctx.store.insert(record);
  return record;
}

/** open → paid. Emits `invoice.updated`, `invoice_payment.paid`, `invoice.paid`, `invoice.payment_succeeded`. */
export function markPaid(
  ctx: Ctx,
  given: Stripe.Invoice,
  outcome: ChargeOutcome | null,
  options: { outOfBand: boolean; countAttempt?: boolean },
): Stripe.Invoice {
  // Idempotent: a payment intent that succeeded already paid its invoice through the
  // payment-intent hook, so a caller holding a stale copy must not pay it twice.
  const open = ctx.store.getTyped<Stripe.Invoice>("invoice", given.id) ?? given;
  if (open.status !== "open") return open;
  const now = ctx.clockNow(clockOf(open));
  const counted = options.countAttempt ?? outcome !== null;
  const amount = open.amount_remaining;
  const next: Stripe.Invoice = {
    ...open,
    status: "paid",
    amount_paid: open.amount_paid + amount,
    amount_remaining: 0,
    attempted: open.attempted || counted,
    attempt_count: open.attempt_count + (counted ? 1 : 0),
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...open.status_transitions, paid_at: now },
  };
  if (options.outOfBand) next.amount_paid_off_stripe = amount;
  writeInvoice(ctx, next);
  const prev = previousAttributes(open, next);
  if (outcome && prev) ctx.emit("invoice.updated", next, prev);
  if (!options.outOfBand) {
    const record = createInvoicePayment(ctx, next, amount, outcome);
    ctx.emit("invoice_payment.paid", record);
  }
  ctx.emit("invoice.paid", next);
  if (!options.outOfBand) ctx.emit("invoice.payment_succeeded", next);
  for (const hook of invoiceHooks.onPaid) hook(ctx, next);
  return next;
}

/** An invoice's payment intent succeeded (3DS completed, a hosted page paid it): it is paid. */
export function onIntentSucceeded(ctx: Ctx, invoiceId: string, pi: Stripe.PaymentIntent): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (invoice?.status !== "open") return;
  const charge =
    typeof pi.latest_charge === "string" ? pi.latest_charge : (pi.latest_charge?.id ?? null);
  markPaid(
    ctx,
    invoice,
    { status: "succeeded", paymentIntent: pi.id, charge },
    { outOfBand: false, countAttempt: !invoice.attempted },
  );
}

/** open → void (draft invoices are deleted instead). Returns an applied customer balance. */
export function voidInvoice(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const now = ctx.clockNow(clockOf(invoice));
  const next: Stripe.Invoice = {
    ...invoice,
    status: "void",
    amount_remaining: 0,
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, voided_at: now },
  };
  writeInvoice(ctx, next);
  const consumed = (invoice.starting_balance ?? 0) - (invoice.ending_balance ?? 0);
  if (consumed !== 0) {
    adjustCustomerBalance(ctx, idOf(invoice.customer), {
      amount: -consumed,
      currency: invoice.currency,
      type: "unapplied_from_invoice",
      invoice: invoice.id,
    });
  }
  ctx.emit("invoice.updated", next, previousAttributes(invoice, next));
  ctx.emit("invoice.voided", next);
  return next;
}

export function markUncollectible(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open") {
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const now = ctx.clockNow(clockOf(invoice));
  const next: Stripe.Invoice = {
    ...invoice,
    status: "uncollectible",
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: now },
  };
  writeInvoice(ctx, next);
  ctx.emit("invoice.updated", next, previousAttributes(invoice, next));
  ctx.emit("invoice.marked_uncollectible", next);
  return next;
}
