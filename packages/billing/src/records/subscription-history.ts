import { createHash } from "node:crypto";
import {
  subscriptionHistory,
  type SubscriptionHistoryDiscount,
  type SubscriptionHistoryItem,
} from "@folio/db";
import { desc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { SyncChange, SyncDeps, SyncHook } from "../sync/hooks.ts";
import { idOf, orNull } from "../sync/kinds.ts";

const ms = (seconds: number | null | undefined) =>
  seconds == null ? null : new Date(seconds * 1000);

type AnyDiscount = string | Stripe.Discount;

function discountDetails(
  d: AnyDiscount,
  known: ReadonlyMap<string, SubscriptionHistoryDiscount>,
): SubscriptionHistoryDiscount {
  if (typeof d === "string") {
    return (
      known.get(d) ?? {
        id: d,
        couponId: null,
        percentOff: null,
        amountOff: null,
        currency: null,
        duration: null,
        end: null,
      }
    );
  }
  const coupon = d.source?.coupon ?? null;
  const c = coupon && typeof coupon !== "string" ? coupon : null;
  return {
    id: d.id,
    couponId: idOf(coupon),
    percentOff: c?.percent_off ?? null,
    amountOff: c?.amount_off ?? null,
    currency: c?.currency ?? null,
    duration: c?.duration ?? null,
    end: d.end,
  };
}

function allDiscounts(sub: Stripe.Subscription): AnyDiscount[] {
  return [...(sub.discounts ?? []), ...sub.items.data.flatMap((i) => i.discounts ?? [])];
}

export interface SubscriptionSnapshot {
  stripeCustomerId: string;
  status: string;
  currency: string;
  items: SubscriptionHistoryItem[];
  interval: string | null;
  intervalCount: number | null;
  discounts: SubscriptionHistoryDiscount[];
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
  paused: boolean;
  fingerprint: string;
}

/**
 * The revenue-relevant state of a subscription. Period boundaries and metadata are left out on
 * purpose: a renewal or a note is not a change in what the customer pays.
 */
export function snapshotSubscription(
  sub: Stripe.Subscription,
  knownDiscounts: ReadonlyMap<string, SubscriptionHistoryDiscount> = new Map(),
): SubscriptionSnapshot {
  const items: SubscriptionHistoryItem[] = sub.items.data
    .map((item) => ({
      subscriptionItemId: item.id,
      priceId: item.price.id,
      productId: idOf(item.price.product) ?? "",
      quantity: item.quantity ?? 1,
      unitAmount: item.price.unit_amount,
      interval: item.price.recurring?.interval ?? "month",
      intervalCount: item.price.recurring?.interval_count ?? 1,
    }))
    .sort((a, b) => a.subscriptionItemId.localeCompare(b.subscriptionItemId));
  const discounts = allDiscounts(sub)
    .map((d) => discountDetails(d, knownDiscounts))
    .sort((a, b) => a.id.localeCompare(b.id));
  const material = {
    status: sub.status,
    currency: sub.currency,
    items,
    discounts,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: sub.cancel_at,
    canceledAt: sub.canceled_at,
    endedAt: sub.ended_at,
    trialEnd: sub.trial_end,
    paused: sub.pause_collection != null || sub.status === "paused",
  };
  return {
    stripeCustomerId: idOf(sub.customer) ?? "",
    status: sub.status,
    currency: sub.currency,
    items,
    interval: items[0]?.interval ?? null,
    intervalCount: items[0]?.intervalCount ?? null,
    discounts,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: ms(sub.cancel_at),
    canceledAt: ms(sub.canceled_at),
    endedAt: ms(sub.ended_at),
    trialEnd: ms(sub.trial_end),
    paused: material.paused,
    fingerprint: createHash("sha256").update(JSON.stringify(material)).digest("hex"),
  };
}

/**
 * Appends a history row when a subscription's stored version changes materially. The sync engine
 * only reports versions newer than the stored one, so rows follow the subscription's real order
 * even when events arrive shuffled; (subscription, event) is unique, so a redelivered or
 * re-applied event never appends twice.
 */
export const subscriptionHistoryHook: SyncHook = {
  types: ["subscription"],
  async prepare({ stripe }: SyncDeps, change: SyncChange) {
    if (change.type !== "subscription") return null;
    // Webhook payloads carry discounts as ids; MRR needs the coupon terms behind them.
    if (!allDiscounts(change.object).some((d) => typeof d === "string")) return null;
    // Stripe expands at most four levels: item discounts' coupons would be five, so they are
    // retrieved separately, once per coupon.
    const full = await stripe.subscriptions.retrieve(change.object.id, {
      expand: ["discounts.source.coupon", "items.data.discounts"],
    });
    const coupons = new Map<string, Promise<Stripe.Coupon | null>>();
    const withCoupon = async (d: Stripe.Discount): Promise<Stripe.Discount> => {
      const id = d.source?.coupon;
      if (typeof id !== "string") return d;
      let retrieved = coupons.get(id);
      if (!retrieved) coupons.set(id, (retrieved = orNull(stripe.coupons.retrieve(id))));
      // A coupon deleted since keeps its id in the history, without terms.
      const coupon = await retrieved;
      return coupon ? { ...d, source: { ...d.source, coupon } } : d;
    };
    const discounts = await Promise.all(
      allDiscounts(full)
        .filter((d): d is Stripe.Discount => typeof d !== "string")
        .map(withCoupon),
    );
    return discounts.map((d) => discountDetails(d, new Map()));
  },
  async write(tx, change, prepared) {
    if (change.type !== "subscription") return;
    const known = new Map(
      ((prepared as SubscriptionHistoryDiscount[] | null) ?? []).map((d) => [d.id, d]),
    );
    const snap = snapshotSubscription(change.object, known);
    const last = await tx
      .select({ fingerprint: subscriptionHistory.fingerprint })
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.subscriptionId, change.object.id))
      .orderBy(desc(subscriptionHistory.id))
      .limit(1)
      .get();
    if (last?.fingerprint === snap.fingerprint) return;
    const row = {
      subscriptionId: change.object.id,
      eventId: change.event.id,
      eventType: change.event.type,
      ...snap,
      effectiveAt: change.event.created,
      recordedAt: change.clock.now(),
    };
    // The same event can report a subscription twice (its payload, then a tie-break fetch):
    // the later, newer version replaces the row the event already wrote.
    await tx
      .insert(subscriptionHistory)
      .values(row)
      .onConflictDoUpdate({
        target: [subscriptionHistory.subscriptionId, subscriptionHistory.eventId],
        set: { ...snap, recordedAt: row.recordedAt },
      });
  },
};
