import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth.ts";

// Money staff move by hand: refunds and credit grants. Each row is Folio's request, created
// before Stripe is called (it reserves the amount and carries the idempotency key Stripe gets),
// then follows Stripe. Above the requester's limit a row waits for a second staff member
// (maker/checker) before anything reaches Stripe.

export const REFUND_STATUSES = [
  "awaiting_approval",
  "rejected",
  "processing",
  "pending",
  "succeeded",
  "failed",
  "canceled",
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Where refunded money goes: back to the card, or onto the customer's Stripe credit balance. */
export const REFUND_DESTINATIONS = ["card", "customer_balance"] as const;
export type RefundDestination = (typeof REFUND_DESTINATIONS)[number];

/** Stripe's refund reasons. */
export const REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    /** Made by the web when the form opens; the same attempt is one refund, however often sent. */
    idempotencyKey: text("idempotency_key").notNull(),
    /** What is refunded: an order, or a paid invoice. */
    orderId: text("order_id"),
    invoiceId: text("invoice_id"),
    paymentIntentId: text("payment_intent_id"),
    chargeId: text("charge_id"),
    stripeCustomerId: text("stripe_customer_id"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    destination: text("destination", { enum: REFUND_DESTINATIONS }).notNull(),
    reason: text("reason", { enum: REFUND_REASONS }).notNull(),
    /** Internal note, never sent to the customer. */
    note: text("note"),
    /** Asked when the order had shipped: did the goods come back? Null when not asked. */
    goodsReturned: integer("goods_returned", { mode: "boolean" }),
    status: text("status", { enum: REFUND_STATUSES }).notNull(),
    failureReason: text("failure_reason"),
    stripeRefundId: text("stripe_refund_id"),
    /** The credit balance transaction, for a refund to the customer's balance. */
    balanceTransactionId: text("balance_transaction_id"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    decisionNote: text("decision_note"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("refunds_by_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("refunds_by_stripe_refund").on(t.stripeRefundId),
    index("refunds_by_order").on(t.orderId),
    index("refunds_by_invoice").on(t.invoiceId),
    index("refunds_by_payment_intent").on(t.paymentIntentId),
    index("refunds_by_customer_created").on(t.stripeCustomerId, t.createdAt),
    index("refunds_by_created").on(t.createdAt),
    index("refunds_by_status_created").on(t.status, t.createdAt),
    // The approvals queue.
    index("refunds_awaiting_approval")
      .on(t.createdAt)
      .where(sql`${t.status} = 'awaiting_approval'`),
  ],
);

export const CREDIT_GRANT_STATUSES = [
  "awaiting_approval",
  "rejected",
  "processing",
  "succeeded",
  "failed",
] as const;
export type CreditGrantStatus = (typeof CREDIT_GRANT_STATUSES)[number];

/**
 * A credit grant (positive `amount`) or debit (negative) on a customer's Stripe credit balance,
 * made as one customer balance transaction. Folio's sign: positive gives the customer money
 * (Stripe's balance transaction carries the opposite sign).
 */
export const creditGrants = sqliteTable(
  "credit_grants",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: CREDIT_GRANT_STATUSES }).notNull(),
    failureReason: text("failure_reason"),
    balanceTransactionId: text("balance_transaction_id"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    decisionNote: text("decision_note"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("credit_grants_by_idempotency_key").on(t.idempotencyKey),
    index("credit_grants_by_customer_created").on(t.stripeCustomerId, t.createdAt),
    index("credit_grants_by_created").on(t.createdAt),
    index("credit_grants_awaiting_approval")
      .on(t.createdAt)
      .where(sql`${t.status} = 'awaiting_approval'`),
  ],
);

/**
 * Console settings staff change at run time (approval limits, …): one JSON value per key, each
 * key's shape checked by packages/billing/src/settings.ts.
 */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).$type<unknown>().notNull(),
  updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});
