import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { METER_AGGREGATIONS, OVERAGE_MODES, type ApiKeyScope } from "../schema/usage.ts";
import { users } from "./auth.ts";
import { autoId, epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/usage.ts (schema-lockstep.test.ts keeps them in step).

/** A meter from the catalog. Rows stay when a meter leaves the catalog (events point at them). */
export const meters = pgTable("meters", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  /** Singular unit shown beside quantities, e.g. `call`, `token`. */
  unitLabel: text("unit_label").notNull(),
  /** `sum` adds each event's quantity; `count` counts events (quantity is always 1). */
  aggregation: text("aggregation", { enum: METER_AGGREGATIONS }).notNull(),
  /** The Stripe billing meter overage is reported to (set when the catalog push creates it). */
  stripeMeterId: text("stripe_meter_id"),
  archivedAt: epochMs("archived_at"),
  createdAt: epochMs("created_at").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});

/** How much of a meter a plan (catalog product) includes per billing period, and what happens past it. */
export const planAllowances = pgTable(
  "plan_allowances",
  {
    id: autoId(),
    /** The catalog product key of the plan (`folio_key`). */
    productKey: text("product_key").notNull(),
    /** Its Stripe product, which subscription items name; null until the catalog is pushed. */
    stripeProductId: text("stripe_product_id"),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    /** Included quantity per billing period; null is unlimited. */
    included: int("included"),
    overage: text("overage", { enum: OVERAGE_MODES }).notNull(),
    /** For `metered` overage: the Stripe price (usage_type metered) overage is billed through. */
    stripeMeteredPriceId: text("stripe_metered_price_id"),
    updatedAt: epochMs("updated_at").notNull(),
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
export const usageEvents = pgTable(
  "usage_events",
  {
    id: autoId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    quantity: int("quantity").notNull(),
    occurredAt: epochMs("occurred_at").notNull(),
    /** Start of the billing period the event counts in (its usage_counters row). */
    periodStart: epochMs("period_start").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** The API key that reported it; null for usage Folio recorded itself (demo seeding). */
    apiKeyId: text("api_key_id"),
    /** The split: from the period's allowance, from wallet credits, and past both. */
    includedQuantity: int("included_quantity").notNull(),
    creditsQuantity: int("credits_quantity").notNull(),
    overageQuantity: int("overage_quantity").notNull(),
    recordedAt: epochMs("recorded_at").notNull(),
  },
  (t) => [uniqueIndex("usage_events_by_customer_idempotency").on(t.userId, t.idempotencyKey)],
);

/**
 * Usage of one meter by one customer in one billing period, kept in the same transaction as the
 * events, so an entitlement check reads this row instead of summing events. `included` and
 * `overage` are the plan's terms for the period (refreshed when the plan changes mid-period).
 */
export const usageCounters = pgTable(
  "usage_counters",
  {
    id: autoId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    periodStart: epochMs("period_start").notNull(),
    periodEnd: epochMs("period_end").notNull(),
    /** The subscription whose period this is; null for a customer without a plan (calendar month). */
    subscriptionId: text("subscription_id"),
    /** Null: unlimited. */
    included: int("included"),
    overage: text("overage", { enum: OVERAGE_MODES }).notNull(),
    quantity: int("quantity").notNull().default(0),
    includedUsed: int("included_used").notNull().default(0),
    creditsUsed: int("credits_used").notNull().default(0),
    /** Quantity past allowance and credits on a `metered` plan, to be billed through Stripe. */
    overageQuantity: int("overage_quantity").notNull().default(0),
    /** How much of `overage_quantity` has been reported to Stripe as meter events. */
    overageReported: int("overage_reported").notNull().default(0),
    updatedAt: epochMs("updated_at").notNull(),
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
export const usageDaily = pgTable(
  "usage_daily",
  {
    id: autoId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    meterKey: text("meter_key")
      .notNull()
      .references(() => meters.key, { onDelete: "restrict" }),
    /** Midnight UTC starting the day. */
    day: epochMs("day").notNull(),
    quantity: int("quantity").notNull(),
  },
  (t) => [uniqueIndex("usage_daily_by_customer_meter_day").on(t.userId, t.meterKey, t.day)],
);

/** Server-side keys for the usage API. Only a SHA-256 hash of the key is stored. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The key's first characters, shown in lists so staff can tell keys apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: jsonb("scopes").$type<ApiKeyScope[]>().notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: epochMs("created_at").notNull(),
    revokedAt: epochMs("revoked_at"),
    revokedBy: text("revoked_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: epochMs("last_used_at"),
  },
  (t) => [
    uniqueIndex("api_keys_by_secret_hash").on(t.secretHash),
    index("api_keys_by_created").on(t.createdAt, t.id),
  ],
);
