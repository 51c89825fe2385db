import type Stripe from "stripe";

// Stripe objects shaped like the API's (field names and types checked against the SDK's types;
// optional nesting allowed so the builders stay readable). Sizes match what Stripe sends: a
// customer is ~1.5 KB of JSON, a subscription ~5 KB, an invoice ~7 KB.

type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

const sdk =
  <T>() =>
  (o: DeepPartial<T>): T =>
    o as T;

export const API_VERSION = "2026-10-28.endive";

/** Deterministic PRNG (mulberry32) so every run generates the same events. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export function ids(r: Rng) {
  return (prefix: string, n = 24) => {
    let s = "";
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(r.next() * ALNUM.length)];
    return `${prefix}_${s}`;
  };
}

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Donald", "Frances"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Perlman", "Knuth"];
const CITIES = [
  ["Portland", "OR", "97201"],
  ["Austin", "TX", "73301"],
  ["Denver", "CO", "80202"],
  ["Madison", "WI", "53703"],
  ["Burlington", "VT", "05401"],
] as const;

export const product = sdk<Stripe.Product>();
export const price = sdk<Stripe.Price>();
export const customer = sdk<Stripe.Customer>();
export const subscription = sdk<Stripe.Subscription>();
export const invoice = sdk<Stripe.Invoice>();
export const invoicePayment = sdk<Stripe.InvoicePayment>();
export const paymentIntent = sdk<Stripe.PaymentIntent>();
export const charge = sdk<Stripe.Charge>();

export function makeProduct(id: string, name: string, tier: string, created: number) {
  return product({
    id,
    object: "product",
    active: true,
    created,
    updated: created,
    default_price: null,
    description: `${name} plan`,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: { folio_managed: "true", folio_key: id, folio_kind: "plan", folio_plan_tier: tier },
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    url: null,
  });
}

export function makePrice(
  id: string,
  productId: string,
  unitAmount: number,
  interval: "month" | "year",
  created: number,
) {
  return price({
    id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: id,
    metadata: { folio_managed: "true" },
    nickname: null,
    product: productId,
    recurring: {
      interval,
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  });
}

export function makeCustomer(r: Rng, id: string, n: number, created: number) {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const [city, state, postal] = r.pick(CITIES);
  return customer({
    id,
    object: "customer",
    address: {
      city,
      country: "US",
      line1: `${r.int(1, 9999)} Main Street`,
      line2: null,
      postal_code: postal,
      state,
    },
    balance: 0,
    created,
    currency: "usd",
    default_source: null,
    delinquent: false,
    description: null,
    email: `${first.toLowerCase()}.${last.toLowerCase()}.${n}@example.com`,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: { folio_user_id: `usr_bench_${n}` },
    name: `${first} ${last}`,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: ["en-US"],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  });
}

export interface SubItemSpec {
  itemId: string;
  price: Stripe.Price;
  quantity: number;
}

export function makeSubscription(args: {
  id: string;
  customer: string;
  created: number;
  status: Stripe.Subscription.Status;
  items: SubItemSpec[];
  periodStart: number;
  periodEnd: number;
  trialStart: number | null;
  trialEnd: number | null;
  latestInvoice: string | null;
  defaultPaymentMethod: string | null;
  canceledAt?: number | null;
}) {
  return subscription({
    id: args.id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: args.trialEnd ?? args.created,
    billing_cycle_anchor_config: null,
    billing_mode: { type: "flexible", flexible: { proration_discounts: "included" } },
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: args.canceledAt ?? null,
    cancellation_details: {
      comment: null,
      feedback: null,
      reason: args.canceledAt ? "cancellation_requested" : null,
    },
    collection_method: "charge_automatically",
    created: args.created,
    currency: "usd",
    customer: args.customer,
    days_until_due: null,
    default_payment_method: args.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: args.canceledAt ?? null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: args.items.map((i) => ({
        id: i.itemId,
        object: "subscription_item",
        billing_thresholds: null,
        created: args.created,
        current_period_end: args.periodEnd,
        current_period_start: args.periodStart,
        discounts: [],
        metadata: {},
        price: i.price,
        quantity: i.quantity,
        subscription: args.id,
        tax_rates: [],
      })),
      has_more: false,
      url: `/v1/subscription_items?subscription=${args.id}`,
    },
    latest_invoice: args.latestInvoice,
    livemode: false,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: args.created,
    status: args.status,
    test_clock: null,
    transfer_data: null,
    trial_end: args.trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: args.trialStart,
  });
}

const productId = (p: Stripe.Price): string =>
  typeof p.product === "string" ? p.product : p.product.id;

export function makeInvoice(args: {
  id: string;
  customer: Stripe.Customer;
  subscription: string;
  items: SubItemSpec[];
  created: number;
  periodStart: number;
  periodEnd: number;
  status: Stripe.Invoice.Status;
  number: string | null;
  finalizedAt: number | null;
  paidAt: number | null;
  billingReason: Stripe.Invoice.BillingReason;
  trial: boolean;
}) {
  const lines = args.items.map((i) => {
    const amount = args.trial ? 0 : (i.price.unit_amount ?? 0) * i.quantity;
    return {
      id: `il_${i.itemId.slice(3)}${args.id.slice(-6)}`,
      object: "line_item" as const,
      amount,
      currency: "usd",
      description: `${i.quantity} × ${productId(i.price)} (at $${((i.price.unit_amount ?? 0) / 100).toFixed(2)} / ${i.price.recurring?.interval ?? "month"})`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: args.id,
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_item_details" as const,
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: args.subscription,
          subscription_item: i.itemId,
        },
      },
      period: { end: args.periodEnd, start: args.periodStart },
      pretax_credit_amounts: [],
      pricing: {
        type: "price_details" as const,
        price_details: { price: i.price.id, product: productId(i.price) },
        unit_amount_decimal: String(i.price.unit_amount ?? 0) as unknown as Stripe.Decimal,
      },
      quantity: i.quantity,
      subtotal: amount,
      taxes: [],
    };
  });
  const total = lines.reduce((a, l) => a + l.amount, 0);
  const paid = args.status === "paid";
  const c = args.customer;
  return invoice({
    id: args.id,
    object: "invoice",
    account_country: "US",
    account_name: "Quire",
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: paid ? total : 0,
    amount_remaining: paid ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: paid && total > 0 ? 1 : 0,
    attempted: paid,
    auto_advance: !paid,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: args.billingReason,
    collection_method: "charge_automatically",
    created: args.created,
    currency: "usd",
    custom_fields: null,
    customer: c.id,
    customer_address: c.address ?? null,
    customer_email: c.email ?? null,
    customer_name: c.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: args.finalizedAt,
    ending_balance: args.finalizedAt ? 0 : null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: args.finalizedAt
      ? `https://invoice.stripe.com/i/acct_bench/test_${args.id.slice(3)}`
      : null,
    invoice_pdf: args.finalizedAt
      ? `https://pay.stripe.com/invoice/acct_bench/test_${args.id.slice(3)}/pdf`
      : null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${args.id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: paid ? null : args.created + 3600,
    number: args.number,
    on_behalf_of: null,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { metadata: {}, subscription: args.subscription },
    },
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: args.periodEnd,
    period_start: args.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: args.status,
    status_transitions: {
      finalized_at: args.finalizedAt,
      marked_uncollectible_at: null,
      paid_at: args.paidAt,
      voided_at: null,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: args.created,
  });
}

export function makePaymentIntent(args: {
  id: string;
  customer: string;
  amount: number;
  created: number;
  status: Stripe.PaymentIntent.Status;
  latestCharge: string | null;
  paymentMethod: string;
  description: string;
}) {
  const succeeded = args.status === "succeeded";
  return paymentIntent({
    id: args.id,
    object: "payment_intent",
    amount: args.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: succeeded ? args.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: `${args.id}_secret_${args.id.slice(3, 27)}`,
    confirmation_method: "automatic",
    created: args.created,
    currency: "usd",
    customer: args.customer,
    description: args.description,
    last_payment_error: null,
    latest_charge: args.latestCharge,
    livemode: false,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: args.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: {
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: "automatic",
      },
    },
    payment_method_types: ["card"],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: "off_session",
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: args.status,
    transfer_data: null,
    transfer_group: null,
  });
}

export function makeCharge(args: {
  id: string;
  customer: Stripe.Customer;
  paymentIntent: string;
  amount: number;
  created: number;
  paymentMethod: string;
  balanceTransaction: string;
}) {
  const c = args.customer;
  return charge({
    id: args.id,
    object: "charge",
    amount: args.amount,
    amount_captured: args.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: args.balanceTransaction,
    billing_details: {
      address: c.address ?? null,
      email: c.email ?? null,
      name: c.name ?? null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "QUIRE",
    captured: true,
    created: args.created,
    currency: "usd",
    customer: c.id,
    description: "Subscription update",
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      risk_score: 32,
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: args.paymentIntent,
    payment_method: args.paymentMethod,
    payment_method_details: {
      type: "card",
      card: {
        amount_authorized: args.amount,
        brand: "visa",
        checks: {
          address_line1_check: "pass",
          address_postal_code_check: "pass",
          cvc_check: "pass",
        },
        country: "US",
        exp_month: 12,
        exp_year: 2030,
        fingerprint: "Xt5EWLLDS7FJjR1c",
        funding: "credit",
        last4: "4242",
        network: "visa",
        network_token: { used: false },
        three_d_secure: null,
        wallet: null,
      },
    },
    receipt_email: c.email ?? null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${args.id.slice(3)}`,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  });
}

export function makeInvoicePayment(args: {
  id: string;
  invoice: string;
  paymentIntent: string;
  amount: number;
  created: number;
}) {
  return invoicePayment({
    id: args.id,
    object: "invoice_payment",
    amount_paid: args.amount,
    amount_requested: args.amount,
    created: args.created,
    currency: "usd",
    invoice: args.invoice,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: args.paymentIntent },
    status: "paid",
    status_transitions: { canceled_at: null, paid_at: args.created },
  });
}
