import {
  stripePrices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
  type Db,
} from "@folio/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { stripeCustomerIdFor } from "../records/customer-link.ts";

/** How long a canceled subscription stays on the customer's overview after it ended. */
export const ENDED_SUBSCRIPTION_WINDOW_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

// Never real subscriptions from the customer's point of view: the first payment was not made.
const HIDDEN_STATUSES = ["incomplete_expired"];

export interface CustomerSubscriptionItem {
  id: string;
  /** Null when the product has not reached the mirror yet. */
  productName: string | null;
  /** Stripe product `unit_label` ("seat"), for "× 2 seats". */
  unitLabel: string | null;
  priceNickname: string | null;
  priceLookupKey: string | null;
  /** Minor units; null for prices without a flat unit amount (tiered, metered). */
  unitAmount: number | null;
  currency: string;
  interval: string | null;
  intervalCount: number | null;
  quantity: number | null;
}

export interface CustomerSubscription {
  id: string;
  status: string;
  /** Canceled and over (shown for ENDED_SUBSCRIPTION_WINDOW_DAYS so the customer sees what happened). */
  ended: boolean;
  currency: string;
  items: CustomerSubscriptionItem[];
  /** The earliest end of the items' current periods: next renewal, or when a canceling plan stops. */
  currentPeriodEnd: Date | null;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  createdAt: Date | null;
}

/** Newest first by Stripe's creation time (unknown last), then by id: the same on every dialect. */
function byCreatedDesc(
  a: { createdAt: Date | null; id: string },
  b: { createdAt: Date | null; id: string },
): number {
  const at = a.createdAt?.getTime() ?? -Infinity;
  const bt = b.createdAt?.getTime() ?? -Infinity;
  return bt - at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Item ids in the order Stripe lists them (the plan first, as it was subscribed to). */
function itemOrderOf(raw: Record<string, unknown>): string[] {
  const data = (raw.items as { data?: Array<{ id?: unknown }> } | undefined)?.data ?? [];
  return data.map((i) => i.id).filter((id): id is string => typeof id === "string");
}

/**
 * The user's subscriptions as the mirror holds them, newest first: live ones, plus canceled ones
 * that ended within the last ENDED_SUBSCRIPTION_WINDOW_DAYS. Tombstoned rows and items are left
 * out. A user without a Stripe customer has none.
 */
export async function listCustomerSubscriptions(
  { db, clock }: { db: Db; clock: Clock },
  userId: string,
): Promise<CustomerSubscription[]> {
  const customerId = await stripeCustomerIdFor(db, userId);
  if (!customerId) return [];

  const endedSince = new Date(clock.now().getTime() - ENDED_SUBSCRIPTION_WINDOW_DAYS * DAY_MS);
  const subs = (
    await db
      .select({
        id: stripeSubscriptions.id,
        status: stripeSubscriptions.status,
        currency: stripeSubscriptions.currency,
        trialEnd: stripeSubscriptions.trialEnd,
        cancelAtPeriodEnd: stripeSubscriptions.cancelAtPeriodEnd,
        cancelAt: stripeSubscriptions.cancelAt,
        canceledAt: stripeSubscriptions.canceledAt,
        endedAt: stripeSubscriptions.endedAt,
        createdAt: stripeSubscriptions.stripeCreated,
        raw: stripeSubscriptions.raw,
      })
      .from(stripeSubscriptions)
      .where(
        and(eq(stripeSubscriptions.customerId, customerId), isNull(stripeSubscriptions.deletedAt)),
      )
  )
    .filter((s) => {
      if (HIDDEN_STATUSES.includes(s.status)) return false;
      if (s.status !== "canceled") return true;
      const endedAt = s.endedAt ?? s.canceledAt;
      return endedAt !== null && endedAt >= endedSince;
    })
    .sort(byCreatedDesc);
  if (subs.length === 0) return [];

  const items = await db
    .select({
      id: stripeSubscriptionItems.id,
      subscriptionId: stripeSubscriptionItems.subscriptionId,
      productName: stripeProducts.name,
      productRaw: stripeProducts.raw,
      priceNickname: stripePrices.nickname,
      priceLookupKey: stripePrices.lookupKey,
      unitAmount: stripeSubscriptionItems.unitAmount,
      currency: stripeSubscriptionItems.currency,
      interval: stripeSubscriptionItems.interval,
      intervalCount: stripeSubscriptionItems.intervalCount,
      quantity: stripeSubscriptionItems.quantity,
      currentPeriodEnd: stripeSubscriptionItems.currentPeriodEnd,
      createdAt: stripeSubscriptionItems.stripeCreated,
    })
    .from(stripeSubscriptionItems)
    .leftJoin(stripePrices, eq(stripePrices.id, stripeSubscriptionItems.priceId))
    .leftJoin(stripeProducts, eq(stripeProducts.id, stripeSubscriptionItems.productId))
    .where(
      and(
        inArray(
          stripeSubscriptionItems.subscriptionId,
          subs.map((s) => s.id),
        ),
        isNull(stripeSubscriptionItems.deletedAt),
      ),
    );
  // Oldest first; items not in Stripe's list (there should be none) go last in that order.
  items.sort((a, b) => -byCreatedDesc(a, b));

  return subs.map(({ raw, ...s }) => {
    const order = itemOrderOf(raw);
    const rank = (id: string) => {
      const at = order.indexOf(id);
      return at === -1 ? order.length : at;
    };
    // Items created in the same second have no stored order but Stripe's own list.
    const own = items
      .filter((i) => i.subscriptionId === s.id)
      .sort((a, b) => rank(a.id) - rank(b.id));
    const periodEnds = own.map((i) => i.currentPeriodEnd.getTime());
    return {
      ...s,
      ended: s.status === "canceled",
      currentPeriodEnd: periodEnds.length > 0 ? new Date(Math.min(...periodEnds)) : null,
      items: own.map((i) => ({
        id: i.id,
        productName: i.productName,
        unitLabel: unitLabelOf(i.productRaw),
        priceNickname: i.priceNickname,
        priceLookupKey: i.priceLookupKey,
        unitAmount: i.unitAmount,
        currency: i.currency,
        interval: i.interval,
        intervalCount: i.intervalCount,
        quantity: i.quantity,
      })),
    };
  });
}

function unitLabelOf(raw: Record<string, unknown> | null): string | null {
  const label = raw?.unit_label;
  return typeof label === "string" && label !== "" ? label : null;
}
