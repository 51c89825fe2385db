import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf, previousAttributes } from "../../core/util.ts";
import { scheduleSubscriptionJobs } from "./jobs.ts";
import type { PlannedChange } from "./plan-change.ts";
import { getSubscription, saveSubscription } from "./state.ts";

/**
 * `payment_behavior: pending_if_incomplete`: an update whose invoice is not paid waits as
 * the subscription's `pending_update` until the invoice is paid (applied) or 23 hours
 * pass (expired).
 */

export interface PendingPrivate {
  next: Stripe.Subscription;
  invoice: string;
}

/** The subscription keeps its old items; the change waits for `invoice` to be paid. */
export function deferPendingUpdate(
  ctx: Ctx,
  sub: Stripe.Subscription,
  plan: PlannedChange,
  invoice: Stripe.Invoice,
  changesTrial: boolean,
  now: number,
): void {
  const pendingUpdate: Stripe.Subscription.PendingUpdate = {
    billing_cycle_anchor: plan.reset ? plan.anchor : null,
    cancel_at_period_end: null,
    discount: null,
    discounts: null,
    expires_at: now + 23 * 3600,
    metadata: null,
    subscription_items: plan.items,
    trial_end: changesTrial ? plan.trialEnd : null,
    trial_from_plan: null,
  };
  const applied = { ...getSubscription(ctx, sub.id), pending_update: null };
  const kept: Stripe.Subscription = {
    ...sub,
    latest_invoice: invoice.id,
    pending_update: pendingUpdate,
  };
  ctx.store.setPrivate(`${sub.id}:pending`, {
    next: applied,
    invoice: invoice.id,
  } satisfies PendingPrivate);
  saveSubscription(ctx, sub, kept);
  ctx.schedule({
    id: `billing.pending_expire:${sub.id}`,
    kind: "billing.pending_expire",
    runAt: pendingUpdate.expires_at,
    clockId: clockOf(sub),
    payload: { subscription: sub.id },
  });
}

/** A paid invoice applies the pending update it was created for. */
export function applyPendingUpdate(ctx: Ctx, invoice: Stripe.Invoice): void {
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  if (!subId) return;
  const pending = ctx.store.getPrivate<PendingPrivate | null>(`${subId}:pending`);
  if (!pending || pending.invoice !== invoice.id) return;
  const sub = getSubscription(ctx, subId);
  ctx.store.setPrivate(`${subId}:pending`, null);
  ctx.unschedule(`billing.pending_expire:${subId}`);
  const next: Stripe.Subscription = {
    ...pending.next,
    status: sub.status,
    latest_invoice: invoice.id,
    pending_update: null,
  };
  ctx.store.update(next);
  ctx.emit("customer.subscription.pending_update_applied", next, previousAttributes(sub, next));
  ctx.emit("customer.subscription.updated", next, previousAttributes(sub, next));
  scheduleSubscriptionJobs(ctx, next);
}

export function runPendingExpire(ctx: Ctx, subscriptionId: string): void {
  const pending = ctx.store.getPrivate<PendingPrivate | null>(`${subscriptionId}:pending`);
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", subscriptionId);
  if (!pending || !sub?.pending_update) return;
  ctx.store.setPrivate(`${subscriptionId}:pending`, null);
  const next: Stripe.Subscription = { ...sub, pending_update: null };
  ctx.store.update(next);
  ctx.emit("customer.subscription.pending_update_expired", next, previousAttributes(sub, next));
  ctx.emit("customer.subscription.updated", next, previousAttributes(sub, next));
}
