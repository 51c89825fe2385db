import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { attachPaymentMethod } from "../../services/payments/methods.ts";
import { attemptPayment } from "../invoices/collect.ts";
import { getInvoice, type InvoicePrivate } from "../invoices/state.ts";
import { markUncollectible } from "../invoices/transitions.ts";
import { getBillingSettings } from "../settings.ts";
import { cancelNow } from "./cancel.ts";
import { jobId, scheduleSubscriptionJobs } from "./jobs.ts";
import { saveSubscription, subscriptionOfInvoice } from "./state.ts";

/**
 * How a subscription follows its invoices' payments: activated when the first is paid,
 * past_due on a failure, retried on the dunning schedule, and after the last retry
 * canceled, unpaid or left past_due as the billing settings say.
 */

function hasOtherOpenInvoices(ctx: Ctx, sub: Stripe.Subscription, except: string): boolean {
  return ctx.store
    .list<Stripe.Invoice>("invoice", {
      customer: idOf(sub.customer),
      where: (i) =>
        i.id !== except &&
        i.status === "open" &&
        idOf(i.parent?.subscription_details?.subscription) === sub.id &&
        i.collection_method === "charge_automatically",
    })
    .some(() => true);
}

/** A paid invoice activates an incomplete subscription, or brings a past_due one back. */
export function onInvoicePaid(ctx: Ctx, invoice: Stripe.Invoice): void {
  ctx.unschedule(jobId("billing.retry", invoice.id));
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (!sub) return;
  if (sub.status === "incomplete") {
    const next = saveSubscription(ctx, sub, {
      ...sub,
      status:
        sub.trial_end !== null && sub.trial_end > ctx.clockNow(clockOf(sub))
          ? "trialing"
          : "active",
      default_payment_method: savedPaymentMethod(ctx, sub, invoice) ?? sub.default_payment_method,
    });
    scheduleSubscriptionJobs(ctx, next);
  } else if (
    (sub.status === "past_due" || sub.status === "unpaid") &&
    !hasOtherOpenInvoices(ctx, sub, invoice.id)
  ) {
    saveSubscription(ctx, sub, { ...sub, status: "active" });
  }
}

/**
 * `payment_settings.save_default_payment_method: on_subscription`: the card that paid the
 * first invoice (confirmed by the client) becomes the subscription's default, attached to
 * the customer for later off-session renewals.
 */
function savedPaymentMethod(
  ctx: Ctx,
  sub: Stripe.Subscription,
  invoice: Stripe.Invoice,
): string | null {
  if (sub.payment_settings?.save_default_payment_method !== "on_subscription") return null;
  const record = ctx.store.list<Stripe.InvoicePayment>("invoice_payment", {
    where: (r) => r.invoice === invoice.id && r.status === "paid",
  })[0];
  const piId = record?.payment.payment_intent ? idOf(record.payment.payment_intent) : "";
  const pi = piId ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", piId) : undefined;
  const pmId = pi?.payment_method ? idOf(pi.payment_method) : "";
  const pm = pmId ? ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pmId) : undefined;
  if (!pm) return null;
  if (!pm.customer) attachPaymentMethod(ctx, pm.id, idOf(sub.customer));
  return pm.id;
}

function inDunning(sub: Stripe.Subscription | undefined): sub is Stripe.Subscription {
  return (
    sub !== undefined &&
    sub.status !== "incomplete" &&
    sub.status !== "canceled" &&
    sub.status !== "incomplete_expired"
  );
}

/**
 * When the next automatic attempt of a failed subscription invoice happens, decided before
 * the failure events go out so `invoice.payment_failed` carries `next_payment_attempt`:
 * the retry schedule counts from the first failure; a manual attempt keeps the plan.
 */
export function nextAttempt(ctx: Ctx, invoice: Stripe.Invoice, retry: boolean): number | null {
  if (!inDunning(subscriptionOfInvoice(ctx, invoice))) return null;
  const schedule = getBillingSettings(ctx).retrySchedule;
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoice.id) ?? {};
  if (priv.firstFailureAt == null) {
    const first = schedule[0];
    return first === undefined ? null : ctx.clockNow(clockOf(invoice)) + first;
  }
  if (!retry) return invoice.next_payment_attempt;
  const offset = schedule[(priv.retryIndex ?? 0) + 1];
  return offset === undefined ? null : priv.firstFailureAt + offset;
}

/** A failed or 3DS-blocked attempt: past_due, and the retry schedule starts. */
export function onCollectionFailure(ctx: Ctx, invoice: Stripe.Invoice): void {
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (!inDunning(sub)) return;
  if (sub.status === "active" || sub.status === "trialing")
    saveSubscription(ctx, sub, { ...sub, status: "past_due" });
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoice.id) ?? {};
  if (priv.firstFailureAt != null) return;
  // First failure: the retry schedule starts (runRetry carries it on).
  ctx.store.setPrivate(invoice.id, {
    ...priv,
    firstFailureAt: ctx.clockNow(clockOf(invoice)),
    retryIndex: 0,
  } satisfies InvoicePrivate);
  scheduleRetry(ctx, invoice);
}

/** Schedules the retry job at the invoice's `next_payment_attempt`; false when there is none. */
function scheduleRetry(ctx: Ctx, invoice: Stripe.Invoice): boolean {
  if (invoice.next_payment_attempt === null) return false;
  ctx.schedule({
    id: jobId("billing.retry", invoice.id),
    kind: "billing.retry",
    runAt: invoice.next_payment_attempt,
    clockId: clockOf(invoice),
    payload: { invoice: invoice.id },
  });
  return true;
}

/** After the last retry failed: cancel, mark unpaid, or leave past_due (per settings). */
function finalFailure(ctx: Ctx, invoice: Stripe.Invoice): void {
  const settings = getBillingSettings(ctx);
  let inv = getInvoice(ctx, invoice.id);
  if (settings.markUncollectibleAfterFinalFailure && inv.status === "open")
    inv = markUncollectible(ctx, inv);
  const sub = subscriptionOfInvoice(ctx, inv);
  if (!sub || sub.status === "canceled") return;
  if (settings.afterFinalFailure === "cancel") {
    cancelNow(ctx, sub, { reason: "payment_failed" });
  } else if (settings.afterFinalFailure === "unpaid") {
    saveSubscription(ctx, sub, { ...sub, status: "unpaid" });
  }
}

export function runRetry(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (!invoice || invoice.status !== "open") return;
  const { invoice: after, outcome } = attemptPayment(ctx, invoice, {
    offSession: true,
    retry: true,
  });
  if (!outcome || outcome.status === "succeeded") return;
  const priv = ctx.store.getPrivate<InvoicePrivate>(invoiceId) ?? {};
  ctx.store.setPrivate(invoiceId, {
    ...priv,
    retryIndex: (priv.retryIndex ?? 0) + 1,
  } satisfies InvoicePrivate);
  if (!scheduleRetry(ctx, after)) finalFailure(ctx, after);
}

/** A `send_invoice` invoice still open at its due date: overdue, and its subscription past_due. */
export function runOverdue(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (invoice?.status !== "open") return;
  ctx.emit("invoice.overdue", invoice);
  const sub = subscriptionOfInvoice(ctx, invoice);
  if (sub && (sub.status === "active" || sub.status === "trialing")) {
    saveSubscription(ctx, sub, { ...sub, status: "past_due" });
  }
}
