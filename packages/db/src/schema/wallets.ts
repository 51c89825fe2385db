import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth.ts";
import { ACTOR_TYPES } from "./commerce.ts";

// Credit wallets (issue 13): a balance in credits (units, not money) per customer, an append-only
// ledger that explains every change, and the lots that say which grant the unused credits came
// from (for expiry and pack refunds). Rules in packages/billing/src/wallets.

export const WALLET_ENTRY_TYPES = [
  "top_up",
  "grant",
  "debit",
  "usage",
  "expiry",
  "pack_refund",
] as const;
export type WalletEntryType = (typeof WALLET_ENTRY_TYPES)[number];

/** Who moved credits: the audit actors, or an API key reporting usage. */
export const WALLET_ACTOR_TYPES = [...ACTOR_TYPES, "api_key"] as const;
export type WalletActorType = (typeof WALLET_ACTOR_TYPES)[number];

/** The balance, updated in the same transaction as the ledger entry that moves it. */
export const wallets = sqliteTable(
  "wallets",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "restrict" }),
    balance: integer("balance").notNull().default(0),
    /** Units of the last top-up or grant: the yardstick for "credits are low" (null: none yet). */
    lastAdded: integer("last_added"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [check("wallets_balance_not_negative", sql`${t.balance} >= 0`)],
);

/**
 * The ledger. Append-only (triggers on both dialects refuse UPDATE and DELETE); the balance is
 * the sum of `units`. `source_id` names what caused the entry, once: replaying the cause (a
 * duplicated webhook, a retried request) finds the entry and changes nothing.
 */
export const walletEntries = sqliteTable(
  "wallet_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    type: text("type", { enum: WALLET_ENTRY_TYPES }).notNull(),
    /** Signed: positive adds credits, negative removes them. */
    units: integer("units").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    /** For top-ups and grants: when their unused credits expire; null never. */
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    reason: text("reason"),
    actorType: text("actor_type", { enum: WALLET_ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    /** `order_item:<id>`, `usage:<event id>`, `grant:<key>`, `expiry:<lot id>`, `pack_refund:<…>`. */
    sourceId: text("source_id").notNull(),
    /** The order a top-up or pack refund belongs to. */
    orderId: text("order_id"),
    usageEventId: integer("usage_event_id"),
    meterKey: text("meter_key"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("wallet_entries_by_source").on(t.sourceId),
    // A customer's history; everyone's (admin); everyone's of one type.
    index("wallet_entries_by_customer_at").on(t.userId, t.at, t.id),
    index("wallet_entries_by_at").on(t.at, t.id),
    index("wallet_entries_by_type_at").on(t.type, t.at, t.id),
    index("wallet_entries_by_order").on(t.orderId),
  ],
);

/**
 * Credits added by one top-up or grant and how many of them are still unspent. Spending draws
 * the lot that expires first (never-expiring last); expiry and pack refunds remove what is left.
 */
export const walletLots = sqliteTable(
  "wallet_lots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** The ledger entry that added the credits. */
    entryId: integer("entry_id")
      .notNull()
      .references(() => walletEntries.id, { onDelete: "restrict" }),
    units: integer("units").notNull(),
    remaining: integer("remaining").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("wallet_lots_by_entry").on(t.entryId),
    index("wallet_lots_open_by_customer")
      .on(t.userId, t.id)
      .where(sql`${t.remaining} > 0`),
    index("wallet_lots_open_by_expiry")
      .on(t.expiresAt, t.id)
      .where(sql`${t.remaining} > 0 and ${t.expiresAt} is not null`),
    check(
      "wallet_lots_remaining_in_range",
      sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.units}`,
    ),
  ],
);
