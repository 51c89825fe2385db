import { createHash, randomBytes } from "node:crypto";
import { webhookDeliveries, webhookEndpoints, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { enqueueJob } from "../jobs/enqueue.ts";

/** Every event type an endpoint can subscribe to. */
export const OUTBOUND_EVENT_TYPES = [
  "order.paid",
  "order.shipped",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "invoice.payment_failed",
  "refund.succeeded",
  "credit.granted",
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Bumped when an event's shape changes incompatibly; sent in every body. */
export const OUTBOUND_API_VERSION = "2026-12-01";

export const DELIVER_WEBHOOK_KIND = "webhook.deliver";

export interface OutboundEvent {
  id: string;
  object: "event";
  api_version: string;
  type: OutboundEventType;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
}

/** The same cause always makes the same event id, so replaying it enqueues nothing new. */
export function outboundEventId(type: OutboundEventType, cause: string): string {
  return `evt_${createHash("sha256").update(`${type}:${cause}`).digest("hex").slice(0, 24)}`;
}

/**
 * Records one event for every enabled endpoint subscribed to its type, and enqueues each delivery
 * as a job. Call it inside the transaction of the change (a sync hook's write, a command):
 * `cause` names what happened (an order id, a Stripe event id…) — an event with the same type
 * and cause is delivered to an endpoint once, however often its cause is replayed.
 */
export async function emitOutboundEvent(
  deps: { db: Db; clock: Clock },
  input: { type: OutboundEventType; cause: string; object: Record<string, unknown>; at?: Date },
): Promise<number> {
  const endpoints = await deps.db
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.enabled, true));
  const targets = endpoints.filter((e) => e.eventTypes.includes(input.type));
  if (targets.length === 0) return 0;
  const now = deps.clock.now();
  const event: OutboundEvent = {
    id: outboundEventId(input.type, input.cause),
    object: "event",
    api_version: OUTBOUND_API_VERSION,
    type: input.type,
    created: Math.floor((input.at ?? now).getTime() / 1000),
    data: { object: input.object },
  };
  let enqueued = 0;
  for (const endpoint of targets) {
    const [delivery] = await deps.db
      .insert(webhookDeliveries)
      .values({
        id: `wdl_${randomBytes(12).toString("hex")}`,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        payload: event,
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
      })
      .onConflictDoNothing({ target: [webhookDeliveries.eventId, webhookDeliveries.endpointId] })
      .returning({ id: webhookDeliveries.id });
    if (!delivery) continue;
    await enqueueJob(deps, {
      kind: DELIVER_WEBHOOK_KIND,
      payload: { deliveryId: delivery.id },
      key: `${DELIVER_WEBHOOK_KIND}:${delivery.id}`,
    });
    enqueued++;
  }
  return enqueued;
}
