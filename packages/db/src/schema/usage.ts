import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth.ts";

// Metered usage (issue 13): what the catalog says a plan includes, what the merchant's backend
// reported through the usage API, and the per-period counters entitlement checks read. Rules in
// packages/billing/src/usage.

export const METER_AGGREGATIONS = ["sum", "count"] as const;
export type MeterAggregation = (typeof METER_AGGREGATIONS)[number];

/** What happens past a plan's included quantity: refuse, draw wallet credits, or bill through Stripe. */
export const OVERAGE_MODES = ["blocked", "credits", "metered"] as const;
export type OverageMode = (typeof OVERAGE_MODES)[number];

/** A meter from the catalog. Rows stay when a meter leaves the catalog (events point at them). */
export const meters = sqliteTable("meters", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  /** Singular unit shown beside quantities, e.g. `call`, `token`. */
  unitLabel: text("unit_label").notNull(),
  /** `sum` adds each event's quantity; `count` counts events (quantity is always 1). */
  aggregation: text("aggregation", { enum: METER_AGGREGATIONS }).notNull(),
  /** The Stripe billing meter overage is reported to (set when the catalog push creates it). */
  stripeMeterId: text("stripe_meter_id"),
  archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** How much of a meter a plan (catalog product) includes per billing period, and what happens past it. */
export const planAllowances = sqliteTable(
  "plan_allowances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The catalog product key of the plan (`folio_key`). */
    productKey: text("product_key").notNull(),
    /** Its Stripe product, which subscription items name; null until the catalog is pushed. */
    stripeProductId: text("stripe_product_id"),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    /** Included quantity per billing period; null is unlimited. */
    included: integer("included"),
    overage: text("overage", { enum: OVERAGE_MODES }).notNull(),
    /** For `metered` overage: the Stripe price (usage_type metered) overage is billed through. */
    stripeMeteredPriceId: text("stripe_metered_price_id"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("plan_allowances_by_product_meter").on(t.productKey, t.meterKey),
    index("plan_allowances_by_stripe_product").on(t.stripeProductId),
  ],
);

/**
 * One accepted usage event, with how it was drawn down. The idempotency key is unique per
 * customer, so a replay (same key, any API key) changes nothing.
 */
export const usageEvents = sqliteTable(
  "usage_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    quantity: integer("quantity").notNull(),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    /** Start of the billing period the event counts in (its usage_counters row). */
    periodStart: integer("period_start", { mode: "timestamp_ms" }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** The API key that reported it; null for usage Folio recorded itself (demo seeding). */
    apiKeyId: text("api_key_id"),
    /** The split: from the period's allowance, from wallet credits, and past both. */
    includedQuantity: integer("included_quantity").notNull(),
    creditsQuantity: integer("credits_quantity").notNull(),
    overageQuantity: integer("overage_quantity").notNull(),
    recordedAt: integer("recorded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("usage_events_by_customer_idempotency").on(t.userId, t.idempotencyKey)],
);

/**
 * Usage of one meter by one customer in one billing period, kept in the same transaction as the
 * events, so an entitlement check reads this row instead of summing events. `included` and
 * `overage` are the plan's terms for the period (refreshed when the plan changes mid-period).
 */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    periodStart: integer("period_start", { mode: "timestamp_ms" }).notNull(),
    periodEnd: integer("period_end", { mode: "timestamp_ms" }).notNull(),
    /** The subscription whose period this is; null for a customer without a plan (calendar month). */
    subscriptionId: text("subscription_id"),
    /** Null: unlimited. */
    included: integer("included"),
    overage: text("overage", { enum: OVERAGE_MODES }).notNull(),
    quantity: integer("quantity").notNull().default(0),
    includedUsed: integer("included_used").notNull().default(0),
    creditsUsed: integer("credits_used").notNull().default(0),
    /** Quantity past allowance and credits on a `metered` plan, to be billed through Stripe. */
    overageQuantity: integer("overage_quantity").notNull().default(0),
    /** How much of `overage_quantity` has been reported to Stripe as meter events. */
    overageReported: integer("overage_reported").notNull().default(0),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("usage_counters_by_customer_meter_period").on(t.userId, t.meterKey, t.periodStart),
    // The overage reporter's queue: counters with overage Stripe has not heard about yet.
    index("usage_counters_overage_unreported")
      .on(t.periodEnd, t.id)
      .where(sql`${t.overageQuantity} > ${t.overageReported}`),
  ],
);

/** Usage per customer, meter and UTC day, for the usage charts (kept with the events). */
export const usageDaily = sqliteTable(
  "usage_daily",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    /** Midnight UTC starting the day. */
    day: integer("day", { mode: "timestamp_ms" }).notNull(),
    quantity: integer("quantity").notNull(),
  },
  (t) => [uniqueIndex("usage_daily_by_customer_meter_day").on(t.userId, t.meterKey, t.day)],
);

export const API_KEY_SCOPES = ["usage:write", "entitlements:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Server-side keys for the usage API. Only a SHA-256 hash of the key is stored. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The key's first characters, shown in lists so staff can tell keys apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<ApiKeyScope[]>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    revokedBy: text("revoked_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("api_keys_by_secret_hash").on(t.secretHash),
    index("api_keys_by_created").on(t.createdAt, t.id),
  ],
);
