import {
  stripeCharges,
  stripeCheckoutSessions,
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  stripeDisputes,
  stripeInvoiceLineItems,
  stripeInvoicePayments,
  stripeInvoices,
  stripePaymentIntents,
  stripePrices,
  stripeProducts,
  stripeRefunds,
  stripeSubscriptionItems,
  stripeSubscriptions,
} from "@folio/db";
import type Stripe from "stripe";
import type { SyncChangeType } from "./hooks.ts";

/** Unix seconds → Date, once, at the sync boundary. */
export const sec = (s: number | null | undefined): Date | null =>
  typeof s === "number" ? new Date(s * 1000) : null;

type Ref = string | { id: string } | null | undefined;
export const idOf = (ref: Ref): string | null =>
  ref == null ? null : typeof ref === "string" ? ref : ref.id;

const meta = (m: Stripe.Metadata | null | undefined) => m ?? null;
const discountIds = (ds: Array<Ref> | null | undefined): string[] =>
  (ds ?? []).map((d) => idOf(d)).filter((d): d is string => d !== null);

export type MirrorKind =
  | "customer"
  | "product"
  | "price"
  | "subscription"
  | "invoice"
  | "invoice_payment"
  | "payment_intent"
  | "charge"
  | "refund"
  | "dispute"
  | "checkout_session"
  | "customer_balance_transaction";

export type ChildKind = "subscription_item" | "invoice_line_item";

export interface ParentRef {
  kind: MirrorKind;
  id: string;
}

/** Any Stripe object as it arrives (typed per kind by the definitions below). */
export type StripeObject = { id: string; object: string; livemode?: boolean; created?: number };

interface KindDef<T> {
  kind: MirrorKind;
  /** The `object` field Stripe uses for this kind. */
  object: string;
  table: (typeof TABLES)[MirrorKind];
  /** Stripe deletes objects of this kind (so a vanished object may be tombstoned). */
  deletable: boolean;
  hookType: SyncChangeType | null;
  columns(o: T): Record<string, unknown>;
  parents(o: T): ParentRef[];
  /** Objects this one changes without Stripe sending an event for them (a dispute flips its
   * charge's `disputed`): re-fetched whenever this object changes. */
  refresh?(o: T): ParentRef[];
  retrieve(stripe: Stripe, id: string, o?: T): Promise<T | null>;
}

const TABLES = {
  customer: stripeCustomers,
  product: stripeProducts,
  price: stripePrices,
  subscription: stripeSubscriptions,
  invoice: stripeInvoices,
  invoice_payment: stripeInvoicePayments,
  payment_intent: stripePaymentIntents,
  charge: stripeCharges,
  refund: stripeRefunds,
  dispute: stripeDisputes,
  checkout_session: stripeCheckoutSessions,
  customer_balance_transaction: stripeCustomerBalanceTransactions,
} as const;

export const CHILD_TABLES = {
  subscription_item: stripeSubscriptionItems,
  invoice_line_item: stripeInvoiceLineItems,
} as const;

/** 404s (and Stripe's `{ deleted: true }` stubs) mean the object is gone. */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    const o = await p;
    if (o && typeof o === "object" && (o as { deleted?: unknown }).deleted === true) return null;
    return o;
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

export function isMissing(e: unknown): boolean {
  const err = e as { statusCode?: number; code?: string } | null;
  return err?.statusCode === 404 || err?.code === "resource_missing";
}

const refs = (...rs: Array<[MirrorKind, Ref]>): ParentRef[] =>
  rs.flatMap(([kind, r]) => {
    const id = idOf(r);
    return id ? [{ kind, id }] : [];
  });

const customer: KindDef<Stripe.Customer> = {
  kind: "customer",
  object: "customer",
  table: TABLES.customer,
  deletable: true,
  hookType: "customer",
  columns: (c) => ({
    email: c.email ?? null,
    name: c.name ?? null,
    phone: c.phone ?? null,
    balance: c.balance ?? 0,
    currency: c.currency ?? null,
    delinquent: c.delinquent ?? null,
    metadata: meta(c.metadata),
  }),
  parents: () => [],
  retrieve: (s, id) => orNull(s.customers.retrieve(id)) as Promise<Stripe.Customer | null>,
};

const product: KindDef<Stripe.Product> = {
  kind: "product",
  object: "product",
  table: TABLES.product,
  deletable: true,
  hookType: null,
  columns: (p) => ({
    name: p.name,
    description: p.description ?? null,
    active: p.active,
    defaultPriceId: idOf(p.default_price),
    shippable: p.shippable ?? null,
    metadata: meta(p.metadata),
  }),
  parents: () => [],
  retrieve: (s, id) => orNull(s.products.retrieve(id)),
};

const price: KindDef<Stripe.Price> = {
  kind: "price",
  object: "price",
  table: TABLES.price,
  deletable: true,
  hookType: null,
  columns: (p) => ({
    productId: idOf(p.product),
    active: p.active,
    currency: p.currency,
    unitAmount: p.unit_amount ?? null,
    type: p.type,
    billingScheme: p.billing_scheme ?? null,
    recurringInterval: p.recurring?.interval ?? null,
    recurringIntervalCount: p.recurring?.interval_count ?? null,
    recurringUsageType: p.recurring?.usage_type ?? null,
    lookupKey: p.lookup_key ?? null,
    nickname: p.nickname ?? null,
    taxBehavior: p.tax_behavior ?? null,
    metadata: meta(p.metadata),
  }),
  parents: (p) => refs(["product", p.product]),
  retrieve: (s, id) => orNull(s.prices.retrieve(id)),
};

const subscription: KindDef<Stripe.Subscription> = {
  kind: "subscription",
  object: "subscription",
  table: TABLES.subscription,
  deletable: false,
  hookType: "subscription",
  columns: (s) => ({
    customerId: idOf(s.customer),
    status: s.status,
    currency: s.currency,
    collectionMethod: s.collection_method ?? null,
    startDate: sec(s.start_date),
    billingCycleAnchor: sec(s.billing_cycle_anchor),
    cancelAtPeriodEnd: s.cancel_at_period_end,
    cancelAt: sec(s.cancel_at),
    canceledAt: sec(s.canceled_at),
    endedAt: sec(s.ended_at),
    cancellationReason: s.cancellation_details?.reason ?? null,
    cancellationFeedback: s.cancellation_details?.feedback ?? null,
    cancellationComment: s.cancellation_details?.comment ?? null,
    trialStart: sec(s.trial_start),
    trialEnd: sec(s.trial_end),
    pauseBehavior: s.pause_collection?.behavior ?? null,
    pauseResumesAt: sec(s.pause_collection?.resumes_at),
    discountIds: discountIds(s.discounts),
    latestInvoiceId: idOf(s.latest_invoice),
    defaultPaymentMethodId: idOf(s.default_payment_method),
    metadata: meta(s.metadata),
  }),
  parents: (s) => [
    ...refs(["customer", s.customer]),
    ...(s.items?.data ?? []).flatMap((i) => refs(["price", i.price])),
  ],
  retrieve: (st, id) => orNull(st.subscriptions.retrieve(id)),
};

export function subscriptionItemColumns(i: Stripe.SubscriptionItem, subscriptionId: string) {
  return {
    subscriptionId: i.subscription ?? subscriptionId,
    priceId: i.price.id,
    productId: idOf(i.price.product) ?? "",
    quantity: i.quantity ?? null,
    unitAmount: i.price.unit_amount ?? null,
    currency: i.price.currency,
    interval: i.price.recurring?.interval ?? null,
    intervalCount: i.price.recurring?.interval_count ?? null,
    currentPeriodStart: sec(i.current_period_start) ?? new Date(0),
    currentPeriodEnd: sec(i.current_period_end) ?? new Date(0),
    discountIds: discountIds(i.discounts),
    metadata: meta(i.metadata),
  };
}

export const invoiceSubscriptionId = (inv: Stripe.Invoice): string | null =>
  idOf(inv.parent?.subscription_details?.subscription);

const invoice: KindDef<Stripe.Invoice> = {
  kind: "invoice",
  object: "invoice",
  table: TABLES.invoice,
  deletable: true,
  hookType: "invoice",
  columns: (i) => ({
    customerId: idOf(i.customer),
    subscriptionId: invoiceSubscriptionId(i),
    status: i.status ?? null,
    billingReason: i.billing_reason ?? null,
    collectionMethod: i.collection_method ?? null,
    number: i.number ?? null,
    currency: i.currency,
    amountDue: i.amount_due,
    amountPaid: i.amount_paid,
    amountRemaining: i.amount_remaining,
    subtotal: i.subtotal,
    total: i.total,
    startingBalance: i.starting_balance ?? 0,
    endingBalance: i.ending_balance ?? null,
    periodStart: sec(i.period_start),
    periodEnd: sec(i.period_end),
    dueDate: sec(i.due_date),
    finalizedAt: sec(i.status_transitions?.finalized_at),
    paidAt: sec(i.status_transitions?.paid_at),
    voidedAt: sec(i.status_transitions?.voided_at),
    attemptCount: i.attempt_count ?? 0,
    hostedInvoiceUrl: i.hosted_invoice_url ?? null,
    metadata: meta(i.metadata),
  }),
  parents: (i) => refs(["customer", i.customer], ["subscription", invoiceSubscriptionId(i)]),
  retrieve: (s, id) => orNull(s.invoices.retrieve(id)),
};

export function invoiceLineColumns(l: Stripe.InvoiceLineItem, invoiceId: string) {
  const sub = l.parent?.subscription_item_details;
  const ii = l.parent?.invoice_item_details;
  const pd = l.pricing?.price_details;
  return {
    invoiceId: l.invoice ?? invoiceId,
    subscriptionId: idOf(l.subscription) ?? sub?.subscription ?? ii?.subscription ?? null,
    subscriptionItemId: sub?.subscription_item ?? null,
    priceId: idOf(pd?.price),
    productId: pd?.product ?? null,
    description: l.description ?? null,
    amount: l.amount,
    currency: l.currency,
    quantity: l.quantity ?? null,
    proration: sub?.proration ?? ii?.proration ?? null,
    periodStart: sec(l.period?.start),
    periodEnd: sec(l.period?.end),
  };
}

const invoicePayment: KindDef<Stripe.InvoicePayment> = {
  kind: "invoice_payment",
  object: "invoice_payment",
  table: TABLES.invoice_payment,
  deletable: false,
  hookType: null,
  columns: (p) => ({
    invoiceId: idOf(p.invoice),
    paymentIntentId: idOf(p.payment?.payment_intent),
    chargeId: idOf(p.payment?.charge),
    status: p.status,
    isDefault: p.is_default,
    amountPaid: p.amount_paid ?? null,
    amountRequested: p.amount_requested,
    currency: p.currency,
    paidAt: sec(p.status_transitions?.paid_at),
    canceledAt: sec(p.status_transitions?.canceled_at),
  }),
  parents: (p) => refs(["invoice", p.invoice]),
  retrieve: (s, id) => orNull(s.invoicePayments.retrieve(id)),
};

const paymentIntent: KindDef<Stripe.PaymentIntent> = {
  kind: "payment_intent",
  object: "payment_intent",
  table: TABLES.payment_intent,
  deletable: false,
  hookType: null,
  columns: (p) => ({
    customerId: idOf(p.customer),
    status: p.status,
    amount: p.amount,
    amountReceived: p.amount_received ?? 0,
    currency: p.currency,
    latestChargeId: idOf(p.latest_charge),
    description: p.description ?? null,
    canceledAt: sec(p.canceled_at),
    cancellationReason: p.cancellation_reason ?? null,
    metadata: meta(p.metadata),
  }),
  parents: (p) => refs(["customer", p.customer]),
  retrieve: (s, id) => orNull(s.paymentIntents.retrieve(id)),
};

const charge: KindDef<Stripe.Charge> = {
  kind: "charge",
  object: "charge",
  table: TABLES.charge,
  deletable: false,
  hookType: "charge",
  columns: (c) => ({
    customerId: idOf(c.customer),
    paymentIntentId: idOf(c.payment_intent),
    status: c.status,
    amount: c.amount,
    amountCaptured: c.amount_captured ?? 0,
    amountRefunded: c.amount_refunded ?? 0,
    currency: c.currency,
    paid: c.paid,
    captured: c.captured,
    refunded: c.refunded,
    disputed: c.disputed ?? false,
    failureCode: c.failure_code ?? null,
    failureMessage: c.failure_message ?? null,
    receiptUrl: c.receipt_url ?? null,
    metadata: meta(c.metadata),
  }),
  parents: (c) => refs(["customer", c.customer]),
  retrieve: (s, id) => orNull(s.charges.retrieve(id)),
};

const refund: KindDef<Stripe.Refund> = {
  kind: "refund",
  object: "refund",
  table: TABLES.refund,
  deletable: false,
  hookType: "refund",
  columns: (r) => ({
    chargeId: idOf(r.charge),
    paymentIntentId: idOf(r.payment_intent),
    status: r.status ?? null,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason ?? null,
    failureReason: r.failure_reason ?? null,
    metadata: meta(r.metadata),
  }),
  parents: (r) => refs(["charge", r.charge]),
  retrieve: (s, id) => orNull(s.refunds.retrieve(id)),
};

const dispute: KindDef<Stripe.Dispute> = {
  kind: "dispute",
  object: "dispute",
  table: TABLES.dispute,
  deletable: false,
  hookType: "dispute",
  columns: (d) => ({
    chargeId: idOf(d.charge),
    paymentIntentId: idOf(d.payment_intent),
    status: d.status,
    reason: d.reason ?? null,
    amount: d.amount,
    currency: d.currency,
    isChargeRefundable: d.is_charge_refundable ?? null,
    evidenceDueBy: sec(d.evidence_details?.due_by),
  }),
  parents: (d) => refs(["charge", d.charge]),
  refresh: (d) => refs(["charge", d.charge]),
  retrieve: (s, id) => orNull(s.disputes.retrieve(id)),
};

const checkoutSession: KindDef<Stripe.Checkout.Session> = {
  kind: "checkout_session",
  object: "checkout.session",
  table: TABLES.checkout_session,
  deletable: false,
  hookType: "checkout.session",
  columns: (c) => ({
    customerId: idOf(c.customer),
    mode: c.mode,
    status: c.status ?? null,
    paymentStatus: c.payment_status,
    currency: c.currency ?? null,
    amountSubtotal: c.amount_subtotal ?? null,
    amountTotal: c.amount_total ?? null,
    subscriptionId: idOf(c.subscription),
    paymentIntentId: idOf(c.payment_intent),
    invoiceId: idOf(c.invoice),
    clientReferenceId: c.client_reference_id ?? null,
    customerEmail: c.customer_details?.email ?? c.customer_email ?? null,
    expiresAt: sec(c.expires_at),
    metadata: meta(c.metadata),
  }),
  parents: (c) => refs(["customer", c.customer], ["subscription", c.subscription]),
  retrieve: (s, id) => orNull(s.checkout.sessions.retrieve(id)),
};

const customerBalanceTransaction: KindDef<Stripe.CustomerBalanceTransaction> = {
  kind: "customer_balance_transaction",
  object: "customer_balance_transaction",
  table: TABLES.customer_balance_transaction,
  deletable: false,
  hookType: "customer_balance_transaction",
  columns: (t) => ({
    customerId: idOf(t.customer),
    type: t.type,
    amount: t.amount,
    currency: t.currency,
    endingBalance: t.ending_balance,
    description: t.description ?? null,
    invoiceId: idOf(t.invoice),
    checkoutSessionId: idOf(t.checkout_session),
    metadata: meta(t.metadata),
  }),
  parents: (t) => refs(["customer", t.customer]),
  retrieve: async (s, id, o) => {
    const cus = idOf(o?.customer);
    return cus ? orNull(s.customers.retrieveBalanceTransaction(cus, id)) : null;
  },
};

// The definitions are heterogeneous; the engine only handles them through StripeObject.
export const KINDS: Record<MirrorKind, KindDef<StripeObject>> = {
  customer,
  product,
  price,
  subscription,
  invoice,
  invoice_payment: invoicePayment,
  payment_intent: paymentIntent,
  charge,
  refund,
  dispute,
  checkout_session: checkoutSession,
  customer_balance_transaction: customerBalanceTransaction,
};

export { TABLES };
