import { boolean, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { StripeRaw } from "../schema/stripe.ts";
import { epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/stripe.ts (schema-lockstep.test.ts keeps them in step).

type Metadata = Record<string, string>;

function mirror() {
  return {
    id: text("id").primaryKey(),
    livemode: boolean("livemode").notNull(),
    stripeCreated: epochMs("stripe_created"),
    raw: jsonb("raw").$type<StripeRaw>().notNull(),
    versionTs: epochMs("version_ts").notNull(),
    versionEventId: text("version_event_id"),
    syncedAt: epochMs("synced_at").notNull(),
    deletedAt: epochMs("deleted_at"),
  };
}

export const stripeCustomers = pgTable(
  "stripe_customers",
  {
    ...mirror(),
    email: text("email"),
    name: text("name"),
    phone: text("phone"),
    balance: int("balance").notNull().default(0),
    currency: text("currency"),
    delinquent: boolean("delinquent"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [index("stripe_customers_by_email").on(t.email)],
);

export const stripeProducts = pgTable(
  "stripe_products",
  {
    ...mirror(),
    name: text("name").notNull(),
    description: text("description"),
    active: boolean("active").notNull(),
    defaultPriceId: text("default_price_id"),
    shippable: boolean("shippable"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [index("stripe_products_by_active").on(t.active)],
);

export const stripePrices = pgTable(
  "stripe_prices",
  {
    ...mirror(),
    productId: text("product_id").notNull(),
    active: boolean("active").notNull(),
    currency: text("currency").notNull(),
    unitAmount: int("unit_amount"),
    type: text("type").notNull(),
    billingScheme: text("billing_scheme"),
    recurringInterval: text("recurring_interval"),
    recurringIntervalCount: int("recurring_interval_count"),
    recurringUsageType: text("recurring_usage_type"),
    lookupKey: text("lookup_key"),
    nickname: text("nickname"),
    taxBehavior: text("tax_behavior"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_prices_by_product").on(t.productId),
    index("stripe_prices_by_lookup_key").on(t.lookupKey),
  ],
);

export const stripeSubscriptions = pgTable(
  "stripe_subscriptions",
  {
    ...mirror(),
    customerId: text("customer_id").notNull(),
    status: text("status").notNull(),
    currency: text("currency").notNull(),
    collectionMethod: text("collection_method"),
    startDate: epochMs("start_date"),
    billingCycleAnchor: epochMs("billing_cycle_anchor"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull(),
    cancelAt: epochMs("cancel_at"),
    canceledAt: epochMs("canceled_at"),
    endedAt: epochMs("ended_at"),
    cancellationReason: text("cancellation_reason"),
    cancellationFeedback: text("cancellation_feedback"),
    cancellationComment: text("cancellation_comment"),
    trialStart: epochMs("trial_start"),
    trialEnd: epochMs("trial_end"),
    pauseBehavior: text("pause_behavior"),
    pauseResumesAt: epochMs("pause_resumes_at"),
    discountIds: jsonb("discount_ids").$type<string[]>(),
    latestInvoiceId: text("latest_invoice_id"),
    defaultPaymentMethodId: text("default_payment_method_id"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_subscriptions_by_customer").on(t.customerId),
    index("stripe_subscriptions_by_status").on(t.status),
  ],
);

/** Items of a subscription; versioned with their subscription (they arrive inside its snapshot).
 * An item missing from a newer snapshot is tombstoned (`deleted_at`). */
export const stripeSubscriptionItems = pgTable(
  "stripe_subscription_items",
  {
    ...mirror(),
    subscriptionId: text("subscription_id").notNull(),
    priceId: text("price_id").notNull(),
    productId: text("product_id").notNull(),
    quantity: int("quantity"),
    unitAmount: int("unit_amount"),
    currency: text("currency").notNull(),
    interval: text("interval"),
    intervalCount: int("interval_count"),
    currentPeriodStart: epochMs("current_period_start").notNull(),
    currentPeriodEnd: epochMs("current_period_end").notNull(),
    discountIds: jsonb("discount_ids").$type<string[]>(),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_subscription_items_by_subscription").on(t.subscriptionId),
    index("stripe_subscription_items_by_price").on(t.priceId),
  ],
);

export const stripeInvoices = pgTable(
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
    amountDue: int("amount_due").notNull(),
    amountPaid: int("amount_paid").notNull(),
    amountRemaining: int("amount_remaining").notNull(),
    subtotal: int("subtotal").notNull(),
    total: int("total").notNull(),
    startingBalance: int("starting_balance").notNull(),
    endingBalance: int("ending_balance"),
    periodStart: epochMs("period_start"),
    periodEnd: epochMs("period_end"),
    dueDate: epochMs("due_date"),
    finalizedAt: epochMs("finalized_at"),
    paidAt: epochMs("paid_at"),
    voidedAt: epochMs("voided_at"),
    attemptCount: int("attempt_count").notNull().default(0),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_invoices_by_customer").on(t.customerId),
    index("stripe_invoices_by_subscription").on(t.subscriptionId),
    index("stripe_invoices_by_status").on(t.status),
  ],
);

/** Lines of an invoice; versioned with their invoice. */
export const stripeInvoiceLineItems = pgTable(
  "stripe_invoice_line_items",
  {
    ...mirror(),
    invoiceId: text("invoice_id").notNull(),
    subscriptionId: text("subscription_id"),
    subscriptionItemId: text("subscription_item_id"),
    priceId: text("price_id"),
    productId: text("product_id"),
    description: text("description"),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    quantity: int("quantity"),
    proration: boolean("proration"),
    periodStart: epochMs("period_start"),
    periodEnd: epochMs("period_end"),
  },
  (t) => [index("stripe_invoice_line_items_by_invoice").on(t.invoiceId)],
);

export const stripeInvoicePayments = pgTable(
  "stripe_invoice_payments",
  {
    ...mirror(),
    invoiceId: text("invoice_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    chargeId: text("charge_id"),
    status: text("status").notNull(),
    isDefault: boolean("is_default").notNull(),
    amountPaid: int("amount_paid"),
    amountRequested: int("amount_requested").notNull(),
    currency: text("currency").notNull(),
    paidAt: epochMs("paid_at"),
    canceledAt: epochMs("canceled_at"),
  },
  (t) => [
    index("stripe_invoice_payments_by_invoice").on(t.invoiceId),
    index("stripe_invoice_payments_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripePaymentIntents = pgTable(
  "stripe_payment_intents",
  {
    ...mirror(),
    customerId: text("customer_id"),
    status: text("status").notNull(),
    amount: int("amount").notNull(),
    amountReceived: int("amount_received").notNull(),
    currency: text("currency").notNull(),
    latestChargeId: text("latest_charge_id"),
    description: text("description"),
    canceledAt: epochMs("canceled_at"),
    cancellationReason: text("cancellation_reason"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_payment_intents_by_customer").on(t.customerId),
    index("stripe_payment_intents_by_status").on(t.status),
  ],
);

export const stripeCharges = pgTable(
  "stripe_charges",
  {
    ...mirror(),
    customerId: text("customer_id"),
    paymentIntentId: text("payment_intent_id"),
    status: text("status").notNull(),
    amount: int("amount").notNull(),
    amountCaptured: int("amount_captured").notNull(),
    amountRefunded: int("amount_refunded").notNull(),
    currency: text("currency").notNull(),
    paid: boolean("paid").notNull(),
    captured: boolean("captured").notNull(),
    refunded: boolean("refunded").notNull(),
    disputed: boolean("disputed").notNull(),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    receiptUrl: text("receipt_url"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_charges_by_customer").on(t.customerId),
    index("stripe_charges_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripeRefunds = pgTable(
  "stripe_refunds",
  {
    ...mirror(),
    chargeId: text("charge_id"),
    paymentIntentId: text("payment_intent_id"),
    status: text("status"),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason"),
    failureReason: text("failure_reason"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_refunds_by_charge").on(t.chargeId),
    index("stripe_refunds_by_payment_intent").on(t.paymentIntentId),
  ],
);

export const stripeDisputes = pgTable(
  "stripe_disputes",
  {
    ...mirror(),
    chargeId: text("charge_id").notNull(),
    paymentIntentId: text("payment_intent_id"),
    status: text("status").notNull(),
    reason: text("reason"),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    isChargeRefundable: boolean("is_charge_refundable"),
    evidenceDueBy: epochMs("evidence_due_by"),
  },
  (t) => [
    index("stripe_disputes_by_charge").on(t.chargeId),
    // An order's payment state looks its disputes up by payment intent or charge.
    index("stripe_disputes_by_payment_intent").on(t.paymentIntentId),
    index("stripe_disputes_by_status").on(t.status),
  ],
);

export const stripeCheckoutSessions = pgTable(
  "stripe_checkout_sessions",
  {
    ...mirror(),
    customerId: text("customer_id"),
    mode: text("mode").notNull(),
    status: text("status"),
    paymentStatus: text("payment_status").notNull(),
    currency: text("currency"),
    amountSubtotal: int("amount_subtotal"),
    amountTotal: int("amount_total"),
    subscriptionId: text("subscription_id"),
    paymentIntentId: text("payment_intent_id"),
    invoiceId: text("invoice_id"),
    clientReferenceId: text("client_reference_id"),
    customerEmail: text("customer_email"),
    expiresAt: epochMs("expires_at"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [
    index("stripe_checkout_sessions_by_customer").on(t.customerId),
    index("stripe_checkout_sessions_by_status").on(t.status),
  ],
);

export const stripeCustomerBalanceTransactions = pgTable(
  "stripe_customer_balance_transactions",
  {
    ...mirror(),
    customerId: text("customer_id").notNull(),
    type: text("type").notNull(),
    amount: int("amount").notNull(),
    currency: text("currency").notNull(),
    endingBalance: int("ending_balance").notNull(),
    description: text("description"),
    invoiceId: text("invoice_id"),
    checkoutSessionId: text("checkout_session_id"),
    metadata: jsonb("metadata").$type<Metadata>(),
  },
  (t) => [index("stripe_customer_balance_transactions_by_customer").on(t.customerId)],
);
