import type Stripe from "stripe";
import { ApiError, cardError, invalidRequest } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { mustGet, previousAttributes } from "../core/util.ts";
import { couponDiscount } from "../resources/coupons.ts";
import { adjustCustomerBalance } from "../resources/customers.ts";
import { formatMoney } from "../resources/shared.ts";
import { minimumCharge } from "../services/payments.ts";
import { activeDiscounts } from "./discounts.ts";
import {
  awaitIntent,
  chargeCustomer,
  invoiceHooksForIntents,
  type ChargeOutcome,
} from "./payments.ts";

/**
 * Invoices: building drafts from lines, finalizing (number, hosted URLs, customer balance),
 * collecting payment and the terminal transitions (paid, void, uncollectible). Subscription
 * logic reacts to payment outcomes through `invoiceHooks` so this module has no dependency
 * on it.
 */

export interface LineInput {
  amount: number;
  description: string;
  period: { start: number; end: number };
  price?: Stripe.Price | null;
  quantity?: number | null;
  proration?: boolean;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoiceItem?: string | null;
  discountable?: boolean;
  metadata?: Record<string, string>;
}

export interface DraftInput {
  customer: Stripe.Customer;
  currency: string;
  lines: LineInput[];
  billingReason: Stripe.Invoice.BillingReason;
  subscription?: Stripe.Subscription | null;
  collectionMethod?: Stripe.Invoice.CollectionMethod;
  daysUntilDue?: number | null;
  defaultPaymentMethod?: string | null;
  /** Discount ids (`di_…`) to apply; defaults to the subscription's and customer's. */
  discounts?: string[];
  periodStart?: number;
  periodEnd?: number;
  autoAdvance?: boolean;
  description?: string | null;
  metadata?: Record<string, string>;
  /** Pull pending invoice items of the customer (and subscription) into this invoice. */
  includePendingItems?: boolean;
  prorationDate?: number;
  /** When the draft will be finalized automatically (renewals: an hour after creation). */
  finalizesAt?: number | null;
}

export interface InvoicePrivate {
  /** Payment intent of the latest attempt (for `confirmation_secret`). */
  paymentIntent?: string | null;
  /** Seconds after the first failure at which retries are scheduled. */
  firstFailureAt?: number | null;
  retryIndex?: number;
}

export const invoiceHooks: {
  onPaid: ((ctx: Ctx, invoice: Stripe.Invoice) => void)[];
  onPaymentFailed: ((ctx: Ctx, invoice: Stripe.Invoice, outcome: ChargeOutcome | null) => void)[];
  onActionRequired: ((ctx: Ctx, invoice: Stripe.Invoice) => void)[];
  /** `next_payment_attempt` after a failed attempt (`retry`: it was an automatic retry). */
  nextAttempt?: (ctx: Ctx, invoice: Stripe.Invoice, retry: boolean) => number | null;
} = { onPaid: [], onPaymentFailed: [], onActionRequired: [] };

export function clockOf(object: { test_clock?: unknown }): string | null {
  const c = object.test_clock;
  if (typeof c === "string") return c;
  if (c && typeof c === "object" && typeof (c as { id?: unknown }).id === "string")
    return (c as { id: string }).id;
  return null;
}

export function idOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string")
    return (value as { id: string }).id;
  return "";
}

export function getInvoice(ctx: Ctx, id: string, param = "invoice"): Stripe.Invoice {
  return mustGet<Stripe.Invoice>(ctx, "invoice", id, param);
}

export function productName(ctx: Ctx, price: Stripe.Price): string {
  const product = ctx.store.get<{ name?: string }>(idOf(price.product));
  return product?.name ?? idOf(price.product);
}

export function priceLabel(ctx: Ctx, price: Stripe.Price): string {
  const amount = formatMoney(price.unit_amount ?? 0, price.currency);
  const r = price.recurring;
  const every = r
    ? r.interval_count > 1
      ? ` every ${r.interval_count} ${r.interval}s`
      : ` / ${r.interval}`
    : "";
  return `${productName(ctx, price)} (at ${amount}${every})`;
}

export function itemDescription(ctx: Ctx, price: Stripe.Price, quantity: number): string {
  return `${quantity} × ${priceLabel(ctx, price)}`;
}

export function trialDescription(ctx: Ctx, price: Stripe.Price): string {
  return `Trial period for ${productName(ctx, price)}`;
}

function buildLine(
  ctx: Ctx,
  invoiceId: string | null,
  currency: string,
  l: LineInput,
): Stripe.InvoiceLineItem {
  const price = l.price ?? null;
  const parent: Stripe.InvoiceLineItem.Parent = l.subscriptionItem
    ? {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: l.invoiceItem ?? null,
          proration: l.proration ?? false,
          proration_details: { credited_items: null },
          subscription: l.subscription ?? null,
          subscription_item: l.subscriptionItem,
        },
      }
    : {
        type: "invoice_item_details",
        subscription_item_details: null,
        invoice_item_details: {
          invoice_item: l.invoiceItem ?? "",
          proration: l.proration ?? false,
          proration_details: { credited_items: null },
          subscription: l.subscription ?? null,
        },
      };
  return {
    id: invoiceId ? ctx.ids.id("il") : ctx.ids.id("il_tmp"),
    object: "line_item",
    amount: l.amount,
    currency,
    description: l.description,
    discount_amounts: [],
    discountable: l.discountable ?? true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: l.metadata ?? {},
    parent,
    period: l.period,
    pretax_credit_amounts: [],
    pricing: price
      ? {
          type: "price_details",
          price_details: { price: price.id, product: idOf(price.product) },
          unit_amount_decimal: price.unit_amount_decimal,
        }
      : null,
    quantity: l.quantity ?? null,
    quantity_decimal: l.quantity != null ? (String(l.quantity) as unknown as Stripe.Decimal) : null,
    subscription: l.subscription ?? null,
    subtotal: l.amount,
    taxes: [],
  };
}

/**
 * Recomputes discounts and totals from the lines. Percent coupons take their share of each
 * discountable line; amount coupons are spread over the lines in proportion, with the
 * rounding remainder on the largest line.
 */
export function computeTotals(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  const lines = invoice.lines.data.map((l) => ({
    ...l,
    discount_amounts: [] as Stripe.InvoiceLineItem.DiscountAmount[],
    discounts: [] as string[],
  }));
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const totalDiscounts: Stripe.Invoice.TotalDiscountAmount[] = [];
  let remaining = lines.filter((l) => l.discountable).reduce((s, l) => s + l.amount, 0);
  for (const discountId of invoice.discounts.map(idOf)) {
    // Previews pass coupon ids where a stored invoice has discount objects.
    const found = ctx.store.get<Stripe.Discount | Stripe.Coupon>(discountId);
    const couponId =
      found?.object === "discount"
        ? idOf(found.source.coupon)
        : found?.object === "coupon"
          ? found.id
          : "";
    const coupon = couponId ? ctx.store.get<Stripe.Coupon>(couponId) : undefined;
    if (!coupon || remaining <= 0) {
      totalDiscounts.push({ amount: 0, discount: discountId });
      continue;
    }
    const base = remaining;
    const off = Math.min(remaining, couponDiscount(coupon, base, invoice.currency));
    remaining -= off;
    totalDiscounts.push({ amount: off, discount: discountId });
    const eligible = lines.filter((l) => l.discountable && l.amount > 0);
    const positive = eligible.reduce((s, l) => s + l.amount, 0);
    let allotted = 0;
    eligible.forEach((l, i) => {
      const share =
        i === eligible.length - 1 ? off - allotted : Math.floor((off * l.amount) / positive);
      allotted += share;
      l.discount_amounts.push({ amount: share, discount: discountId });
      l.discounts.push(discountId);
    });
  }
  const discountTotal = totalDiscounts.reduce((s, d) => s + d.amount, 0);
  const total = subtotal - discountTotal;
  const next: Stripe.Invoice = {
    ...invoice,
    lines: { ...invoice.lines, data: lines },
    subtotal,
    subtotal_excluding_tax: subtotal,
    total,
    total_excluding_tax: total,
    total_discount_amounts: totalDiscounts,
  };
  if (next.status === "draft") {
    next.amount_due = Math.max(0, total);
    next.amount_remaining = next.amount_due;
  }
  return next;
}

/** Pending invoice items (not yet on an invoice) of a customer, optionally one subscription. */
export function pendingInvoiceItems(
  ctx: Ctx,
  customer: string,
  subscription?: string | null,
): Stripe.InvoiceItem[] {
  return ctx.store
    .list<Stripe.InvoiceItem>("invoiceitem", {
      customer,
      where: (ii) =>
        ii.invoice === null &&
        (ii as { deleted?: boolean }).deleted !== true &&
        (subscription === undefined ||
          (ii.parent?.subscription_details?.subscription ?? null) === (subscription ?? null)),
    })
    .reverse();
}

export function invoiceItemToLine(ii: Stripe.InvoiceItem, price: Stripe.Price | null): LineInput {
  const sub = ii.parent?.subscription_details ?? null;
  return {
    amount: ii.amount,
    description: ii.description ?? "",
    period: ii.period,
    price,
    quantity: ii.quantity,
    proration: ii.proration,
    subscription: sub?.subscription ?? null,
    subscriptionItem: sub?.subscription_item ?? null,
    invoiceItem: ii.id,
    discountable: ii.discountable,
    metadata: ii.metadata ?? {},
  };
}

function priceOfItem(ctx: Ctx, ii: Stripe.InvoiceItem): Stripe.Price | null {
  const priceId = ii.pricing?.price_details ? idOf(ii.pricing.price_details.price) : "";
  return priceId ? (ctx.store.get<Stripe.Price>(priceId) ?? null) : null;
}

/**
 * Builds an invoice object (not stored). `id: null` gives a preview (`createPreview`,
 * `invoice.upcoming`), whose lines carry `il_tmp_` ids like Stripe's.
 */
export function buildInvoice(
  ctx: Ctx,
  input: DraftInput,
  options: { preview?: boolean; pending?: Stripe.InvoiceItem[] } = {},
): Stripe.Invoice {
  const { customer, subscription } = input;
  const clockId = clockOf(customer);
  const now = ctx.clockNow(clockId);
  const id = options.preview ? null : ctx.ids.id("in");
  const pending =
    options.pending ??
    (input.includePendingItems
      ? pendingInvoiceItems(ctx, customer.id, subscription ? subscription.id : undefined)
      : []);
  const lineInputs = [
    ...pending.map((ii) => invoiceItemToLine(ii, priceOfItem(ctx, ii))),
    ...input.lines,
  ];
  const lines = lineInputs.map((l) => buildLine(ctx, id, input.currency, l));
  const discounts =
    input.discounts ??
    activeDiscounts(ctx, subscription?.discounts.map(idOf) ?? [], now).map((d) => d.id);
  const collection =
    input.collectionMethod ?? subscription?.collection_method ?? "charge_automatically";
  const periodStart = input.periodStart ?? now;
  const periodEnd = input.periodEnd ?? now;
  const invoice = {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "Stripe Emulator",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance ?? true,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: input.finalizesAt ?? null,
    billing_reason: input.billingReason,
    collection_method: collection,
    created: now,
    currency: input.currency,
    custom_fields: customer.invoice_settings?.custom_fields ?? null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping
      ? {
          address: customer.shipping.address,
          carrier: null,
          name: customer.shipping.name,
          phone: customer.shipping.phone ?? null,
          tracking_number: null,
        }
      : null,
    customer_tax_exempt: customer.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: input.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts,
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: customer.invoice_settings?.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      url: `/v1/invoices/${id ?? "upcoming"}/lines`,
    },
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: subscription
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: {
            metadata: subscription.metadata,
            subscription: subscription.id,
            ...(input.prorationDate !== undefined
              ? { subscription_proration_date: input.prorationDate }
              : {}),
          },
        }
      : null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: periodEnd,
    period_start: periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: clockId,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  } as unknown as Stripe.Invoice;
  if (collection === "send_invoice") {
    const days = input.daysUntilDue ?? subscription?.days_until_due ?? 30;
    invoice.due_date = now + days * 86_400;
  }
  const totals = computeTotals(ctx, invoice);
  if (options.preview) {
    // A preview shows the customer balance it would consume.
    const balance = customer.balance;
    totals.starting_balance = balance;
    totals.amount_due = Math.max(0, totals.total + balance);
    totals.amount_remaining = totals.amount_due;
    totals.ending_balance = balance + totals.total - totals.amount_due;
  }
  return totals;
}

/** Creates and stores a draft invoice, claims pending invoice items, emits `invoice.created`. */
export function createDraftInvoice(ctx: Ctx, input: DraftInput): Stripe.Invoice {
  const pending = input.includePendingItems
    ? pendingInvoiceItems(
        ctx,
        input.customer.id,
        input.subscription ? input.subscription.id : undefined,
      )
    : [];
  const invoice = buildInvoice(ctx, input, { pending });
  ctx.store.insert(invoice);
  for (const ii of pending) ctx.store.update({ ...ii, invoice: invoice.id });
  ctx.emit("invoice.created", invoice);
  return invoice;
}

function nextNumber(ctx: Ctx, customerId: string): string {
  const customer = mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  const seq = customer.next_invoice_sequence ?? 1;
  // Stripe bumps the sequence silently (no customer.updated).
  ctx.store.update({ ...customer, next_invoice_sequence: seq + 1 });
  return `${customer.invoice_prefix ?? "EMU"}-${String(seq).padStart(4, "0")}`;
}

function save(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  ctx.store.update(invoice);
  return invoice;
}

/**
 * draft → open: number, hosted page and PDF URLs, the customer balance applied. A $0
 * invoice is paid on the spot (`invoice.finalized`, `invoice.paid`, `invoice.payment_succeeded`).
 */
export function finalizeInvoice(
  ctx: Ctx,
  draft: Stripe.Invoice,
  options: { autoAdvance?: boolean } = {},
): Stripe.Invoice {
  if (draft.status !== "draft") {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const clockId = clockOf(draft);
  const now = ctx.clockNow(clockId);
  const customerId = idOf(draft.customer);
  let invoice = computeTotals(ctx, draft);
  const customer = mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  const balance = customer.balance;
  // A credit (negative balance) reduces what is due, a debt adds to it; a negative total
  // leaves its credit on the balance. Less than the currency's minimum charge is not charged:
  // the invoice is paid and the amount moves to the balance as a debit for the next invoice.
  const owed = Math.max(0, invoice.total + balance);
  const amountDue = owed < minimumCharge(draft.currency) ? 0 : owed;
  const endingBalance = balance + invoice.total - amountDue;
  // A subscription's send_invoice invoice is due `days_until_due` after it is finalized.
  const subId = idOf(invoice.parent?.subscription_details?.subscription);
  const sub = subId ? ctx.store.getTyped<Stripe.Subscription>("subscription", subId) : undefined;
  if (invoice.collection_method === "send_invoice" && sub?.days_until_due != null) {
    invoice = { ...invoice, due_date: now + sub.days_until_due * 86_400 };
  }
  invoice = {
    ...invoice,
    status: "open",
    number: nextNumber(ctx, customerId),
    hosted_invoice_url: `${ctx.baseUrl}/i/${invoice.id}`,
    invoice_pdf: `${ctx.baseUrl}/i/${invoice.id}/pdf`,
    effective_at: now,
    starting_balance: balance,
    ending_balance: endingBalance,
    amount_due: amountDue,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
    auto_advance: options.autoAdvance ?? invoice.auto_advance ?? true,
    automatically_finalizes_at: null,
    next_payment_attempt: null,
  };
  invoice.amount_remaining = invoice.amount_due;
  if (
    invoice.collection_method === "charge_automatically" &&
    invoice.amount_due > 0 &&
    invoice.auto_advance
  )
    invoice.next_payment_attempt = now;
  save(ctx, invoice);
  const move = endingBalance - balance;
  if (move !== 0) {
    adjustCustomerBalance(ctx, customerId, {
      amount: move,
      currency: invoice.currency,
      type: "applied_to_invoice",
      invoice: invoice.id,
      description: null,
    });
  }
  ctx.emit("invoice.finalized", invoice);
  if (invoice.amount_due === 0) return markPaid(ctx, invoice, null, { outOfBand: false });
  if (invoice.collection_method === "send_invoice") {
    // Stripe emails a subscription's invoice when it finalizes; nothing leaves the emulator.
    if (invoice.auto_advance) ctx.emit("invoice.sent", invoice);
    if (invoice.due_date !== null) {
      ctx.schedule({
        id: `billing.overdue:${invoice.id}`,
        kind: "billing.overdue",
        runAt: Math.max(invoice.due_date, now),
        clockId,
        payload: { invoice: invoice.id },
      });
    }
  }
  return invoice;
}

function createInvoicePayment(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  amount: number,
  outcome: ChargeOutcome | null,
): Stripe.InvoicePayment {
  const now = ctx.clockNow(clockOf(invoice));
  const payment: Stripe.InvoicePayment.Payment = outcome?.paymentIntent
    ? { type: "payment_intent", payment_intent: outcome.paymentIntent }
    : outcome?.charge
      ? { type: "charge", charge: outcome.charge }
      : { type: "payment_record", payment_record: ctx.ids.id("prec") };
  const record: Stripe.InvoicePayment = {
    id: ctx.ids.id("inpay"),
    object: "invoice_payment",
    amount_paid: amount,
    amount_requested: amount,
    created: now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment,
    status: "paid",
    status_transitions: { canceled_at: null, paid_at: now },
  };
  ctx.store.insert(record);
  return record;
}

/** open → paid. Emits `invoice.updated`, `invoice_payment.paid`, `invoice.paid`, `invoice.payment_succeeded`. */
export function markPaid(
  ctx: Ctx,
  given: Stripe.Invoice,
  outcome: ChargeOutcome | null,
  options: { outOfBand: boolean; countAttempt?: boolean },
): Stripe.Invoice {
  // Idempotent: a payment intent that succeeded already paid its invoice through the
  // payment-intent hook, so a caller holding a stale copy must not pay it twice.
  const open = ctx.store.getTyped<Stripe.Invoice>("invoice", given.id) ?? given;
  if (open.status !== "open") return open;
  const now = ctx.clockNow(clockOf(open));
  const counted = options.countAttempt ?? outcome !== null;
  const amount = open.amount_remaining;
  const next: Stripe.Invoice = {
    ...open,
    status: "paid",
    amount_paid: open.amount_paid + amount,
    amount_remaining: 0,
    attempted: open.attempted || counted,
    attempt_count: open.attempt_count + (counted ? 1 : 0),
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...open.status_transitions, paid_at: now },
  };
  if (options.outOfBand) next.amount_paid_off_stripe = amount;
  save(ctx, next);
  const prev = previousAttributes(open, next);
  if (outcome && prev) ctx.emit("invoice.updated", next, prev);
  if (!options.outOfBand) {
    const record = createInvoicePayment(ctx, next, amount, outcome);
    ctx.emit("invoice_payment.paid", record);
  }
  ctx.emit("invoice.paid", next);
  if (!options.outOfBand) ctx.emit("invoice.payment_succeeded", next);
  for (const hook of invoiceHooks.onPaid) hook(ctx, next);
  return next;
}

/** The payment method an automatic attempt uses: invoice, then subscription, then customer default. */
export function paymentMethodFor(ctx: Ctx, invoice: Stripe.Invoice): string | null {
  if (invoice.default_payment_method) return idOf(invoice.default_payment_method);
  const subId = invoice.parent?.subscription_details
    ? idOf(invoice.parent.subscription_details.subscription)
    : "";
  if (subId) {
    const sub = ctx.store.get<Stripe.Subscription>(subId);
    if (sub?.default_payment_method) return idOf(sub.default_payment_method);
  }
  const customer = ctx.store.get<Stripe.Customer>(idOf(invoice.customer));
  const pm = customer?.invoice_settings?.default_payment_method;
  return pm ? idOf(pm) : null;
}

export interface AttemptResult {
  invoice: Stripe.Invoice;
  outcome: ChargeOutcome | null;
}

/**
 * Charges an open invoice once. Success → paid; a decline → stays open with the attempt
 * counted and `invoice.payment_failed`; authentication → `invoice.payment_action_required`.
 */
export function attemptPayment(
  ctx: Ctx,
  open: Stripe.Invoice,
  options: {
    paymentMethod?: string | null;
    offSession: boolean;
    returnUrl?: string;
    /** An automatic retry of the dunning schedule (it moves the schedule on). */
    retry?: boolean;
  },
): AttemptResult {
  if (open.status !== "open") return { invoice: open, outcome: null };
  if (open.amount_remaining === 0)
    return { invoice: markPaid(ctx, open, null, { outOfBand: false }), outcome: null };
  const pm = options.paymentMethod ?? paymentMethodFor(ctx, open);
  let outcome: ChargeOutcome;
  if (!pm) {
    outcome = {
      status: "failed",
      paymentIntent: null,
      charge: null,
      message: "The customer has no default payment method to pay this invoice.",
    };
  } else {
    outcome = chargeCustomer(ctx, {
      customer: idOf(open.customer),
      amount: open.amount_remaining,
      currency: open.currency,
      paymentMethod: pm,
      description: open.billing_reason?.startsWith("subscription")
        ? "Subscription update"
        : `Invoice ${open.number ?? open.id}`,
      offSession: options.offSession,
      ...(options.returnUrl ? { returnUrl: options.returnUrl } : {}),
    });
  }
  const priv = ctx.store.getPrivate<InvoicePrivate>(open.id) ?? {};
  if (outcome.paymentIntent)
    ctx.store.setPrivate(open.id, { ...priv, paymentIntent: outcome.paymentIntent });
  // A payment waiting for 3DS pays the invoice when the customer completes it.
  if (outcome.status === "requires_action" && outcome.paymentIntent)
    awaitIntent(ctx, outcome.paymentIntent, open.id);
  if (outcome.status === "succeeded")
    return { invoice: markPaid(ctx, open, outcome, { outOfBand: false }), outcome };
  const next: Stripe.Invoice = {
    ...open,
    attempted: true,
    attempt_count: open.attempt_count + 1,
    next_payment_attempt: invoiceHooks.nextAttempt?.(ctx, open, options.retry ?? false) ?? null,
  };
  save(ctx, next);
  const prev = previousAttributes(open, next);
  if (prev) ctx.emit("invoice.updated", next, prev);
  if (outcome.status === "requires_action") {
    ctx.emit("invoice.payment_action_required", next);
    for (const hook of invoiceHooks.onActionRequired) hook(ctx, next);
  } else {
    ctx.emit("invoice.payment_failed", next);
    for (const hook of invoiceHooks.onPaymentFailed) hook(ctx, next, outcome);
  }
  // Hooks may have scheduled the next attempt (dunning) and saved the invoice.
  return { invoice: getInvoice(ctx, next.id), outcome };
}

/**
 * Pays an open (or draft, which is finalized first) invoice with a given payment method —
 * for `POST /v1/invoices/:id/pay` and the hosted invoice page. Returns the outcome instead
 * of throwing so pages can show the decline; `payInvoiceOrThrow` is the API flavour.
 */
export function payInvoice(
  ctx: Ctx,
  invoiceId: string,
  options: {
    paymentMethod?: string | null;
    paidOutOfBand?: boolean;
    offSession?: boolean;
    returnUrl?: string;
  } = {},
): AttemptResult {
  let invoice = getInvoice(ctx, invoiceId, "id");
  if (invoice.status === "draft") invoice = finalizeInvoice(ctx, invoice);
  if (invoice.status === "paid") throw invalidRequest("Invoice is already paid.");
  if (invoice.status !== "open") {
    throw invalidRequest(`You can only pay an open invoice; this invoice is ${invoice.status}.`);
  }
  if (options.paidOutOfBand)
    return { invoice: markPaid(ctx, invoice, null, { outOfBand: true }), outcome: null };
  return attemptPayment(ctx, invoice, {
    paymentMethod: options.paymentMethod ?? null,
    offSession: options.offSession ?? false,
    ...(options.returnUrl ? { returnUrl: options.returnUrl } : {}),
  });
}

export function payInvoiceOrThrow(
  ctx: Ctx,
  invoiceId: string,
  options: { paymentMethod?: string | null; paidOutOfBand?: boolean; offSession?: boolean },
): Stripe.Invoice {
  const { invoice, outcome } = payInvoice(ctx, invoiceId, options);
  if (outcome?.status === "failed") {
    // Nothing was attempted without a payment method: a plain 400 that changes nothing.
    if (outcome.code === undefined) {
      throw new ApiError(400, "invalid_request_error", outcome.message);
    }
    throw cardError(outcome.message, outcome.code, outcome.declineCode, {
      ...(outcome.charge ? { charge: outcome.charge } : {}),
    });
  }
  if (outcome?.status === "requires_action") {
    throw cardError(
      "Payment for this invoice requires additional user action.",
      "invoice_payment_intent_requires_action",
      undefined,
      {},
    );
  }
  return invoice;
}

/** open → void (draft invoices are deleted instead). Returns an applied customer balance. */
export function voidInvoice(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const now = ctx.clockNow(clockOf(invoice));
  const next: Stripe.Invoice = {
    ...invoice,
    status: "void",
    amount_remaining: 0,
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, voided_at: now },
  };
  save(ctx, next);
  const consumed = (invoice.starting_balance ?? 0) - (invoice.ending_balance ?? 0);
  if (consumed !== 0) {
    adjustCustomerBalance(ctx, idOf(invoice.customer), {
      amount: -consumed,
      currency: invoice.currency,
      type: "unapplied_from_invoice",
      invoice: invoice.id,
    });
  }
  ctx.emit("invoice.updated", next, previousAttributes(invoice, next));
  ctx.emit("invoice.voided", next);
  return next;
}

export function markUncollectible(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== "open") {
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
  const now = ctx.clockNow(clockOf(invoice));
  const next: Stripe.Invoice = {
    ...invoice,
    status: "uncollectible",
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, marked_uncollectible_at: now },
  };
  save(ctx, next);
  ctx.emit("invoice.updated", next, previousAttributes(invoice, next));
  ctx.emit("invoice.marked_uncollectible", next);
  return next;
}

/** Saves an invoice and emits `invoice.updated` with previous attributes when it changed. */
export function saveInvoice(
  ctx: Ctx,
  before: Stripe.Invoice,
  next: Stripe.Invoice,
): Stripe.Invoice {
  save(ctx, next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("invoice.updated", next, prev);
  return next;
}

/** Adds lines to a draft (invoice items attached to it) and recomputes its totals. */
export function appendLines(ctx: Ctx, draft: Stripe.Invoice, lines: LineInput[]): Stripe.Invoice {
  const added = lines.map((l) => buildLine(ctx, draft.id, draft.currency, l));
  return computeTotals(ctx, {
    ...draft,
    lines: { ...draft.lines, data: [...draft.lines.data, ...added] },
  });
}

/** Removes the line of an invoice item from a draft and recomputes its totals. */
export function removeItemLines(
  ctx: Ctx,
  draft: Stripe.Invoice,
  invoiceItemId: string,
): Stripe.Invoice {
  const keep = draft.lines.data.filter(
    (l) =>
      l.parent?.invoice_item_details?.invoice_item !== invoiceItemId &&
      l.parent?.subscription_item_details?.invoice_item !== invoiceItemId,
  );
  return computeTotals(ctx, { ...draft, lines: { ...draft.lines, data: keep } });
}

export function priceOfInvoiceItem(ctx: Ctx, ii: Stripe.InvoiceItem): Stripe.Price | null {
  return priceOfItem(ctx, ii);
}

invoiceHooksForIntents.onIntentSucceeded = (ctx, invoiceId, pi) => {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", invoiceId);
  if (invoice?.status !== "open") return;
  const charge =
    typeof pi.latest_charge === "string" ? pi.latest_charge : (pi.latest_charge?.id ?? null);
  markPaid(
    ctx,
    invoice,
    { status: "succeeded", paymentIntent: pi.id, charge },
    { outOfBand: false, countAttempt: !invoice.attempted },
  );
};
