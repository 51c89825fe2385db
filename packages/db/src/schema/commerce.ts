import { relations, sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./auth.ts";

// Folio's own records, derived from Stripe events (see packages/billing/src/records). Stripe ids
// are text; money is integer minor units beside its currency; times are epoch ms.

/** One Stripe customer per Folio user and one user per Stripe customer. */
export const billingCustomers = sqliteTable(
  "billing_customers",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "restrict" }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("billing_customers_by_stripe_customer").on(t.stripeCustomerId)],
);

export const ORDER_PAYMENT_STATES = ["paid", "partially_refunded", "refunded", "disputed"] as const;
export type OrderPaymentState = (typeof ORDER_PAYMENT_STATES)[number];

export const SHIPPING_STATUSES = [
  "pending",
  "picking",
  "packed",
  "shipped",
  "delivered",
  "canceled",
] as const;
export type ShippingStatus = (typeof SHIPPING_STATUSES)[number];

/** A paid checkout session in payment mode. Exactly one per session. */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    checkoutSessionId: text("checkout_session_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    stripeCustomerId: text("stripe_customer_id"),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    email: text("email"),
    currency: text("currency").notNull(),
    amountSubtotal: integer("amount_subtotal").notNull(),
    amountDiscount: integer("amount_discount").notNull(),
    amountShipping: integer("amount_shipping").notNull(),
    amountTax: integer("amount_tax").notNull(),
    amountTotal: integer("amount_total").notNull(),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    paymentState: text("payment_state", { enum: ORDER_PAYMENT_STATES }).notNull(),
    /** Status of the latest dispute on the payment, if any (Stripe's dispute status). */
    disputeStatus: text("dispute_status"),
    /**
     * The order's shipping task status, null when nothing ships. Kept equal to
     * shipping_tasks.status by triggers (the `shipping_queue` migrations) whoever writes the task,
     * so the orders list filters and sorts on one table and one index at a million orders.
     */
    fulfilmentState: text("fulfilment_state", { enum: SHIPPING_STATUSES }),
    requiresShipping: integer("requires_shipping", { mode: "boolean" }).notNull(),
    shippingName: text("shipping_name"),
    shippingPhone: text("shipping_phone"),
    shippingLine1: text("shipping_line1"),
    shippingLine2: text("shipping_line2"),
    shippingCity: text("shipping_city"),
    shippingState: text("shipping_state"),
    shippingPostalCode: text("shipping_postal_code"),
    shippingCountry: text("shipping_country"),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    /** When the customer paid (the checkout session's completion as Stripe reported it). */
    placedAt: integer("placed_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
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

export const orderItems = sqliteTable(
  "order_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** Stripe line item id (`li_…`). */
    lineItemId: text("line_item_id").notNull(),
    priceId: text("price_id"),
    productId: text("product_id"),
    lookupKey: text("lookup_key"),
    description: text("description").notNull(),
    quantity: integer("quantity").notNull(),
    currency: text("currency").notNull(),
    unitAmount: integer("unit_amount"),
    amountSubtotal: integer("amount_subtotal").notNull(),
    amountDiscount: integer("amount_discount").notNull(),
    amountTax: integer("amount_tax").notNull(),
    amountTotal: integer("amount_total").notNull(),
    requiresShipping: integer("requires_shipping", { mode: "boolean" }).notNull(),
    /** Credits this line grants in total (credit packs: `folio_credits` × quantity). */
    creditsGranted: integer("credits_granted").notNull().default(0),
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
export const shippingTasks = sqliteTable(
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
    packedAt: integer("packed_at", { mode: "timestamp_ms" }),
    shippedAt: integer("shipped_at", { mode: "timestamp_ms" }),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    pickingAt: integer("picking_at", { mode: "timestamp_ms" }),
    assignedAt: integer("assigned_at", { mode: "timestamp_ms" }),
    canceledAt: integer("canceled_at", { mode: "timestamp_ms" }),
    /** Why the task was canceled (a refund before shipping, or staff's words). */
    cancelReason: text("cancel_reason"),
    /** Notes for whoever packs the order (gift wrap, fragile, …); shown on the packing slip. */
    notes: text("notes"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
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
export const creditLedger = sqliteTable(
  "credit_ledger",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    balanceTransactionId: text("balance_transaction_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    endingBalance: integer("ending_balance").notNull(),
    /** Stripe's balance transaction type, e.g. adjustment, applied_to_invoice, credit_note. */
    reason: text("reason").notNull(),
    description: text("description"),
    invoiceId: text("invoice_id"),
    creditNoteId: text("credit_note_id"),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    eventId: text("event_id"),
    recordedAt: integer("recorded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("credit_ledger_by_balance_transaction").on(t.balanceTransactionId),
    index("credit_ledger_by_customer_occurred").on(t.stripeCustomerId, t.occurredAt),
  ],
);

export interface SubscriptionHistoryItem {
  subscriptionItemId: string;
  priceId: string;
  productId: string;
  quantity: number;
  /** Per-unit amount in minor units; null for tiered/metered prices without a flat unit amount. */
  unitAmount: number | null;
  interval: string;
  intervalCount: number;
  /** Stripe's `recurring.usage_type`; metered items bill usage, which is not MRR. Absent on rows
   * written before it was recorded (read as licensed). */
  usageType?: "licensed" | "metered";
}

export interface SubscriptionHistoryDiscount {
  id: string;
  couponId: string | null;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: string | null;
  end: number | null;
}

/**
 * Every material change of a subscription, when Stripe made it — the same whatever order the
 * events came in (records/subscription-history.ts rebuilds it). Revenue metrics read this: the
 * state at time T is the last row with effective_at ≤ T (same second: the highest id).
 */
export const subscriptionHistory = sqliteTable(
  "subscription_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subscriptionId: text("subscription_id").notNull(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /** Event that carried the change; null for a change found by backfill/fetch. */
    eventId: text("event_id"),
    eventType: text("event_type").notNull(),
    status: text("status").notNull(),
    currency: text("currency").notNull(),
    items: text("items", { mode: "json" }).$type<SubscriptionHistoryItem[]>().notNull(),
    /** Interval of the subscription's items (Stripe requires one billing interval per subscription). */
    interval: text("interval"),
    intervalCount: integer("interval_count"),
    discounts: text("discounts", { mode: "json" }).$type<SubscriptionHistoryDiscount[]>().notNull(),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull(),
    cancelAt: integer("cancel_at", { mode: "timestamp_ms" }),
    canceledAt: integer("canceled_at", { mode: "timestamp_ms" }),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
    trialEnd: integer("trial_end", { mode: "timestamp_ms" }),
    paused: integer("paused", { mode: "boolean" }).notNull(),
    /** The subscription's MRR (minor units of `currency`) in this state, by metrics/mrr.ts's
     * subscriptionMrr at `effective_at` with the default recognition settings. */
    mrr: integer("mrr").notNull().default(0),
    /** sha256 of the material fields above; equal fingerprints mean nothing material changed. */
    fingerprint: text("fingerprint").notNull(),
    effectiveAt: integer("effective_at", { mode: "timestamp_ms" }).notNull(),
    recordedAt: integer("recorded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("subscription_history_by_subscription_event").on(t.subscriptionId, t.eventId),
    index("subscription_history_by_subscription").on(t.subscriptionId, t.id),
    index("subscription_history_by_effective").on(t.effectiveAt),
    // A customer's subscriptions' history, for recomputing its MRR movements.
    index("subscription_history_by_customer").on(t.stripeCustomerId, t.effectiveAt),
  ],
);

export const ACTOR_TYPES = ["customer", "staff", "sync", "operator", "job"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Who did what to which object, written in the same transaction as the action. Append-only:
 * a trigger on both dialects refuses UPDATE and DELETE.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    /** User id (customer/staff), event id (sync), OS user (operator) or job name. */
    actorId: text("actor_id"),
    /** Dotted verb, e.g. `staff.disabled`, `order.created`. */
    action: text("action").notNull(),
    /** `<type>:<id>` of the object acted on, e.g. `user:usr_…`, `order:ord_…`. */
    target: text("target").notNull(),
    before: text("before", { mode: "json" }).$type<Record<string, unknown>>(),
    after: text("after", { mode: "json" }).$type<Record<string, unknown>>(),
    reason: text("reason"),
    ip: text("ip"),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("audit_log_by_target").on(t.target, t.at),
    index("audit_log_by_actor").on(t.actorType, t.actorId, t.at),
    index("audit_log_by_at").on(t.at),
  ],
);

export const billingCustomersRelations = relations(billingCustomers, ({ one }) => ({
  user: one(users, { fields: [billingCustomers.userId], references: [users.id] }),
}));
export const ordersRelations = relations(orders, ({ one, many }) => ({
  user: one(users, { fields: [orders.userId], references: [users.id] }),
  items: many(orderItems),
  shippingTask: one(shippingTasks, {
    fields: [orders.id],
    references: [shippingTasks.orderId],
  }),
}));
export const orderItemsRelations = relations(orderItems, ({ one }) => ({
  order: one(orders, { fields: [orderItems.orderId], references: [orders.id] }),
}));
export const shippingTasksRelations = relations(shippingTasks, ({ one }) => ({
  order: one(orders, { fields: [shippingTasks.orderId], references: [orders.id] }),
}));
