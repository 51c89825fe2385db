import { sql } from "drizzle-orm";
import { check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { WALLET_ACTOR_TYPES, WALLET_ENTRY_TYPES } from "../schema/wallets.ts";
import { users } from "./auth.ts";
import { autoId, epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/wallets.ts (schema-lockstep.test.ts keeps them in step);
// wallet_entries refuses UPDATE and DELETE here too (its migration).

/** The balance, updated in the same transaction as the ledger entry that moves it. */
export const wallets = pgTable(
  "wallets",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "restrict" }),
    balance: int("balance").notNull().default(0),
    /** Units of the last top-up or grant: the yardstick for "credits are low" (null: none yet). */
    lastAdded: int("last_added"),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [check("wallets_balance_not_negative", sql`${t.balance} >= 0`)],
);

/**
 * The ledger. Append-only (triggers on both dialects refuse UPDATE and DELETE); the balance is
 * the sum of `units`. `source_id` names what caused the entry, once: replaying the cause (a
 * duplicated webhook, a retried request) finds the entry and changes nothing.
 */
export const walletEntries = pgTable(
  "wallet_entries",
  {
    id: autoId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    type: text("type", { enum: WALLET_ENTRY_TYPES }).notNull(),
    /** Signed: positive adds credits, negative removes them. */
    units: int("units").notNull(),
    balanceAfter: int("balance_after").notNull(),
    /** For top-ups and grants: when their unused credits expire; null never. */
    expiresAt: epochMs("expires_at"),
    reason: text("reason"),
    actorType: text("actor_type", { enum: WALLET_ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    /** `order_item:<id>`, `usage:<event id>`, `grant:<key>`, `expiry:<lot id>`, `pack_refund:<…>`. */
    sourceId: text("source_id").notNull(),
    /** The order a top-up or pack refund belongs to. */
    orderId: text("order_id"),
    usageEventId: int("usage_event_id"),
    meterKey: text("meter_key"),
    at: epochMs("at").notNull(),
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
export const walletLots = pgTable(
  "wallet_lots",
  {
    id: autoId(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** The ledger entry that added the credits. */
    entryId: int("entry_id")
      .notNull()
      .references(() => walletEntries.id, { onDelete: "restrict" }),
    units: int("units").notNull(),
    remaining: int("remaining").notNull(),
    expiresAt: epochMs("expires_at"),
    createdAt: epochMs("created_at").notNull(),
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
