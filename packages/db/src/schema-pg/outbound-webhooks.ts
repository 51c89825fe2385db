import { boolean, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { WEBHOOK_DELIVERY_STATUSES } from "../schema/outbound-webhooks.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/outbound-webhooks.ts (schema-lockstep.test.ts keeps them in step).

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    eventTypes: jsonb("event_types").$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: epochMs("previous_secret_expires_at"),
    enabled: boolean("enabled").notNull(),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_by_created").on(t.createdAt, t.id)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: int("attempts").notNull().default(0),
    lastStatusCode: int("last_status_code"),
    lastLatencyMs: int("last_latency_ms"),
    lastError: text("last_error"),
    lastAttemptAt: epochMs("last_attempt_at"),
    nextAttemptAt: epochMs("next_attempt_at"),
    deliveredAt: epochMs("delivered_at"),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_by_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_by_endpoint_created").on(t.endpointId, t.createdAt, t.id),
    index("webhook_deliveries_by_created").on(t.createdAt, t.id),
  ],
);

export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id),
    at: epochMs("at").notNull(),
    statusCode: int("status_code"),
    latencyMs: int("latency_ms").notNull(),
    error: text("error"),
    responseBody: text("response_body"),
  },
  (t) => [index("webhook_delivery_attempts_by_delivery").on(t.deliveryId, t.at)],
);
