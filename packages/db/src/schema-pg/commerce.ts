import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  ACTOR_TYPES,
  ORDER_PAYMENT_STATES,
  SHIPPING_STATUSES,
  type SubscriptionHistoryDiscount,
  type SubscriptionHistoryItem,
} from "../schema/commerce.ts";
import { users } from "./auth.ts";
import { autoId, epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/commerce.ts (schema-lockstep.test.ts keeps them in step). Tables
// with an `autoId` get the identity-fill trigger; audit_log also refuses UPDATE and DELETE
// (migrations/postgres/0001_audit_append_only_and_identity_fill.sql).

/** One Stripe customer per Folio user and one user per Stripe customer. */
export const billingCustomers = pgTable(
  "billing_customers",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "restrict" }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [uniqueIndex("billing_customers_by_stripe_customer").on(t.stripeCustomerId)],
);

/** A paid checkout session in payment mode. Exactly one per session. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    checkoutSessionId: text("checkout_session_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    stripeCustomerId: text("stripe_customer_id"),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    email: text("email"),
    currency: text("currency").notNull(),
    amountSubtotal: int("amount_subtotal").notNull(),
    amountDiscount: int("amount_discount").notNull(),
    amountShipping: int("amount_shipping").notNull(),
    amountTax: int("amount_tax").notNull(),
    amountTotal: int("amount_total").notNull(),
    amountRefunded: int("amount_refunded").notNull().default(0),
    paymentState: text("payment_state", { enum: ORDER_PAYMENT_STATES }).notNull(),
    /** Status of the latest dispute on the payment, if any (Stripe's dispute status). */
    disputeStatus: text("dispute_status"),
    /**
     * The order's shipping task status, null when nothing ships. Kept equal to
     * shipping_tasks.status by triggers (the `shipping_queue` migrations) whoever writes the task,
     * so the orders list filters and sorts on one table and one index at a million orders.
     */
    fulfilmentState: text("fulfilment_state", { enum: SHIPPING_STATUSES }),
    requiresShipping: boolean("requires_shipping").notNull(),
    shippingName: text("shipping_name"),
    shippingPhone: text("shipping_phone"),
    shippingLine1: text("shipping_line1"),
    shippingLine2: text("shipping_line2"),
    shippingCity: text("shipping_city"),
    shippingState: text("shipping_state"),
    shippingPostalCode: text("shipping_postal_code"),
    shippingCountry: text("shipping_country"),
    livemode: boolean("livemode").notNull(),
    /** When the customer paid (the checkout session's completion as Stripe reported it). */
    placedAt: epochMs("placed_at").notNull(),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("orders_by_checkout_session").on(t.checkoutSessionId),
    index("orders_by_payment_intent").on(t.paymentIntentId),
    index("orders_by_user_placed").on(t.userId, t.placedAt),
    // The admin orders list: newest first (id breaks ties), one index per filter it pages on.
    index("orders_by_placed_id").on(t.placedAt, t.id),
    index("orders_by_fulfilment_placed").on(t.fulfilmentState, t.placedAt, t.id),
    index("orders_by_payment_state_placed").on(t.paymentState, t.placedAt, t.id),
    index("orders_by_amount").on(t.amountTotal, t.id),
    // Search: Stripe customer id exactly, e-mail and ship-to name by case-insensitive prefix.
    index("orders_by_stripe_customer").on(t.stripeCustomerId),
    index("orders_by_email_lower").on(sql`lower(${t.email})`),
    index("orders_by_shipping_name_lower").on(sql`lower(${t.shippingName})`),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    id: autoId(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** Stripe line item id (`li_…`). */
    lineItemId: text("line_item_id").notNull(),
    priceId: text("price_id"),
    productId: text("product_id"),
    lookupKey: text("lookup_key"),
    description: text("description").notNull(),
    quantity: int("quantity").notNull(),
    currency: text("currency").notNull(),
    unitAmount: int("unit_amount"),
    amountSubtotal: int("amount_subtotal").notNull(),
    amountDiscount: int("amount_discount").notNull(),
    amountTax: int("amount_tax").notNull(),
    amountTotal: int("amount_total").notNull(),
    requiresShipping: boolean("requires_shipping").notNull(),
    /** Credits this line grants in total (credit packs: `folio_credits` × quantity). */
    creditsGranted: int("credits_granted").notNull().default(0),
    /** What the product grants, copied from its metadata at purchase time. */
    productKind: text("product_kind"),
    deliverable: text("deliverable"),
  },
  (t) => [
    uniqueIndex("order_items_by_order_line").on(t.orderId, t.lineItemId),
    // The orders list's product filter.
    index("order_items_by_product").on(t.productId, t.orderId),
  ],
);

/**
 * Fulfilment work for an order with physical items: pending → picking → packed → shipped →
 * delivered, or canceled before it ships (rules in packages/billing/src/admin/fulfilment).
 */
export const shippingTasks = pgTable(
  "shipping_tasks",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status", { enum: SHIPPING_STATUSES }).notNull().default("pending"),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    trackingUrl: text("tracking_url"),
    assignedTo: text("assigned_to").references(() => users.id, { onDelete: "set null" }),
    packedAt: epochMs("packed_at"),
    shippedAt: epochMs("shipped_at"),
    deliveredAt: epochMs("delivered_at"),
    pickingAt: epochMs("picking_at"),
    assignedAt: epochMs("assigned_at"),
    canceledAt: epochMs("canceled_at"),
    /** Why the task was canceled (a refund before shipping, or staff's words). */
    cancelReason: text("cancel_reason"),
    /** Notes for whoever packs the order (gift wrap, fragile, …); shown on the packing slip. */
    notes: text("notes"),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("shipping_tasks_by_order").on(t.orderId),
    // The fulfilment queue by state, oldest first; and one person's tasks.
    index("shipping_tasks_by_status_created").on(t.status, t.createdAt, t.id),
    index("shipping_tasks_by_assignee").on(t.assignedTo, t.status, t.createdAt),
  ],
);

/**
 * Customer balance movements, one row per Stripe customer balance transaction. `amount` keeps
 * Stripe's sign: negative is credit granted to the customer, positive is debit (e.g. credit
 * applied to an invoice).
 */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: autoId(),
    balanceTransactionId: text("balance_transaction_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    endingBalance: int("ending_balance").notNull(),
    /** Stripe's balance transaction type, e.g. adjustment, applied_to_invoice, credit_note. */
    reason: text("reason").notNull(),
    description: text("description"),
    invoiceId: text("invoice_id"),
    creditNoteId: text("credit_note_id"),
    occurredAt: epochMs("occurred_at").notNull(),
    eventId: text("event_id"),
    recordedAt: epochMs("recorded_at").notNull(),
  },
  (t) => [
    uniqueIndex("credit_ledger_by_balance_transaction").on(t.balanceTransactionId),
    index("credit_ledger_by_customer_occurred").on(t.stripeCustomerId, t.occurredAt),
  ],
);

/**
 * Every material change of a subscription, when Stripe made it — the same whatever order the
 * events came in (records/subscription-history.ts rebuilds it). Revenue metrics read this: the
 * state at time T is the last row with effective_at ≤ T (same second: the highest id).
 */
export const subscriptionHistory = pgTable(
  "subscription_history",
  {
    id: autoId(),
    subscriptionId: text("subscription_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /** Event that carried the change; null for a change found by backfill/fetch. */
    eventId: text("event_id"),
    eventType: text("event_type").notNull(),
    status: text("status").notNull(),
    currency: text("currency").notNull(),
    items: jsonb("items").$type<SubscriptionHistoryItem[]>().notNull(),
    /** Interval of the subscription's items (Stripe requires one billing interval per subscription). */
    interval: text("interval"),
    intervalCount: int("interval_count"),
    discounts: jsonb("discounts").$type<SubscriptionHistoryDiscount[]>().notNull(),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull(),
    cancelAt: epochMs("cancel_at"),
    canceledAt: epochMs("canceled_at"),
    endedAt: epochMs("ended_at"),
    trialEnd: epochMs("trial_end"),
    paused: boolean("paused").notNull(),
    /** The subscription's MRR (minor units of `currency`) in this state, by metrics/mrr.ts's
     * subscriptionMrr at `effective_at` with the default recognition settings. */
    mrr: int("mrr").notNull().default(0),
    /** sha256 of the material fields above; equal fingerprints mean nothing material changed. */
    fingerprint: text("fingerprint").notNull(),
    effectiveAt: epochMs("effective_at").notNull(),
    recordedAt: epochMs("recorded_at").notNull(),
  },
  (t) => [
    uniqueIndex("subscription_history_by_subscription_event").on(t.subscriptionId, t.eventId),
    index("subscription_history_by_subscription").on(t.subscriptionId, t.id),
    index("subscription_history_by_effective").on(t.effectiveAt),
    // A customer's subscriptions' history, for recomputing its MRR movements.
    index("subscription_history_by_customer").on(t.stripeCustomerId, t.effectiveAt),
  ],
);

/**
 * Who did what to which object, written in the same transaction as the action. Append-only:
 * a trigger on both dialects refuses UPDATE and DELETE.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: autoId(),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    /** User id (customer/staff), event id (sync), OS user (operator) or job name. */
    actorId: text("actor_id"),
    /** Dotted verb, e.g. `staff.disabled`, `order.created`. */
    action: text("action").notNull(),
    /** `<type>:<id>` of the object acted on, e.g. `user:usr_…`, `order:ord_…`. */
    target: text("target").notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    reason: text("reason"),
    ip: text("ip"),
    at: epochMs("at").notNull(),
  },
  (t) => [
    index("audit_log_by_target").on(t.target, t.at),
    index("audit_log_by_actor").on(t.actorType, t.actorId, t.at),
    index("audit_log_by_at").on(t.at),
  ],
);
