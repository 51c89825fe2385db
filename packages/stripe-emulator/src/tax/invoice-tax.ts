import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { idOf } from "../core/util.ts";
import {
  automaticTax,
  behaviorOf,
  exclusiveAmount,
  inclusiveAmount,
  rateTaxes,
  taxCustomer,
  totalTaxes,
  type LineTax,
  type TaxableLine,
} from "./calculate.ts";
import { customerTaxIds } from "./tax-ids.ts";

/**
 * Tax on an invoice whose lines and discounts are computed: each line's `taxes`, the
 * invoice's `total_taxes`, and the totals Stripe defines around them —
 * `total` = subtotal − discounts + exclusive tax, `total_excluding_tax` = subtotal −
 * discounts − inclusive tax, `subtotal_excluding_tax` = subtotal − inclusive tax.
 * With `automatic_tax.enabled` the test-mode table decides; otherwise a line's own tax rates
 * (its subscription item's or invoice item's `tax_rates`), else the invoice's
 * `default_tax_rates`. Prorations are lines like any other, so they carry tax the same way.
 */

function priceOfLine(ctx: Ctx, line: Stripe.InvoiceLineItem): Stripe.Price | null {
  const id = line.pricing?.price_details ? idOf(line.pricing.price_details.price) : "";
  return id ? (ctx.store.getTyped<Stripe.Price>("price", id) ?? null) : null;
}

/** What a line costs after its discounts. */
function netAmount(line: Stripe.InvoiceLineItem): number {
  return line.amount - (line.discount_amounts ?? []).reduce((s, d) => s + d.amount, 0);
}

function taxableLine(ctx: Ctx, line: Stripe.InvoiceLineItem): TaxableLine {
  const price = priceOfLine(ctx, line);
  const product = price
    ? ctx.store.getTyped<Stripe.Product>("product", idOf(price.product))
    : undefined;
  return {
    amount: netAmount(line),
    taxBehavior: behaviorOf(price),
    taxCode: product ? idOf(product.tax_code) || null : null,
  };
}

function ratesById(ctx: Ctx, rates: readonly unknown[] | null | undefined): Stripe.TaxRate[] {
  return (rates ?? [])
    .map((r) => ctx.store.getTyped<Stripe.TaxRate>("tax_rate", idOf(r)))
    .filter((r): r is Stripe.TaxRate => r !== undefined);
}

/** The merchant-chosen rates of a line: its item's own, else the invoice's defaults. */
function lineRates(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  line: Stripe.InvoiceLineItem,
  subscriptionOf: (id: string) => Stripe.Subscription | undefined,
) {
  const details = line.parent?.subscription_item_details;
  const invoiceItem = line.parent?.invoice_item_details?.invoice_item ?? details?.invoice_item;
  // Subscription items live inside their subscription.
  const sub = details?.subscription ? subscriptionOf(details.subscription) : undefined;
  const own = details
    ? sub?.items.data.find((i) => i.id === details.subscription_item)?.tax_rates
    : invoiceItem
      ? ctx.store.getTyped<Stripe.InvoiceItem>("invoiceitem", invoiceItem)?.tax_rates
      : null;
  const rates = ratesById(ctx, own);
  return rates.length > 0 ? rates : ratesById(ctx, invoice.default_tax_rates);
}

/** An invoice's `automatic_tax` before it is computed (`applyInvoiceTax` sets the status). */
export function invoiceAutomaticTax(enabled: boolean): Stripe.Invoice.AutomaticTax {
  return {
    disabled_reason: null,
    enabled,
    liability: enabled ? { type: "self" } : null,
    provider: enabled ? "stripe" : null,
    status: null,
  };
}

export function applyInvoiceTax(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  const customer = ctx.store.getTyped<Stripe.Customer>("customer", idOf(invoice.customer));
  const taxIds = customer ? customerTaxIds(ctx, customer.id) : [];
  const lines = invoice.lines.data;
  let perLine: LineTax[][];
  let automatic = invoice.automatic_tax;
  if (invoice.automatic_tax.enabled && customer) {
    const result = automaticTax(
      ctx,
      taxCustomer(customer, taxIds),
      lines.map((l) => taxableLine(ctx, l)),
    );
    perLine = result.taxes;
    automatic = {
      ...invoice.automatic_tax,
      liability: { type: "self" },
      provider: "stripe",
      status: result.status,
    };
  } else {
    // One read of a subscription per invoice, however many of its lines there are.
    const subs = new Map<string, Stripe.Subscription | undefined>();
    const subscriptionOf = (id: string) => {
      if (!subs.has(id)) subs.set(id, ctx.store.getTyped<Stripe.Subscription>("subscription", id));
      return subs.get(id);
    };
    perLine = lines.map((l) => rateTaxes(netAmount(l), lineRates(ctx, invoice, l, subscriptionOf)));
  }
  const all = perLine.flat();
  const exclusive = exclusiveAmount(all);
  const inclusive = inclusiveAmount(all);
  const discounts = invoice.subtotal - invoice.total;
  return {
    ...invoice,
    automatic_tax: automatic,
    customer_tax_ids:
      invoice.status === "draft"
        ? taxIds.map((t) => ({ type: t.type, value: t.value }))
        : invoice.customer_tax_ids,
    lines: { ...invoice.lines, data: lines.map((l, i) => ({ ...l, taxes: perLine[i] ?? [] })) },
    subtotal_excluding_tax: invoice.subtotal - inclusive,
    total: invoice.subtotal - discounts + exclusive,
    total_excluding_tax: invoice.subtotal - discounts - inclusive,
    total_taxes: totalTaxes(perLine),
  };
}
