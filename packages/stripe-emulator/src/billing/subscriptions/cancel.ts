import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf, isDeleted } from "../../core/util.ts";
import { getCustomer } from "../../resources/customers.ts";
import { attemptPayment } from "../invoices/collect.ts";
import { createDraftInvoice } from "../invoices/draft.ts";
import { finalizeInvoice } from "../invoices/finalize.ts";
import { pendingInvoiceItems } from "../invoices/lines.ts";
import { saveInvoice } from "../invoices/state.ts";
import { jobId, scheduleSubscriptionJobs } from "./jobs.ts";
import { createInvoiceItems, prorationLines } from "./prorations.ts";
import { getSubscription, periodOf, saveSubscription, subscriptionHooks } from "./state.ts";

/** Ending a subscription: now (with a final invoice) or at the end of its period. */

/** Canceling immediately drops the prorations still waiting for the next invoice. */
function dropPendingProrations(ctx: Ctx, sub: Stripe.Subscription): void {
  const customerId = idOf(sub.customer);
  for (const ii of pendingInvoiceItems(ctx, customerId, sub.id)) {
    if (!ii.proration) continue;
    ctx.store.update({
      id: ii.id,
      object: "invoiceitem",
      deleted: true,
      customer: customerId,
      invoice: null,
    });
    ctx.emit("invoiceitem.deleted", ii);
  }
}

/** A credit for the unused rest of the period, as pending invoice items. */
function creditUnusedTime(ctx: Ctx, sub: Stripe.Subscription, now: number): void {
  const lines = sub.items.data.flatMap((item) =>
    prorationLines(
      ctx,
      sub,
      item.id,
      { price: item.price, quantity: item.quantity ?? 1 },
      null,
      periodOf(sub),
      now,
    ),
  );
  createInvoiceItems(
    ctx,
    sub,
    lines.filter((l) => l.amount !== 0),
  );
}

/** The final invoice: pending prorations (and a credit just created), collected at once. */
function finalInvoice(ctx: Ctx, sub: Stripe.Subscription, now: number): string | null {
  const customerId = idOf(sub.customer);
  if (pendingInvoiceItems(ctx, customerId, sub.id).length === 0) return null;
  const draft = createDraftInvoice(ctx, {
    customer: getCustomer(ctx, customerId),
    currency: sub.currency,
    lines: [],
    billingReason: "subscription_cycle",
    subscription: sub,
    includePendingItems: true,
    periodStart: periodOf(sub).start,
    periodEnd: now,
  });
  const inv = finalizeInvoice(ctx, draft);
  if (inv.status === "open" && inv.collection_method === "charge_automatically")
    attemptPayment(ctx, inv, { offSession: true });
  return inv.id;
}

/** Stripe stops collecting the subscription's open invoices once it is canceled. */
function stopCollecting(ctx: Ctx, sub: Stripe.Subscription): void {
  for (const inv of ctx.store.list<Stripe.Invoice>("invoice", {
    customer: idOf(sub.customer),
    where: (i) =>
      i.status === "open" &&
      idOf(i.parent?.subscription_details?.subscription) === sub.id &&
      (i.auto_advance === true || i.next_payment_attempt !== null),
  })) {
    ctx.unschedule(jobId("billing.retry", inv.id));
    saveInvoice(ctx, inv, { ...inv, auto_advance: false, next_payment_attempt: null });
  }
}

/**
 * Ends a subscription now: optional proration credit for the unused time and a final
 * invoice (`invoice_now`). Emits `customer.subscription.deleted`.
 */
export function cancelNow(
  ctx: Ctx,
  sub: Stripe.Subscription,
  options: {
    invoiceNow?: boolean | undefined;
    prorate?: boolean | undefined;
    reason: Stripe.Subscription.CancellationDetails.Reason;
    comment?: string | null | undefined;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null | undefined;
    /** A scheduled cancellation still bills the prorations waiting for the next invoice. */
    invoicePending?: boolean | undefined;
  },
): Stripe.Subscription {
  if (sub.status === "canceled" || sub.status === "incomplete_expired") {
    throw invalidRequest(
      `A canceled subscription can only update its cancellation_details and metadata.`,
      { code: "invalid_canceled_subscription_fields" },
    );
  }
  const now = ctx.clockNow(clockOf(sub));
  const collectPending = options.invoiceNow === true || options.invoicePending === true;
  if (!collectPending) dropPendingProrations(ctx, sub);
  if (options.prorate && sub.status !== "trialing" && sub.status !== "incomplete")
    creditUnusedTime(ctx, sub, now);
  const latest = (collectPending ? finalInvoice(ctx, sub, now) : null) ?? sub.latest_invoice;
  stopCollecting(ctx, sub);
  const next: Stripe.Subscription = {
    ...getSubscription(ctx, sub.id),
    status: "canceled",
    canceled_at: sub.canceled_at ?? now,
    ended_at: now,
    cancel_at: sub.cancel_at,
    latest_invoice: latest,
    cancellation_details: {
      comment: options.comment ?? sub.cancellation_details?.comment ?? null,
      feedback: options.feedback ?? sub.cancellation_details?.feedback ?? null,
      feedback_option: sub.cancellation_details?.feedback_option ?? null,
      reason: options.reason,
    },
  };
  if (next.canceled_at === null) next.canceled_at = now;
  ctx.store.update(next);
  scheduleSubscriptionJobs(ctx, next);
  ctx.unschedule(jobId("billing.cycle", sub.id));
  ctx.emit("customer.subscription.deleted", next);
  for (const hook of subscriptionHooks.onEnded) hook(ctx, next);
  return next;
}

export interface CancelOptions {
  atPeriodEnd?: boolean | undefined;
  invoiceNow?: boolean | undefined;
  prorate?: boolean | undefined;
  cancellationDetails?:
    | {
        comment?: string | null | undefined;
        feedback?: Stripe.Subscription.CancellationDetails.Feedback | null | undefined;
      }
    | undefined;
}

/**
 * `DELETE /v1/subscriptions/:id` (or `atPeriodEnd`, which is `cancel_at_period_end=true`).
 */
export function cancelSubscription(
  ctx: Ctx,
  id: string,
  options: CancelOptions = {},
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (options.atPeriodEnd) {
    if (sub.status === "canceled" || sub.status === "incomplete_expired")
      throw invalidRequest("This subscription is already canceled.");
    const now = ctx.clockNow(clockOf(sub));
    const { end } = periodOf(sub);
    const next: Stripe.Subscription = {
      ...sub,
      cancel_at_period_end: true,
      cancel_at: end,
      canceled_at: now,
      cancellation_details: {
        comment: options.cancellationDetails?.comment ?? sub.cancellation_details?.comment ?? null,
        feedback:
          options.cancellationDetails?.feedback ?? sub.cancellation_details?.feedback ?? null,
        feedback_option: sub.cancellation_details?.feedback_option ?? null,
        reason: "cancellation_requested",
      },
    };
    saveSubscription(ctx, sub, next);
    scheduleSubscriptionJobs(ctx, next);
    return next;
  }
  return cancelNow(ctx, sub, {
    invoiceNow: options.invoiceNow,
    prorate: options.prorate,
    reason: "cancellation_requested",
    comment: options.cancellationDetails?.comment,
    feedback: options.cancellationDetails?.feedback,
  });
}

/** A customer deleted in Stripe takes its subscriptions with it. */
export function cancelAllForCustomer(ctx: Ctx, customer: Stripe.Customer): void {
  for (const sub of ctx.store.list<Stripe.Subscription>("subscription", {
    customer: customer.id,
  })) {
    if (!isDeleted(sub) && sub.status !== "canceled" && sub.status !== "incomplete_expired") {
      cancelNow(ctx, sub, { reason: "cancellation_requested" });
    }
  }
}
