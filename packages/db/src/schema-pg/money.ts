import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  CREDIT_GRANT_STATUSES,
  REFUND_DESTINATIONS,
  REFUND_REASONS,
  REFUND_STATUSES,
} from "../schema/money.ts";
import { users } from "./auth.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/money.ts (schema-lockstep.test.ts keeps them in step).
// Money staff move by hand: refunds and credit grants. Each row is Folio's request, created
// before Stripe is called (it reserves the amount and carries the idempotency key Stripe gets),
// then follows Stripe. Above the requester's limit a row waits for a second staff member
// (maker/checker) before anything reaches Stripe.

export const refunds = pgTable(
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
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    destination: text("destination", { enum: REFUND_DESTINATIONS }).notNull(),
    reason: text("reason", { enum: REFUND_REASONS }).notNull(),
    /** Internal note, never sent to the customer. */
    note: text("note"),
    /** Asked when the order had shipped: did the goods come back? Null when not asked. */
    goodsReturned: boolean("goods_returned"),
    status: text("status", { enum: REFUND_STATUSES }).notNull(),
    failureReason: text("failure_reason"),
    stripeRefundId: text("stripe_refund_id"),
    /** The credit balance transaction, for a refund to the customer's balance. */
    balanceTransactionId: text("balance_transaction_id"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: epochMs("decided_at"),
    decisionNote: text("decision_note"),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
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

/**
 * A credit grant (positive `amount`) or debit (negative) on a customer's Stripe credit balance,
 * made as one customer balance transaction. Folio's sign: positive gives the customer money
 * (Stripe's balance transaction carries the opposite sign).
 */
export const creditGrants = pgTable(
  "credit_grants",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: CREDIT_GRANT_STATUSES }).notNull(),
    failureReason: text("failure_reason"),
    balanceTransactionId: text("balance_transaction_id"),
    requestedBy: text("requested_by").references(() => users.id, { onDelete: "set null" }),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: epochMs("decided_at"),
    decisionNote: text("decision_note"),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
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
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: epochMs("updated_at").notNull(),
});
