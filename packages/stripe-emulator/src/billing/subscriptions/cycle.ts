import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { getCustomer } from "../../resources/customers.ts";
import { activeDiscounts, consumeDiscounts } from "../discounts.ts";
import { attemptPayment } from "../invoices/collect.ts";
import { createDraftInvoice } from "../invoices/draft.ts";
import { finalizeInvoice } from "../invoices/finalize.ts";
import { markUncollectible, voidInvoice } from "../invoices/transitions.ts";
import { getBillingSettings } from "../settings.ts";
import { nextBoundary } from "../time.ts";
import { cancelNow } from "./cancel.ts";
import { renewalLines } from "./items.ts";
import { jobId, scheduleSubscriptionJobs } from "./jobs.ts";
import { cadenceOf, periodOf, saveSubscription, subscriptionHooks } from "./state.ts";

/** A subscription's jobs over time: renewal, trial end, incomplete expiry, cancel_at. */

/**
 * A trial ending without a payment method: `trial_settings.end_behavior` may cancel or
 * pause instead of invoicing. True when it did (nothing more to do at this renewal).
 */
function endTrialWithoutPaymentMethod(ctx: Ctx, sub: Stripe.Subscription): boolean {
  const customer = getCustomer(ctx, idOf(sub.customer));
  const hasPm = Boolean(
    sub.default_payment_method || customer.invoice_settings?.default_payment_method,
  );
  if (sub.status !== "trialing" || hasPm || sub.collection_method !== "charge_automatically")
    return false;
  const behavior = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
  if (behavior === "cancel") {
    cancelNow(ctx, sub, { reason: "cancellation_requested" });
    return true;
  }
  if (behavior === "pause") {
    const paused = saveSubscription(ctx, sub, { ...sub, status: "paused" });
    ctx.emit("customer.subscription.paused", paused);
    scheduleSubscriptionJobs(ctx, paused);
    return true;
  }
  return false;
}

/** `pause_collection` at a renewal: void or mark uncollectible the new invoice at once. */
function applyPausedCollection(ctx: Ctx, invoice: Stripe.Invoice, pause: string): void {
  const open = finalizeInvoice(ctx, invoice, { autoAdvance: false });
  if (open.status !== "open") return;
  if (pause === "void") voidInvoice(ctx, open);
  else markUncollectible(ctx, open);
}

/** Moves the subscription into its next period and bills it with a draft renewal invoice. */
function renew(
  ctx: Ctx,
  sub: Stripe.Subscription,
  period: { start: number; end: number },
  now: number,
  endedItems: Stripe.SubscriptionItem[],
): void {
  const { interval, count } = cadenceOf(sub);
  const newPeriod = {
    start: period.end,
    end: nextBoundary(sub.billing_cycle_anchor, interval, count, period.end),
  };
  const items = sub.items.data.map((it) => ({
    ...it,
    current_period_start: newPeriod.start,
    current_period_end: newPeriod.end,
  }));
  let next: Stripe.Subscription = {
    ...sub,
    items: { ...sub.items, data: items },
    status: sub.status === "trialing" ? "active" : sub.status,
  };
  ctx.store.update(next);
  const discounts = activeDiscounts(ctx, sub.discounts.map(idOf), now).map((d) => d.id);
  const pause = sub.pause_collection?.behavior;
  const autoAdvance = sub.status !== "unpaid" && pause !== "keep_as_draft";
  const pausedCollection = pause === "void" || pause === "mark_uncollectible";
  const finalizesAt =
    autoAdvance && !pausedCollection ? now + getBillingSettings(ctx).draftFinalizeDelay : null;
  const invoice = createDraftInvoice(ctx, {
    customer: getCustomer(ctx, idOf(sub.customer)),
    currency: sub.currency,
    lines: renewalLines(
      ctx,
      next,
      items,
      endedItems,
      { ended: period, next: newPeriod },
      sub.status === "trialing",
    ),
    billingReason: "subscription_cycle",
    subscription: next,
    discounts,
    periodStart: period.start,
    periodEnd: period.end,
    includePendingItems: true,
    // Unpaid subscriptions keep creating invoices, but as drafts nobody collects.
    autoAdvance,
    finalizesAt,
  });
  if (invoice.subtotal > 0) consumeDiscounts(ctx, discounts, now);
  next = {
    ...next,
    latest_invoice: invoice.id,
    discounts: activeDiscounts(ctx, sub.discounts.map(idOf), now).map((d) => d.id),
  };
  saveSubscription(ctx, sub, next);
  scheduleSubscriptionJobs(ctx, next);
  if (pause === "void" || pause === "mark_uncollectible") {
    applyPausedCollection(ctx, invoice, pause);
    return;
  }
  if (invoice.auto_advance && finalizesAt !== null) {
    ctx.schedule({
      id: jobId("billing.finalize", invoice.id),
      kind: "billing.finalize",
      runAt: finalizesAt,
      clockId: clockOf(sub),
      payload: { invoice: invoice.id },
    });
  }
}

/** Renewal at period end (also ends trials): new period, invoice, finalize in an hour. */
export function runCycle(ctx: Ctx, subscriptionId: string, periodEnd: number): void {
  let sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || ["canceled", "incomplete", "incomplete_expired", "paused"].includes(sub.status))
    return;
  if (periodOf(sub).end !== periodEnd) return; // stale job: the period changed since it was scheduled
  // The items of the period that ends, before a schedule phase starting now changes them.
  const endedItems = sub.items.data;
  for (const hook of subscriptionHooks.beforeCycle) hook(ctx, sub, periodEnd);
  sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || ["canceled", "incomplete_expired"].includes(sub.status)) return;
  const period = periodOf(sub);
  if (period.end !== periodEnd) return; // a hook restarted the period (and billed it)
  const now = ctx.clockNow(clockOf(sub));
  const resumesAt = sub.pause_collection?.resumes_at ?? null;
  if (resumesAt !== null && resumesAt <= now) {
    // Collection resumes on its own once `resumes_at` has passed.
    sub = saveSubscription(ctx, sub, { ...sub, pause_collection: null });
  }
  if (sub.cancel_at !== null && sub.cancel_at <= period.end) {
    cancelNow(ctx, sub, {
      reason: sub.cancellation_details?.reason ?? "cancellation_requested",
      invoicePending: true,
    });
    return;
  }
  if (endTrialWithoutPaymentMethod(ctx, sub)) return;
  renew(ctx, sub, period, now, endedItems);
}

/** Finalizes a draft renewal invoice and collects it (charge) or leaves it open (send). */
export function runFinalize(ctx: Ctx, invoiceId: string): void {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (!invoice || invoice.status !== "draft" || invoice.auto_advance === false) return;
  const open = finalizeInvoice(ctx, invoice);
  if (open.status === "open" && open.collection_method === "charge_automatically") {
    attemptPayment(ctx, open, { offSession: true });
  }
}

export function runTrialWillEnd(ctx: Ctx, subscriptionId: string, trialEnd: number): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || sub.status !== "trialing" || sub.trial_end !== trialEnd) return;
  ctx.emit("customer.subscription.trial_will_end", sub);
}

export function runIncompleteExpire(ctx: Ctx, subscriptionId: string): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!sub || sub.status !== "incomplete") return;
  const now = ctx.clockNow(clockOf(sub));
  const latest = sub.latest_invoice
    ? ctx.store.getTyped<Stripe.Invoice>("invoice", idOf(sub.latest_invoice))
    : undefined;
  if (latest?.status === "open") voidInvoice(ctx, latest);
  const next = saveSubscription(ctx, sub, { ...sub, status: "incomplete_expired", ended_at: now });
  scheduleSubscriptionJobs(ctx, next);
  for (const hook of subscriptionHooks.onEnded) hook(ctx, next);
}

export function runCancelAt(ctx: Ctx, subscriptionId: string, at: number): void {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (
    !sub ||
    sub.cancel_at !== at ||
    sub.status === "canceled" ||
    sub.status === "incomplete_expired"
  )
    return;
  cancelNow(ctx, sub, {
    reason: sub.cancellation_details?.reason ?? "cancellation_requested",
    invoicePending: true,
  });
}
