import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const WEBHOOK_EVENT_STATUSES = ["pending", "applied", "ignored", "failed", "dead"] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * Durable inbox of Stripe webhook events, keyed by event id (duplicates are dropped on insert).
 * `pending` → waiting; `failed` → failed at least once, retried at `next_attempt_at`; `dead` →
 * gave up (retryable by staff); `ignored` → type Folio does not handle; `applied` → done.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    apiVersion: text("api_version"),
    created: integer("created", { mode: "timestamp_ms" }).notNull(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    objectId: text("object_id"),
    objectType: text("object_type"),
    payload: text("payload").notNull(),
    status: text("status", { enum: WEBHOOK_EVENT_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    lastFailedAt: integer("last_failed_at", { mode: "timestamp_ms" }),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    appliedAt: integer("applied_at", { mode: "timestamp_ms" }),
    /** The instance applying it (see claimInboxEvents); free again once the lease expires. */
    claimedBy: text("claimed_by"),
    claimExpiresAt: integer("claim_expires_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    // The worker's queue: only events still to apply, in apply order.
    index("webhook_events_queue")
      .on(t.created, t.id)
      .where(sql`${t.status} in ('pending', 'failed')`),
    index("webhook_events_by_status_received").on(t.status, t.receivedAt),
    index("webhook_events_by_type_received").on(t.type, t.receivedAt),
    index("webhook_events_by_received").on(t.receivedAt, t.id),
    index("webhook_events_by_object").on(t.objectId),
    // max(created): the newest Stripe time we know, which versions objects fetched from the API.
    index("webhook_events_by_created").on(t.created),
    index("webhook_events_recent_failures")
      .on(t.lastFailedAt)
      .where(sql`${t.lastFailedAt} is not null`),
  ],
);

/**
 * Rate-limit hits (failed sign-ins per e-mail and per IP…), one row per counted attempt, so
 * every instance sharing the database sees the same counts.
 */
export const rateLimitHits = sqliteTable(
  "rate_limit_hits",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("rate_limit_hits_by_key").on(t.key, t.at), index("rate_limit_hits_by_at").on(t.at)],
);
