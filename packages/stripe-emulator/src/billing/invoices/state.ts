import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { mustGet, previousAttributes } from "../../core/util.ts";
import type { ChargeOutcome } from "../payments.ts";

/** Reading and writing stored invoices, and what other billing code hooks onto them. */

export interface InvoicePrivate {
  /** Payment intent of the latest attempt (for `confirmation_secret`). */
  paymentIntent?: string | null;
  /** Seconds after the first failure at which retries are scheduled. */
  firstFailureAt?: number | null;
  retryIndex?: number;
}

/**
 * Subscription logic reacts to payment outcomes through these, so invoices do not depend
 * on subscriptions.
 */
export const invoiceHooks: {
  onPaid: ((ctx: Ctx, invoice: Stripe.Invoice) => void)[];
  onPaymentFailed: ((ctx: Ctx, invoice: Stripe.Invoice, outcome: ChargeOutcome | null) => void)[];
  onActionRequired: ((ctx: Ctx, invoice: Stripe.Invoice) => void)[];
  /** `next_payment_attempt` after a failed attempt (`retry`: it was an automatic retry). */
  nextAttempt?: (ctx: Ctx, invoice: Stripe.Invoice, retry: boolean) => number | null;
} = { onPaid: [], onPaymentFailed: [], onActionRequired: [] };

export function getInvoice(ctx: Ctx, id: string, param = "invoice"): Stripe.Invoice {
  return mustGet<Stripe.Invoice>(ctx, "invoice", id, param);
}

/** Stores an invoice as it is, without an event (the caller emits the right one). */
export function writeInvoice(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  ctx.store.update(invoice);
  return invoice;
}

/** Saves an invoice and emits `invoice.updated` with previous attributes when it changed. */
export function saveInvoice(
  ctx: Ctx,
  before: Stripe.Invoice,
  next: Stripe.Invoice,
): Stripe.Invoice {
  writeInvoice(ctx, next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("invoice.updated", next, prev);
  return next;
}
