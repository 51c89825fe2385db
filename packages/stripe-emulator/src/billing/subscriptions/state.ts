import type Stripe from "stripe";
import { resourceMissing } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { idOf, previousAttributes } from "../../core/util.ts";

/** Reading and saving stored subscriptions, their current period, and their hooks. */

export type PaymentBehavior =
  "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";

export interface SubscriptionPrivate {
  paymentBehavior: PaymentBehavior;
}

/**
 * Reactions other billing modules (subscription schedules) attach to a subscription's life:
 * `beforeCycle` runs at a renewal before it bills, so a schedule phase that starts at the
 * period end applies first (job order at one instant is not guaranteed); `onEnded` runs
 * once a subscription is canceled or expired.
 */
export const subscriptionHooks: {
  beforeCycle: ((ctx: Ctx, sub: Stripe.Subscription, periodEnd: number) => void)[];
  onEnded: ((ctx: Ctx, sub: Stripe.Subscription) => void)[];
} = { beforeCycle: [], onEnded: [] };

export function getSubscription(ctx: Ctx, id: string, param = "subscription"): Stripe.Subscription {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", id);
  if (!sub) throw resourceMissing("subscription", id, param);
  return sub;
}

/** Subscription items are stored inside their subscription; this maps an item id back to it. */
export function subscriptionOfItem(ctx: Ctx, itemId: string): string | undefined {
  return ctx.store.getPrivate<{ subscription: string }>(itemId)?.subscription;
}

/** Stores a subscription and emits `customer.subscription.updated` with previous_attributes. */
export function saveSubscription(
  ctx: Ctx,
  before: Stripe.Subscription,
  next: Stripe.Subscription,
): Stripe.Subscription {
  ctx.store.update(next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("customer.subscription.updated", next, prev);
  return next;
}

export function periodOf(sub: Stripe.Subscription): { start: number; end: number } {
  const first = sub.items.data[0];
  return {
    start: first?.current_period_start ?? sub.start_date,
    end: first?.current_period_end ?? sub.start_date,
  };
}

export function cadenceOf(sub: Stripe.Subscription): {
  interval: Stripe.Price.Recurring.Interval;
  count: number;
} {
  const r = sub.items.data[0]?.price.recurring;
  return { interval: r?.interval ?? "month", count: r?.interval_count ?? 1 };
}

/** The subscription an invoice bills, if any. */
export function subscriptionOfInvoice(
  ctx: Ctx,
  invoice: Stripe.Invoice,
): Stripe.Subscription | undefined {
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  return subId ? ctx.store.getTyped<Stripe.Subscription>("subscription", subId) : undefined;
}
