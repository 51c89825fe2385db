import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Local mirror of the merchant's Stripe account. Every table has the typed columns screens read,
 * the raw JSON of the latest stored version, and the version columns the sync engine's guard
 * uses: `version_ts` is the event's `created` (ms) — or, for objects fetched from the API
 * (`version_event_id` null), the start of a Stripe second no later than the fetch; an event of
 * that same second ties with it and the object is fetched again. `deleted_at` is a tombstone:
 * once set, no snapshot can revive the row.
 * No foreign keys between mirror tables: events arrive in any order.
 */

/** Shape of a stored Stripe object; billing casts it to the SDK type. */
export interface StripeRaw {
  id: string;
  object: string;
  [key: string]: unknown;
}

type Metadata = Record<string, string>;

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

function mirror() {
  return {
    id: text("id").primaryKey(),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    stripeCreated: ts("stripe_created"),
    raw: text("raw", { mode: "json" }).$type<StripeRaw>().notNull(),
    versionTs: ts("version_ts").notNull(),
    versionEventId: text("version_event_id"),
    syncedAt: ts("synced_at").notNull(),
    deletedAt: ts("deleted_at"),
  };
}

export const stripeCustomers = sqliteTable(
  "stripe_customers",
  {
    ...mirror(),
    email: text("email"),
    name: text("name"),
    phone: text("phone"),
    balance: integer("balance").notNull().default(0),
    currency: text("currency"),
    delinquent: integer("delinquent", { mode: "boolean" }),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [index("stripe_customers_by_email").on(t.email)],
);

export const stripeProducts = sqliteTable(
  "stripe_products",
  {
    ...mirror(),
    name: text("name").notNull(),
    description: text("description"),
    active: integer("active", { mode: "boolean" }).notNull(),
    defaultPriceId: text("default_price_id"),
    shippable: integer("shippable", { mode: "boolean" }),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [index("stripe_products_by_active").on(t.active)],
);

export const stripePrices = sqliteTable(
  "stripe_prices",
  {
    ...mirror(),
    productId: text("product_id").notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    currency: text("currency").notNull(),
    unitAmount: integer("unit_amount"),
    type: text("type").notNull(),
    billingScheme: text("billing_scheme"),
    recurringInterval: text("recurring_interval"),
    recurringIntervalCount: integer("recurring_interval_count"),
    recurringUsageType: text("recurring_usage_type"),
    lookupKey: text("lookup_key"),
    nickname: text("nickname"),
    taxBehavior: text("tax_behavior"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_prices_by_product").on(t.productId),
    index("stripe_prices_by_lookup_key").on(t.lookupKey),
  ],
);

export const stripeSubscriptions = sqliteTable(
  "stripe_subscriptions",
  {
    ...mirror(),
    customerId: text("customer_id").notNull(),
    status: text("status").notNull(),
    currency: text("currency").notNull(),
    collectionMethod: text("collection_method"),
    startDate: ts("start_date"),
    billingCycleAnchor: ts("billing_cycle_anchor"),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull(),
    cancelAt: ts("cancel_at"),
    canceledAt: ts("canceled_at"),
    endedAt: ts("ended_at"),
    cancellationReason: text("cancellation_reason"),
    cancellationFeedback: text("cancellation_feedback"),
    cancellationComment: text("cancellation_comment"),
    trialStart: ts("trial_start"),
    trialEnd: ts("trial_end"),
    pauseBehavior: text("pause_behavior"),
    pauseResumesAt: ts("pause_resumes_at"),
    discountIds: text("discount_ids", { mode: "json" }).$type<string[]>(),
    latestInvoiceId: text("latest_invoice_id"),
    defaultPaymentMethodId: text("default_payment_method_id"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_subscriptions_by_customer").on(t.customerId),
    index("stripe_subscriptions_by_status").on(t.status),
  ],
);

/** Items of a subscription; versioned with their subscription (they arrive inside its snapshot).
 * An item missing from a newer snapshot is tombstoned (`deleted_at`). */
export const stripeSubscriptionItems = sqliteTable(
  "stripe_subscription_items",
  {
    ...mirror(),
    subscriptionId: text("subscription_id").notNull(),
    priceId: text("price_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity"),
    unitAmount: integer("unit_amount"),
    currency: text("currency").notNull(),
    interval: text("interval"),
    intervalCount: integer("interval_count"),
    currentPeriodStart: ts("current_period_start").notNull(),
    currentPeriodEnd: ts("current_period_end").notNull(),
    discountIds: text("discount_ids", { mode: "json" }).$type<string[]>(),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_subscription_items_by_subscription").on(t.subscriptionId),
    index("stripe_subscription_items_by_price").on(t.priceId),
  ],
);

export const stripeInvoices = sqliteTable(
  "stripe_invoices",
  {
    ...mirror(),
    customerId: text("customer_id"),
    subscriptionId: text("subscription_id"),
    status: text("status"),
    billingReason: text("billing_reason"),
    collectionMethod: text("collection_method"),
    number: text("number"),
    currency: text("currency").notNull(),
    amountDue: integer("amount_due").notNull(),
    amountPaid: integer("amount_paid").notNull(),
    amountRemaining: integer("amount_remaining").notNull(),
    subtotal: integer("subtotal").notNull(),
    total: integer("total").notNull(),
    startingBalance: integer("starting_balance").notNull(),
    endingBalance: integer("ending_balance"),
    periodStart: ts("period_start"),
    periodEnd: ts("period_end"),
    dueDate: ts("due_date"),
    finalizedAt: ts("finalized_at"),
    paidAt: ts("paid_at"),
    voidedAt: ts("voided_at"),
    attemptCount: integer("attempt_count").notNull().default(0),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_invoices_by_customer").on(t.customerId),
    index("stripe_invoices_by_subscription").on(t.subscriptionId),
    index("stripe_invoices_by_status").on(t.status),
  ],
);

/** Lines of an invoice; versioned with their invoice. */
export const stripeInvoiceLineItems = sqliteTable(
  "stripe_invoice_line_items",
  {
    ...mirror(),
    invoiceId: text("invoice_id").notNull(),
    subscriptionId: text("subscription_id"),
    subscriptionItemId: text("subscription_item_id"),
    priceId: text("price_id"),
    productId: text("product_id"),
    description: text("description"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    quantity: integer("quantity"),
    proration: integer("proration", { mode: "boolean" }),
    periodStart: ts("period_start"),
    periodEnd: ts("period_end"),
  },
  (t) => [index("stripe_invoice_line_items_by_invoice").on(t.invoiceId)],
);

export const stripeInvoicePayments = sqliteTable(
  "stripe_invoice_payments",
  {
    ...mirror(),
    invoiceId: text("invoice_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    chargeId: text("charge_id"),
    status: text("status").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull(),
    amountPaid: integer("amount_paid"),
    amountRequested: integer("amount_requested").notNull(),
    currency: text("currency").notNull(),
    paidAt: ts("paid_at"),
    canceledAt: ts("canceled_at"),
  },
  (t) => [
    index("stripe_invoice_payments_by_invoice").on(t.invoiceId),
    index("stripe_invoice_payments_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripePaymentIntents = sqliteTable(
  "stripe_payment_intents",
  {
    ...mirror(),
    customerId: text("customer_id"),
    status: text("status").notNull(),
    amount: integer("amount").notNull(),
    amountReceived: integer("amount_received").notNull(),
    currency: text("currency").notNull(),
    latestChargeId: text("latest_charge_id"),
    description: text("description"),
    canceledAt: ts("canceled_at"),
    cancellationReason: text("cancellation_reason"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_payment_intents_by_customer").on(t.customerId),
    index("stripe_payment_intents_by_status").on(t.status),
  ],
);

export const stripeCharges = sqliteTable(
  "stripe_charges",
  {
    ...mirror(),
    customerId: text("customer_id"),
    paymentIntentId: text("payment_intent_id"),
    status: text("status").notNull(),
    amount: integer("amount").notNull(),
    amountCaptured: integer("amount_captured").notNull(),
    amountRefunded: integer("amount_refunded").notNull(),
    currency: text("currency").notNull(),
    paid: integer("paid", { mode: "boolean" }).notNull(),
    captured: integer("captured", { mode: "boolean" }).notNull(),
    refunded: integer("refunded", { mode: "boolean" }).notNull(),
    disputed: integer("disputed", { mode: "boolean" }).notNull(),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    receiptUrl: text("receipt_url"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_charges_by_customer").on(t.customerId),
    index("stripe_charges_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripeRefunds = sqliteTable(
  "stripe_refunds",
  {
    ...mirror(),
    chargeId: text("charge_id"),
    paymentIntentId: text("payment_intent_id"),
    status: text("status"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason"),
    failureReason: text("failure_reason"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_refunds_by_charge").on(t.chargeId),
    index("stripe_refunds_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripeDisputes = sqliteTable(
  "stripe_disputes",
  {
    ...mirror(),
    chargeId: text("charge_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    status: text("status").notNull(),
    reason: text("reason"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    isChargeRefundable: integer("is_charge_refundable", { mode: "boolean" }),
    evidenceDueBy: ts("evidence_due_by"),
  },
  (t) => [
    index("stripe_disputes_by_charge").on(t.chargeId),
    // An order's payment state looks its disputes up by payment intent or charge.
    index("stripe_disputes_by_payment_intent").on(t.paymentIntentId),
    index("stripe_disputes_by_status").on(t.status),
  ],
);

export const stripeCheckoutSessions = sqliteTable(
  "stripe_checkout_sessions",
  {
    ...mirror(),
    customerId: text("customer_id"),
    mode: text("mode").notNull(),
    status: text("status"),
    paymentStatus: text("payment_status").notNull(),
    currency: text("currency"),
    amountSubtotal: integer("amount_subtotal"),
    amountTotal: integer("amount_total"),
    subscriptionId: text("subscription_id"),
    paymentIntentId: text("payment_intent_id"),
    invoiceId: text("invoice_id"),
    clientReferenceId: text("client_reference_id"),
    customerEmail: text("customer_email"),
    expiresAt: ts("expires_at"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [
    index("stripe_checkout_sessions_by_customer").on(t.customerId),
    index("stripe_checkout_sessions_by_status").on(t.status),
  ],
);

export const stripeCustomerBalanceTransactions = sqliteTable(
  "stripe_customer_balance_transactions",
  {
    ...mirror(),
    customerId: text("customer_id").notNull(),
    type: text("type").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    endingBalance: integer("ending_balance").notNull(),
    description: text("description"),
    invoiceId: text("invoice_id"),
    checkoutSessionId: text("checkout_session_id"),
    metadata: text("metadata", { mode: "json" }).$type<Metadata>(),
  },
  (t) => [index("stripe_customer_balance_transactions_by_customer").on(t.customerId)],
);
