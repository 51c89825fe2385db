import type Stripe from "stripe";
import { ApiError, cardError, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { idOf, previousAttributes } from "../../core/util.ts";
import { awaitIntent, chargeCustomer, type ChargeOutcome } from "../payments.ts";
import { finalizeInvoice } from "./finalize.ts";
import { getInvoice, invoiceHooks, writeInvoice, type InvoicePrivate } from "./state.ts";
import { markPaid } from "./transitions.ts";

/** Collecting an open invoice: automatic attempts, `POST /pay` and the hosted invoice page. */

/** The payment method an automatic attempt uses: invoice, then subscription, then customer default. */
export function paymentMethodFor(ctx: Ctx, invoice: Stripe.Invoice): string | null {
  if (invoice.default_payment_method) return idOf(invoice.default_payment_method);
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  if (subId) {
    const sub = ctx.store.get<Stripe.Subscription>(subId);
    if (sub?.default_payment_method) return idOf(sub.default_payment_method);
  }
  const customer = ctx.store.get<Stripe.Customer>(idOf(invoice.customer));
  const pm = customer?.invoice_settings?.default_payment_method;
  return pm ? idOf(pm) : null;
}

export interface AttemptResult {
  invoice: Stripe.Invoice;
  outcome: ChargeOutcome | null;
}

function charge(
  ctx: Ctx,
  open: Stripe.Invoice,
  pm: string | null,
  offSession: boolean,
  returnUrl?: string,
): ChargeOutcome {
  if (!pm) {
    return {
      status: "failed",
      paymentIntent: null,
      charge: null,
      message: "The customer has no default payment method to pay this invoice.",
    };
  }
  return chargeCustomer(ctx, {
    customer: idOf(open.customer),
    amount: open.amount_remaining,
    currency: open.currency,
    paymentMethod: pm,
    description: open.billing_reason?.startsWith("subscription")
      ? "Subscription update"
      : `Invoice ${open.number ?? open.id}`,
    offSession,
    ...(returnUrl ? { returnUrl } : {}),
  });
}

/**
 * Charges an open invoice once. Success → paid; a decline → stays open with the attempt
 * counted and `invoice.payment_failed`; authentication → `invoice.payment_action_required`.
 */
export function attemptPayment(
  ctx: Ctx,
  open: Stripe.Invoice,
  options: {
    paymentMethod?: string | null;
    offSession: boolean;
    returnUrl?: string;
    /** An automatic retry of the dunning schedule (it moves the schedule on). */
    retry?: boolean;
  },
): AttemptResult {
  if (open.status !== "open") return { invoice: open, outcome: null };
  if (open.amount_remaining === 0)
    return { invoice: markPaid(ctx, open, null, { outOfBand: false }), outcome: null };
  const pm = options.paymentMethod ?? paymentMethodFor(ctx, open);
  const outcome = charge(ctx, open, pm, options.offSession, options.returnUrl);
  const priv = ctx.store.getPrivate<InvoicePrivate>(open.id) ?? {};
  if (outcome.paymentIntent)
    ctx.store.setPrivate(open.id, { ...priv, paymentIntent: outcome.paymentIntent });
  // A payment waiting for 3DS pays the invoice when the customer completes it.
  if (outcome.status === "requires_action" && outcome.paymentIntent)
    awaitIntent(ctx, outcome.paymentIntent, open.id);
  if (outcome.status === "succeeded")
    return { invoice: markPaid(ctx, open, outcome, { outOfBand: false }), outcome };
  const next: Stripe.Invoice = {
    ...open,
    attempted: true,
    attempt_count: open.attempt_count + 1,
    next_payment_attempt: invoiceHooks.nextAttempt?.(ctx, open, options.retry ?? false) ?? null,
  };
  writeInvoice(ctx, next);
  const prev = previousAttributes(open, next);
  if (prev) ctx.emit("invoice.updated", next, prev);
  if (outcome.status === "requires_action") {
    ctx.emit("invoice.payment_action_required", next);
    for (const hook of invoiceHooks.onActionRequired) hook(ctx, next);
  } else {
    ctx.emit("invoice.payment_failed", next);
    for (const hook of invoiceHooks.onPaymentFailed) hook(ctx, next, outcome);
  }
  // Hooks may have scheduled the next attempt (dunning) and saved the invoice.
  return { invoice: getInvoice(ctx, next.id), outcome };
}

/**
 * Pays an open (or draft, which is finalized first) invoice with a given payment method —
 * for `POST /v1/invoices/:id/pay` and the hosted invoice page. Returns the outcome instead
 * of throwing so pages can show the decline; `payInvoiceOrThrow` is the API flavour.
 */
export function payInvoice(
  ctx: Ctx,
  invoiceId: string,
  options: {
    paymentMethod?: string | null;
    paidOutOfBand?: boolean;
    offSession?: boolean;
    returnUrl?: string;
  } = {},
): AttemptResult {
  let invoice = getInvoice(ctx, invoiceId, "id");
  if (invoice.status === "draft") invoice = finalizeInvoice(ctx, invoice);
  if (invoice.status === "paid") throw invalidRequest("Invoice is already paid.");
  if (invoice.status !== "open") {
    throw invalidRequest(`You can only pay an open invoice; this invoice is ${invoice.status}.`);
  }
  if (options.paidOutOfBand)
    return { invoice: markPaid(ctx, invoice, null, { outOfBand: true }), outcome: null };
  return attemptPayment(ctx, invoice, {
    paymentMethod: options.paymentMethod ?? null,
    offSession: options.offSession ?? false,
    ...(options.returnUrl ? { returnUrl: options.returnUrl } : {}),
  });
}

export function payInvoiceOrThrow(
  ctx: Ctx,
  invoiceId: string,
  options: { paymentMethod?: string | null; paidOutOfBand?: boolean; offSession?: boolean },
): Stripe.Invoice {
  const { invoice, outcome } = payInvoice(ctx, invoiceId, options);
  if (outcome?.status === "failed") {
    // Nothing was attempted without a payment method: a plain 400 that changes nothing.
    if (outcome.code === undefined) {
      throw new ApiError(400, "invalid_request_error", outcome.message);
    }
    throw cardError(outcome.message, outcome.code, outcome.declineCode, {
      ...(outcome.charge ? { charge: outcome.charge } : {}),
    });
  }
  if (outcome?.status === "requires_action") {
    throw cardError(
      "Payment for this invoice requires additional user action.",
      "invoice_payment_intent_requires_action",
      undefined,
      {},
    );
  }
  return invoice;
}
