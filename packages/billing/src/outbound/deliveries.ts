import { randomBytes } from "node:crypto";
import {
  keysetPage,
  WEBHOOK_DELIVERY_STATUSES,
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  withTransaction,
  type Db,
  type WebhookDeliveryStatus,
} from "@folio/db";
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { DELIVER_WEBHOOK_KIND } from "./events.ts";

export { WEBHOOK_DELIVERY_STATUSES };

const summaryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  endpointUrl: webhookEndpoints.url,
  eventId: webhookDeliveries.eventId,
  eventType: webhookDeliveries.eventType,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastLatencyMs: webhookDeliveries.lastLatencyMs,
  lastError: webhookDeliveries.lastError,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};

/** The delivery log, newest first. */
export function listDeliveries(
  db: Db,
  input: {
    endpointId?: string | undefined;
    status?: WebhookDeliveryStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const conds: (SQL | undefined)[] = [
    input.endpointId ? eq(webhookDeliveries.endpointId, input.endpointId) : undefined,
    input.status ? eq(webhookDeliveries.status, input.status) : undefined,
  ];
  return keysetPage({
    sort: { column: webhookDeliveries.createdAt, key: "createdAt", direction: "desc" },
    id: { column: webhookDeliveries.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select(summaryColumns)
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(and(...conds, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}

/** One delivery with the body it sends and its latest attempts. */
export async function deliveryById(db: Db, id: string) {
  const row = await db
    .select({ ...summaryColumns, payload: webhookDeliveries.payload })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, id))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", `No webhook delivery ${id}.`);
  const attempts = await db
    .select({
      id: webhookDeliveryAttempts.id,
      at: webhookDeliveryAttempts.at,
      statusCode: webhookDeliveryAttempts.statusCode,
      latencyMs: webhookDeliveryAttempts.latencyMs,
      error: webhookDeliveryAttempts.error,
      responseBody: webhookDeliveryAttempts.responseBody,
    })
    .from(webhookDeliveryAttempts)
    .where(eq(webhookDeliveryAttempts.deliveryId, id))
    .orderBy(desc(webhookDeliveryAttempts.at), desc(webhookDeliveryAttempts.id))
    .limit(50);
  return { ...row, attempts };
}

const REPLAYABLE: WebhookDeliveryStatus[] = ["succeeded", "dead"];

/**
 * Sends a delivered or dead-lettered delivery again (same event id: receivers de-duplicate on
 * it), as a new job with a fresh retry budget; audited.
 */
export async function replayDelivery(deps: { db: Db; clock: Clock; actor: Actor }, id: string) {
  const now = deps.clock.now();
  return withTransaction(deps.db, async (tx) => {
    const row = await tx
      .select({ status: webhookDeliveries.status })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, id))
      .get();
    if (!row) throw new DomainError("NOT_FOUND", `No webhook delivery ${id}.`);
    const replayed = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: now })
      .where(and(eq(webhookDeliveries.id, id), inArray(webhookDeliveries.status, REPLAYABLE)))
      .returning({ id: webhookDeliveries.id });
    if (replayed.length === 0) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Delivery ${id} is still being retried; replay it once it has succeeded or been given up.`,
      );
    }
    await enqueueJob(
      { db: tx, clock: deps.clock },
      {
        kind: DELIVER_WEBHOOK_KIND,
        payload: { deliveryId: id },
        key: `${DELIVER_WEBHOOK_KIND}:${id}:replay:${randomBytes(6).toString("hex")}`,
      },
    );
    await audit(tx, deps.actor, {
      action: "webhook_delivery.replayed",
      target: `webhook_delivery:${id}`,
      before: { status: row.status },
      after: { status: "pending" },
      at: now,
    });
    return { id, status: "pending" as const };
  });
}
