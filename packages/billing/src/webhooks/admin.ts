import { WEBHOOK_EVENT_STATUSES, webhookEvents, type Db, type WebhookEventStatus } from "@folio/db";
import { and, count, desc, eq, gte, inArray, lt, lte, min, or, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { PRUNED_PAYLOAD } from "./prune.ts";

// Staff-facing webhook health: plain functions the tRPC router wraps.

export interface WebhookEventFilter {
  /** Exact type, or a prefix ending in `*` (`invoice.*`). */
  type?: string;
  status?: WebhookEventStatus;
  /** Received at or after / before (exclusive). */
  from?: Date;
  to?: Date;
}

export interface WebhookListCursor {
  receivedAt: number;
  id: string;
}

const summaryColumns = {
  id: webhookEvents.id,
  type: webhookEvents.type,
  status: webhookEvents.status,
  objectId: webhookEvents.objectId,
  objectType: webhookEvents.objectType,
  attempts: webhookEvents.attempts,
  created: webhookEvents.created,
  receivedAt: webhookEvents.receivedAt,
  appliedAt: webhookEvents.appliedAt,
  nextAttemptAt: webhookEvents.nextAttemptAt,
  lastError: webhookEvents.lastError,
};

export type WebhookEventSummary = {
  [K in keyof typeof summaryColumns]: (typeof summaryColumns)[K]["_"]["data"] | null;
};

/** Newest received first; fetches `limit + 1` so the caller can tell whether a next page exists. */
export function listWebhookEvents(
  db: Db,
  input: WebhookEventFilter & { limit: number; after?: WebhookListCursor | null },
) {
  const conds: SQL[] = [];
  if (input.type) {
    // Types contain underscores (payment_intent.*): LIKE's wildcards are escaped, not dropped.
    const prefix = input.type.endsWith("*")
      ? `${input.type.slice(0, -1).replace(/[\\%_]/g, "\\$&")}%`
      : null;
    conds.push(
      prefix !== null
        ? sql`${webhookEvents.type} like ${prefix} escape '\\'`
        : eq(webhookEvents.type, input.type),
    );
  }
  if (input.status) conds.push(eq(webhookEvents.status, input.status));
  if (input.from) conds.push(gte(webhookEvents.receivedAt, input.from));
  if (input.to) conds.push(lt(webhookEvents.receivedAt, input.to));
  if (input.after) {
    const at = new Date(input.after.receivedAt);
    const keyset = or(
      lt(webhookEvents.receivedAt, at),
      and(eq(webhookEvents.receivedAt, at), lt(webhookEvents.id, input.after.id)),
    );
    if (keyset) conds.push(keyset);
  }
  return db
    .select(summaryColumns)
    .from(webhookEvents)
    .where(and(...conds))
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(input.limit + 1)
    .all();
}

/** One event with its payload (parsed), for the detail view; null and `payloadPruned` once pruned. */
export function webhookEventById(db: Db, id: string) {
  const row = db
    .select({
      ...summaryColumns,
      apiVersion: webhookEvents.apiVersion,
      livemode: webhookEvents.livemode,
      lastFailedAt: webhookEvents.lastFailedAt,
      payload: webhookEvents.payload,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, id))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", `No webhook event ${id} has been received.`);
  // Retention (prune.ts) keeps old terminal events' ids and drops their bodies.
  if (row.payload === PRUNED_PAYLOAD) return { ...row, payload: null, payloadPruned: true };
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return { ...row, payload, payloadPruned: false };
}

const RETRYABLE: WebhookEventStatus[] = ["failed", "dead"];

/** Puts one failed or dead-lettered event back in the queue, due now, with a fresh attempt budget. */
export function retryWebhookEvent(db: Db, clock: Clock, id: string) {
  const row = db
    .select({ status: webhookEvents.status })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, id))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", `No webhook event ${id} has been received.`);
  if (!RETRYABLE.includes(row.status)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `Event ${id} is ${row.status}; only failed or dead-lettered events can be retried.`,
    );
  }
  db.update(webhookEvents)
    .set({ status: "pending", attempts: 0, nextAttemptAt: clock.now() })
    .where(and(eq(webhookEvents.id, id), inArray(webhookEvents.status, RETRYABLE)))
    .run();
  return { id, status: "pending" as const };
}

/** Re-queues every dead-lettered event; returns how many. */
export function retryDeadWebhookEvents(db: Db, clock: Clock) {
  const res = db
    .update(webhookEvents)
    .set({ status: "pending", attempts: 0, nextAttemptAt: clock.now() })
    .where(eq(webhookEvents.status, "dead"))
    .run();
  return { requeued: res.changes };
}

/** Counts per status, apply lag (age of the oldest due event) and failures in the last 24 hours. */
export function webhookStats(db: Db, clock: Clock) {
  const now = clock.now();
  const byStatus = Object.fromEntries(WEBHOOK_EVENT_STATUSES.map((s) => [s, 0])) as Record<
    WebhookEventStatus,
    number
  >;
  for (const r of db
    .select({ status: webhookEvents.status, n: count() })
    .from(webhookEvents)
    .groupBy(webhookEvents.status)
    .all()) {
    byStatus[r.status] = r.n;
  }
  const oldest = db
    .select({ receivedAt: min(webhookEvents.receivedAt) })
    .from(webhookEvents)
    .where(
      and(
        inArray(webhookEvents.status, ["pending", "failed"]),
        lte(webhookEvents.nextAttemptAt, now),
      ),
    )
    .get();
  const oldestDueAt = oldest?.receivedAt ?? null;
  const failures = db
    .select({ n: count() })
    .from(webhookEvents)
    .where(gte(webhookEvents.lastFailedAt, new Date(now.getTime() - 24 * 3600_000)))
    .get();
  return {
    byStatus,
    oldestDueAt,
    lagSeconds: oldestDueAt ? Math.max(0, (now.getTime() - oldestDueAt.getTime()) / 1000) : 0,
    failedLast24h: failures?.n ?? 0,
  };
}
