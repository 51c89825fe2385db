import type Stripe from "stripe";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { getCustomer } from "../../resources/customers.ts";
import { attemptPayment } from "../invoices/collect.ts";
import { itemDescription } from "../invoices/descriptions.ts";
import { createDraftInvoice } from "../invoices/draft.ts";
import { finalizeInvoice } from "../invoices/finalize.ts";
import { pendingInvoiceItems, type LineInput } from "../invoices/lines.ts";
import { addIntervals, nextBoundary, previousBoundary } from "../time.ts";
import { unitAmount } from "./items.ts";
import { scheduleSubscriptionJobs } from "./jobs.ts";
import type { ProrationBehavior } from "./plan-change.ts";
import { createInvoiceItems, prorationLines } from "./prorations.ts";
import { getSubscription, periodOf, saveSubscription } from "./state.ts";

/** Pausing a subscription (no more invoices) and resuming it. */

/**
 * `POST /v1/subscriptions/:id/pause`: no more invoices until `resume`. The unused time of
 * the current period is credited (as a pending invoice item) unless `bill_for` says
 * `none`, and `invoicing_behavior: invoice` bills pending items right away.
 */
export function pauseSubscription(
  ctx: Ctx,
  id: string,
  options: { creditUnusedTime: boolean; invoiceNow: boolean },
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (!["active", "past_due", "trialing", "unpaid"].includes(sub.status)) {
    throw invalidRequest(`A subscription with status ${sub.status} cannot be paused.`);
  }
  const now = ctx.clockNow(clockOf(sub));
  if (options.creditUnusedTime && sub.status !== "trialing") {
    const period = periodOf(sub);
    createInvoiceItems(
      ctx,
      sub,
      sub.items.data
        .flatMap((item) =>
          prorationLines(
            ctx,
            sub,
            item.id,
            { price: item.price, quantity: item.quantity ?? 1 },
            null,
            period,
            now,
          ),
        )
        .filter((l) => l.amount !== 0),
    );
  }
  let next: Stripe.Subscription = { ...sub, status: "paused" };
  if (options.invoiceNow && pendingInvoiceItems(ctx, idOf(sub.customer), sub.id).length > 0) {
    const invoice = createDraftInvoice(ctx, {
      customer: getCustomer(ctx, idOf(sub.customer)),
      currency: sub.currency,
      lines: [],
      billingReason: "subscription_update",
      subscription: sub,
      includePendingItems: true,
    });
    next = { ...next, latest_invoice: invoice.id };
    ctx.store.update(next);
    const open = finalizeInvoice(ctx, invoice);
    if (open.status === "open" && open.collection_method === "charge_automatically")
      attemptPayment(ctx, open, { offSession: true });
    next = { ...getSubscription(ctx, sub.id), status: "paused" };
  }
  saveSubscription(ctx, sub, next);
  ctx.emit("customer.subscription.paused", next);
  scheduleSubscriptionJobs(ctx, next);
  return next;
}

/** `POST /v1/subscriptions/:id/resume` for a paused subscription. */
export function resumeSubscription(
  ctx: Ctx,
  id: string,
  options: {
    billingCycleAnchor: "now" | "unchanged";
    prorationBehavior: ProrationBehavior;
    prorationDate?: number | undefined;
  },
): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  if (sub.status !== "paused") {
    throw invalidRequest("Only a paused subscription can be resumed.");
  }
  const now = ctx.clockNow(clockOf(sub));
  const cadence = sub.items.data[0]?.price.recurring as Stripe.Price.Recurring;
  let period: { start: number; end: number };
  let anchor = sub.billing_cycle_anchor;
  let fraction = 1;
  if (options.billingCycleAnchor === "now") {
    anchor = now;
    period = { start: now, end: addIntervals(now, cadence.interval, cadence.interval_count, 1) };
  } else {
    const start = previousBoundary(anchor, cadence.interval, cadence.interval_count, now);
    const end = nextBoundary(anchor, cadence.interval, cadence.interval_count, now);
    period = { start: now, end };
    fraction = options.prorationBehavior === "none" ? 0 : (end - now) / Math.max(1, end - start);
  }
  const items = sub.items.data.map((i) => ({
    ...i,
    current_period_start: period.start,
    current_period_end: period.end,
  }));
  let next: Stripe.Subscription = {
    ...sub,
    status: "active",
    billing_cycle_anchor: anchor,
    items: { ...sub.items, data: items },
    pause_collection: null,
  };
  ctx.store.update(next);
  ctx.emit("customer.subscription.resumed", next);
  const customer = getCustomer(ctx, idOf(sub.customer));
  const lines: LineInput[] = items.map((i) => ({
    amount: Math.round(unitAmount(i.price) * (i.quantity ?? 1) * fraction),
    description: itemDescription(ctx, i.price, i.quantity ?? 1),
    period,
    price: i.price,
    quantity: i.quantity ?? 1,
    subscription: sub.id,
    subscriptionItem: i.id,
  }));
  let invoice = createDraftInvoice(ctx, {
    customer,
    currency: sub.currency,
    lines,
    billingReason: "subscription_update",
    subscription: next,
    periodStart: now,
    periodEnd: now,
    includePendingItems: true,
  });
  next = { ...getSubscription(ctx, sub.id), latest_invoice: invoice.id };
  ctx.store.update(next);
  saveSubscription(ctx, sub, next);
  invoice = finalizeInvoice(ctx, invoice);
  if (invoice.status === "open" && invoice.collection_method === "charge_automatically") {
    attemptPayment(ctx, invoice, { offSession: true });
  }
  const final = getSubscription(ctx, sub.id);
  scheduleSubscriptionJobs(ctx, final);
  return final;
}
