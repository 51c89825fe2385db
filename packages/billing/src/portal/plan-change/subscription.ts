import { stripeSubscriptions, type Db } from "@folio/db";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { DomainError } from "../../errors.ts";
import { stripeCustomerIdFor } from "../../records/customer-link.ts";
import { callStripe } from "../../stripe-errors.ts";
import type { ChangeCatalog, Interval } from "./catalog.ts";
import { isMeteredItem } from "./overage.ts";

/** The subscription's current plan and seats, as Stripe holds them now. */
export interface CurrentPlan {
  subscription: Stripe.Subscription;
  customerId: string;
  planItem: Stripe.SubscriptionItem;
  /** The seat add-on item, if the subscription has one. */
  seatItem: Stripe.SubscriptionItem | null;
  /** Metered overage items (one per meter the plan bills past its allowance). */
  meteredItems: Stripe.SubscriptionItem[];
  interval: Interval;
  intervalCount: number;
  /** The end of the current billing period (unix seconds). */
  periodEnd: number;
}

const idOf = (ref: string | { id: string } | null): string | null =>
  ref === null ? null : typeof ref === "string" ? ref : ref.id;

/**
 * The caller's subscription, read live from Stripe. A subscription id from the client is only
 * used after checking it belongs to the caller: in the mirror (so another customer's id is "not
 * found", not "forbidden", and reveals nothing) and again on the live object.
 */
export async function ownedSubscription(
  deps: { db: Db; stripe: Stripe },
  userId: string,
  subscriptionId: string,
  doing: string,
): Promise<{ subscription: Stripe.Subscription; customerId: string }> {
  const notFound = new DomainError(
    "NOT_FOUND",
    "That subscription is not one of yours. Reload the page to see your current plan.",
  );
  const customerId = await stripeCustomerIdFor(deps.db, userId);
  if (!customerId) throw notFound;
  const row = await deps.db
    .select({ id: stripeSubscriptions.id })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.id, subscriptionId),
        eq(stripeSubscriptions.customerId, customerId),
        isNull(stripeSubscriptions.deletedAt),
      ),
    )
    .get();
  if (!row) throw notFound;
  const subscription = await callStripe(doing, () =>
    deps.stripe.subscriptions.retrieve(subscriptionId),
  );
  if (idOf(subscription.customer) !== customerId) throw notFound;
  return { subscription, customerId };
}

/**
 * Splits a live subscription into its plan item, seat item and metered overage items, using the
 * catalog's kinds. The overage prices belong to the plan's product, so they are told apart by
 * their usage type, not their product.
 */
export function currentPlanOf(
  subscription: Stripe.Subscription,
  customerId: string,
  catalog: ChangeCatalog,
): CurrentPlan {
  const meteredItems = subscription.items.data.filter(isMeteredItem);
  const items = subscription.items.data.filter((i) => !isMeteredItem(i));
  const productOf = (i: Stripe.SubscriptionItem) => idOf(i.price.product);
  const planProducts = new Set(catalog.plans.map((p) => p.productId));
  const seatProducts = new Set(catalog.seats.map((s) => s.productId));
  // A plan archived from the catalog is still the plan: anything that is not the seat add-on.
  const planItem =
    items.find((i) => planProducts.has(productOf(i) ?? "")) ??
    items.find((i) => !seatProducts.has(productOf(i) ?? ""));
  const seatItem = items.find((i) => i !== planItem && seatProducts.has(productOf(i) ?? ""));
  if (!planItem || !planItem.price.recurring || items.length > (seatItem ? 2 : 1)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This subscription has a custom setup that can't be changed here. Contact support to change it.",
    );
  }
  return {
    subscription,
    customerId,
    planItem,
    seatItem: seatItem ?? null,
    meteredItems,
    interval: planItem.price.recurring.interval as Interval,
    intervalCount: planItem.price.recurring.interval_count,
    periodEnd: Math.min(...items.map((i) => i.current_period_end)),
  };
}

/** Why this subscription cannot be changed right now, in words the customer can act on. */
export function whyNotChangeable(subscription: Stripe.Subscription): string | null {
  switch (subscription.status) {
    case "active":
    case "trialing":
      break;
    case "past_due":
    case "unpaid":
    case "incomplete":
      return "Your last payment didn't go through. Pay the open invoice on the overview first, then change your plan.";
    case "paused":
      return "Your subscription is paused. Resume it before changing your plan.";
    default:
      return "This subscription has ended. Choose a plan on the pricing page to subscribe again.";
  }
  if (subscription.cancel_at_period_end || subscription.cancel_at !== null) {
    return "Your subscription is set to cancel. Resume it on the overview before changing your plan.";
  }
  return null;
}
