import {
  keysetPage,
  WEBHOOK_EVENT_STATUSES,
  webhookEvents,
  withTransaction,
  type Db,
  type WebhookEventStatus,
} from "@folio/db";
import { and, count, eq, gte, inArray, like, lt, lte, min, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { UNREACHABLE_ERROR_LIKE, unreachableSince } from "./outage.ts";
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

/** One page of the inbox, newest received first (keyset pagination: `cursor` from the last page). */
export function listWebhookEvents(
  db: Db,
  input: WebhookEventFilter & { limit: number; cursor?: string | undefined },
) {
  const conds: SQL[] = [];
  if (input.type) {
    // The filter ignores case (the UI accepts `Invoice.*`). Stripe's event types are lower case,
    // so lowering the input does it on both dialects — SQLite's LIKE ignores ASCII case,
    // PostgreSQL's does not — and keeps the (type, received_at) index usable for exact types.
    const type = input.type.toLowerCase();
    // Types contain underscores (payment_intent.*): LIKE's wildcards are escaped, not dropped.
    const prefix = type.endsWith("*") ? `${type.slice(0, -1).replace(/[\\%_]/g, "\\$&")}%` : null;
    conds.push(
      prefix !== null
        ? sql`${webhookEvents.type} like ${prefix} escape '\\'`
        : eq(webhookEvents.type, type),
    );
  }
  if (input.status) conds.push(eq(webhookEvents.status, input.status));
  if (input.from) conds.push(gte(webhookEvents.receivedAt, input.from));
  if (input.to) conds.push(lt(webhookEvents.receivedAt, input.to));
  return keysetPage({
    sort: { column: webhookEvents.receivedAt, key: "receivedAt", direction: "desc" },
    id: { column: webhookEvents.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select(summaryColumns)
        .from(webhookEvents)
        .where(and(...conds, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}

/** One event with its payload (parsed), for the detail view; null and `payloadPruned` once pruned. */
export async function webhookEventById(db: Db, id: string) {
  const row = await db
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

/**
 * Puts one failed or dead-lettered event back in the queue, due now, with a fresh attempt budget.
 * With an `actor` (staff), the audit row is written in the same transaction.
 */
export async function retryWebhookEvent(db: Db, clock: Clock, id: string, actor?: Actor) {
  const row = await db
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
  await withTransaction(db, async (tx) => {
    const requeued = await tx
      .update(webhookEvents)
      .set({ status: "pending", attempts: 0, nextAttemptAt: clock.now() })
      .where(and(eq(webhookEvents.id, id), inArray(webhookEvents.status, RETRYABLE)))
      .returning({ id: webhookEvents.id });
    if (actor && requeued.length > 0) {
      await audit(tx, actor, {
        action: "webhook_event.retried",
        target: `webhook_event:${id}`,
        before: { status: row.status },
        after: { status: "pending" },
        at: clock.now(),
      });
    }
  });
  return { id, status: "pending" as const };
}

/** Re-queues every dead-lettered event; returns how many. With an `actor`, one audit row. */
export async function retryDeadWebhookEvents(db: Db, clock: Clock, actor?: Actor) {
  return withTransaction(db, async (tx) => {
    const requeued = await tx
      .update(webhookEvents)
      .set({ status: "pending", attempts: 0, nextAttemptAt: clock.now() })
      .where(eq(webhookEvents.status, "dead"))
      .returning({ id: webhookEvents.id });
    if (actor && requeued.length > 0) {
      await audit(tx, actor, {
        action: "webhook_event.dead_retried",
        target: "webhook_inbox:dead",
        after: { requeued: requeued.length },
        at: clock.now(),
      });
    }
    return { requeued: requeued.length };
  });
}

/**
 * Counts per status, apply lag (age of the oldest due event), failures in the last 24 hours, and
 * since when Stripe has been unreachable: the start of the oldest streak of such failures among
 * events still waiting for a retry (null when none is).
 */
export async function webhookStats(db: Db, clock: Clock) {
  const now = clock.now();
  const byStatus = Object.fromEntries(WEBHOOK_EVENT_STATUSES.map((s) => [s, 0])) as Record<
    WebhookEventStatus,
    number
  >;
  for (const r of await db
    .select({ status: webhookEvents.status, n: count() })
    .from(webhookEvents)
    .groupBy(webhookEvents.status)) {
    byStatus[r.status] = r.n;
  }
  const oldest = await db
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
  // Lag as a person means it: how long the oldest event not yet applied has been waiting,
  // whether it is due now or backing off after a failure.
  const unapplied = await db
    .select({ receivedAt: min(webhookEvents.receivedAt) })
    .from(webhookEvents)
    .where(inArray(webhookEvents.status, ["pending", "failed"]))
    .get();
  const oldestUnappliedAt = unapplied?.receivedAt ?? null;
  const failures = await db
    .select({ n: count() })
    .from(webhookEvents)
    .where(gte(webhookEvents.lastFailedAt, new Date(now.getTime() - 24 * 3600_000)))
    .get();
  const outage = await db
    .select({ error: min(webhookEvents.lastError) })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.status, "failed"),
        like(webhookEvents.lastError, UNREACHABLE_ERROR_LIKE),
      ),
    )
    .get();
  return {
    byStatus,
    oldestDueAt,
    stripeUnreachableSince: unreachableSince(outage?.error ?? null),
    lagSeconds: oldestDueAt ? Math.max(0, (now.getTime() - oldestDueAt.getTime()) / 1000) : 0,
    /** Events received but not applied yet (pending, or failed and retrying). */
    waiting: byStatus.pending + byStatus.failed,
    oldestUnappliedAt,
    unappliedLagSeconds: oldestUnappliedAt
      ? Math.max(0, (now.getTime() - oldestUnappliedAt.getTime()) / 1000)
      : 0,
    failedLast24h: failures?.n ?? 0,
  };
}
