import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { WEBHOOK_EVENT_STATUSES } from "../schema/webhooks.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/webhooks.ts (schema-lockstep.test.ts keeps them in step).

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    apiVersion: text("api_version"),
    created: epochMs("created").notNull(),
    livemode: boolean("livemode").notNull(),
    objectId: text("object_id"),
    objectType: text("object_type"),
    payload: text("payload").notNull(),
    status: text("status", { enum: WEBHOOK_EVENT_STATUSES }).notNull(),
    attempts: int("attempts").notNull().default(0),
    nextAttemptAt: epochMs("next_attempt_at"),
    lastError: text("last_error"),
    lastFailedAt: epochMs("last_failed_at"),
    receivedAt: epochMs("received_at").notNull(),
    appliedAt: epochMs("applied_at"),
    claimedBy: text("claimed_by"),
    claimExpiresAt: epochMs("claim_expires_at"),
  },
  (t) => [
    index("webhook_events_queue")
      .on(t.created, t.id)
      .where(sql`${t.status} in ('pending', 'failed')`),
    index("webhook_events_by_status_received").on(t.status, t.receivedAt),
    index("webhook_events_by_type_received").on(t.type, t.receivedAt),
    index("webhook_events_by_received").on(t.receivedAt, t.id),
    index("webhook_events_by_object").on(t.objectId),
    index("webhook_events_by_created").on(t.created),
    index("webhook_events_recent_failures")
      .on(t.lastFailedAt)
      .where(sql`${t.lastFailedAt} is not null`),
  ],
);

export const rateLimitHits = pgTable(
  "rate_limit_hits",
  {
    id: text("id").primaryKey(),
    key: text("key").notNull(),
    at: epochMs("at").notNull(),
  },
  (t) => [index("rate_limit_hits_by_key").on(t.key, t.at), index("rate_limit_hits_by_at").on(t.at)],
);
