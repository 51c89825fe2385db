import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failing", "dead"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * The merchant's own receivers (Make, Zapier, their backend) for Folio's outbound events.
 * `secret` signs every delivery (HMAC-SHA256); after a rotation the previous secret also signs
 * until `previous_secret_expires_at`, so a receiver can switch without losing deliveries.
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: integer("previous_secret_expires_at", { mode: "timestamp_ms" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webhook_endpoints_by_created").on(t.createdAt, t.id)],
);

/**
 * One event for one endpoint (unique: an event reaches an endpoint once however often its cause
 * is replayed). Delivered by a job; `status`/`last_*` summarise its attempts for the log.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastLatencyMs: integer("last_latency_ms"),
    lastError: text("last_error"),
    lastAttemptAt: integer("last_attempt_at", { mode: "timestamp_ms" }),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_by_event_endpoint").on(t.eventId, t.endpointId),
    index("webhook_deliveries_by_endpoint_created").on(t.endpointId, t.createdAt, t.id),
    index("webhook_deliveries_by_created").on(t.createdAt, t.id),
  ],
);

/** Every HTTP attempt of a delivery: response code (null when none came), latency, error. */
export const webhookDeliveryAttempts = sqliteTable(
  "webhook_delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
    /** The first bytes of the receiver's answer, to help debug a refusal. */
    responseBody: text("response_body"),
  },
  (t) => [index("webhook_delivery_attempts_by_delivery").on(t.deliveryId, t.at)],
);
