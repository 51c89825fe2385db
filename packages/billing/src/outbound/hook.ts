import { orders } from "@folio/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { isPaidPaymentSession, orderIdFor } from "../records/orders.ts";
import type { SyncChange, SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import { emitOutboundEvent, type OutboundEventType } from "./events.ts";
import {
  creditObject,
  invoiceObject,
  orderObject,
  refundObject,
  subscriptionObject,
} from "./payloads.ts";

/** Older changes are history (a backfill, a replay of last month): receivers are not told. Three
 * days is Stripe's own retry window, so a delayed webhook still gets through. */
const STALE_AFTER_MS = 3 * 24 * 3600_000;

function isLive(change: { event: { type: string; created: Date }; clock: { now(): Date } }) {
  if (change.event.type === "sync") return false;
  return change.clock.now().getTime() - change.event.created.getTime() <= STALE_AFTER_MS;
}

/** What makes two versions of a subscription a change a receiver cares about. */
const subscriptionState = (s: Stripe.Subscription) =>
  [
    s.status,
    s.cancel_at_period_end,
    s.cancel_at,
    s.trial_end,
    s.items.data[0]?.current_period_end,
    ...s.items.data.map((i) => `${i.price.id}x${i.quantity ?? 1}`).sort(),
  ].join("|");

function subscriptionEvent(
  change: Extract<SyncChange, { type: "subscription" }>,
): { type: OutboundEventType; cause: string } | null {
  const sub = change.object;
  const prev = change.previous;
  if (!prev) return { type: "subscription.created", cause: sub.id };
  if (sub.status === "canceled" && prev.status !== "canceled") {
    return { type: "subscription.canceled", cause: sub.id };
  }
  const state = subscriptionState(sub);
  if (state === subscriptionState(prev)) return null;
  return { type: "subscription.updated", cause: `${sub.id}:${state}` };
}

/**
 * Outbound webhook events caused by Stripe changes, recorded with their deliveries in the same
 * transaction (after the record hooks, so the order row exists). Each event's id derives from its
 * cause, so a duplicated, shuffled or replayed webhook finds its deliveries there already.
 */
export const outboundWebhookHook: SyncHook = {
  types: ["checkout.session", "subscription", "invoice", "refund", "customer_balance_transaction"],
  async write(tx, change) {
    if (!isLive(change)) return;
    const deps = { db: tx, clock: change.clock };
    const at = change.event.created;
    switch (change.type) {
      case "checkout.session": {
        if (!isPaidPaymentSession(change.object)) return;
        const order = await orderObject(tx, orderIdFor(change.object.id));
        if (order)
          await emitOutboundEvent(deps, { type: "order.paid", cause: order.id, object: order, at });
        return;
      }
      case "subscription": {
        const event = subscriptionEvent(change);
        if (event)
          await emitOutboundEvent(deps, {
            ...event,
            object: subscriptionObject(change.object),
            at,
          });
        return;
      }
      case "refund": {
        if (change.object.status !== "succeeded" || change.previous?.status === "succeeded") return;
        const pi = idOf(change.object.payment_intent);
        const order = pi
          ? await tx
              .select({ id: orders.id })
              .from(orders)
              .where(eq(orders.paymentIntentId, pi))
              .get()
          : undefined;
        await emitOutboundEvent(deps, {
          type: "refund.succeeded",
          cause: change.object.id,
          object: refundObject(change.object, order?.id ?? null),
          at,
        });
        return;
      }
      case "customer_balance_transaction": {
        // New credit (a negative amount in Stripe's sign): a staff grant through the write path
        // or an adjustment made in Stripe.
        if (change.previous || change.object.amount >= 0 || change.object.type !== "adjustment")
          return;
        await emitOutboundEvent(deps, {
          type: "credit.granted",
          cause: change.object.id,
          object: creditObject(change.object),
          at,
        });
        return;
      }
      default:
        return;
    }
  },
  // A failed payment is an event, not a state: each invoice.payment_failed Stripe sends is one
  // outbound event, keyed by Stripe's event id (duplicates of it find theirs).
  async observe(tx, observation) {
    if (observation.type !== "invoice" || observation.event.type !== "invoice.payment_failed")
      return;
    if (!isLive({ event: observation.event, clock: observation.clock })) return;
    await emitOutboundEvent(
      { db: tx, clock: observation.clock },
      {
        type: "invoice.payment_failed",
        cause: observation.event.id,
        object: invoiceObject(observation.object),
        at: observation.event.created,
      },
    );
  },
};
