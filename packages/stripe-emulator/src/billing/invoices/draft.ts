import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import { activeDiscounts } from "../discounts.ts";
import { buildLine, invoiceItemToLine, pendingInvoiceItems, priceOfInvoiceItem } from "./lines.ts";
import type { LineInput } from "./lines.ts";
import { computeTotals } from "./totals.ts";
import { invoiceAutomaticTax } from "../../tax/invoice-tax.ts";

/** Draft invoices: the invoice object built from lines, and the stored draft. */

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
  /** `automatic_tax[enabled]`; defaults to the subscription's. */
  automaticTax?: boolean;
  /** `default_tax_rates`; defaults to the subscription's. */
  defaultTaxRates?: Stripe.TaxRate[];
}

/** The `customer_*` snapshot an invoice takes of its customer. */
function customerFields(customer: Stripe.Customer) {
  return {
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
    footer: customer.invoice_settings?.footer ?? null,
  };
}

function subscriptionParent(
  subscription: Stripe.Subscription | null | undefined,
  prorationDate: number | undefined,
): Stripe.Invoice.Parent | null {
  if (!subscription) return null;
  return {
    type: "subscription_details",
    quote_details: null,
    subscription_details: {
      metadata: subscription.metadata,
      subscription: subscription.id,
      ...(prorationDate !== undefined ? { subscription_proration_date: prorationDate } : {}),
    },
  };
}

/** Fields every new invoice starts with: nothing paid, finalized or taxed yet. */
const BLANK = {
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
  automatic_tax: {
    disabled_reason: null,
    enabled: false,
    liability: null,
    provider: null,
    status: null,
  },
  default_source: null,
  default_tax_rates: [],
  due_date: null,
  effective_at: null,
  ending_balance: null,
  from_invoice: null,
  hosted_invoice_url: null,
  invoice_pdf: null,
  issuer: { type: "self" },
  last_finalization_error: null,
  latest_revision: null,
  livemode: false,
  next_payment_attempt: null,
  number: null,
  on_behalf_of: null,
  payment_settings: {
    default_mandate: null,
    payment_method_options: null,
    payment_method_types: null,
  },
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
  total: 0,
  total_discount_amounts: [],
  total_excluding_tax: 0,
  total_pretax_credit_amounts: [],
  total_taxes: [],
  webhooks_delivered_at: null,
} as const;

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
    ...pending.map((ii) => invoiceItemToLine(ii, priceOfInvoiceItem(ctx, ii))),
    ...input.lines,
  ];
  const lines = lineInputs.map((l) => buildLine(ctx, id, input.currency, l));
  const discounts =
    input.discounts ??
    activeDiscounts(ctx, subscription?.discounts.map(idOf) ?? [], now).map((d) => d.id);
  const collection =
    input.collectionMethod ?? subscription?.collection_method ?? "charge_automatically";
  const fields = {
    ...BLANK,
    ...customerFields(customer),
    auto_advance: input.autoAdvance ?? true,
    automatic_tax: invoiceAutomaticTax(
      input.automaticTax ?? subscription?.automatic_tax.enabled ?? false,
    ),
    automatically_finalizes_at: input.finalizesAt ?? null,
    billing_reason: input.billingReason,
    collection_method: collection,
    created: now,
    currency: input.currency,
    default_payment_method: input.defaultPaymentMethod ?? null,
    default_tax_rates: input.defaultTaxRates ?? subscription?.default_tax_rates ?? [],
    description: input.description ?? null,
    discounts,
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      url: `/v1/invoices/${id ?? "upcoming"}/lines`,
    },
    metadata: input.metadata ?? {},
    parent: subscriptionParent(subscription, input.prorationDate),
    period_end: input.periodEnd ?? now,
    period_start: input.periodStart ?? now,
    test_clock: clockId,
  };
  // Stripe's order: id and object, then the fields alphabetically.
  const invoice = {
    id,
    object: "invoice",
    ...Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1))),
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
