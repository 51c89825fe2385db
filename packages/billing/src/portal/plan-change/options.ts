import { changeCatalog, type CatalogRecurringPrice, type Interval } from "./catalog.ts";
import type { PlanChangeDeps } from "./preview.ts";
import { pendingPlanChange, type PendingPlanChange } from "./schedule.ts";
import { currentPlanOf, ownedSubscription, whyNotChangeable } from "./subscription.ts";
import { listCustomerSubscriptions } from "../subscriptions.ts";

export interface PlanChangeOptions {
  /** The subscription to change; null when the customer has none (send them to pricing). */
  subscription: {
    id: string;
    status: string;
    currency: string;
    interval: Interval;
    intervalCount: number;
    periodEnd: Date;
    trialEnd: Date | null;
    plan: { priceId: string; productName: string | null; unitAmount: number | null };
    seats: { priceId: string; quantity: number; unitAmount: number | null } | null;
    /** Per period, before discounts and tax. */
    amount: number;
  } | null;
  /** Why no change can be made right now (past due, canceling…); null when it can. */
  blocked: string | null;
  plans: CatalogRecurringPrice[];
  seatPrices: CatalogRecurringPrice[];
  pending: PendingPlanChange | null;
}

/**
 * What the change-plan page offers: the customer's live subscription as Stripe holds it, the
 * catalog's plans and seat prices in its currency, and any change already scheduled.
 */
export async function planChangeOptions(
  deps: PlanChangeDeps,
  userId: string,
): Promise<PlanChangeOptions> {
  const live = (await listCustomerSubscriptions(deps, userId)).find((s) => !s.ended);
  if (!live) return { subscription: null, blocked: null, plans: [], seatPrices: [], pending: null };
  const { subscription, customerId } = await ownedSubscription(
    deps,
    userId,
    live.id,
    "load your plan",
  );
  const catalog = await changeCatalog(deps.db, subscription.currency);
  const current = currentPlanOf(subscription, customerId, catalog);
  const { planItem, seatItem } = current;
  const productOf = (i: typeof planItem) =>
    typeof i.price.product === "string" ? i.price.product : i.price.product.id;
  const planProduct = [...catalog.plans].find((p) => p.productId === productOf(planItem));
  return {
    subscription: {
      id: subscription.id,
      status: subscription.status,
      currency: subscription.currency,
      interval: current.interval,
      intervalCount: current.intervalCount,
      periodEnd: new Date(current.periodEnd * 1000),
      trialEnd: subscription.trial_end ? new Date(subscription.trial_end * 1000) : null,
      plan: {
        priceId: planItem.price.id,
        productName: planProduct?.productName ?? live.items[0]?.productName ?? null,
        unitAmount: planItem.price.unit_amount,
      },
      seats: seatItem
        ? {
            priceId: seatItem.price.id,
            quantity: seatItem.quantity ?? 0,
            unitAmount: seatItem.price.unit_amount,
          }
        : null,
      // Metered overage is billed on usage, after the period: not part of the price per period.
      amount: [planItem, ...(seatItem ? [seatItem] : [])].reduce(
        (sum, i) => sum + (i.price.unit_amount ?? 0) * (i.quantity ?? 1),
        0,
      ),
    },
    blocked: whyNotChangeable(subscription),
    plans: catalog.plans,
    seatPrices: catalog.seats,
    pending: await pendingPlanChange(deps, subscription.schedule),
  };
}
