import type Stripe from "stripe";
import type { z } from "zod";
import { discountIdsFor, resolveDiscountParams } from "../../billing/discounts.ts";
import { createDraftInvoice } from "../../billing/invoices/draft.ts";
import { appendLines } from "../../billing/invoices/lines.ts";
import { getInvoice, saveInvoice } from "../../billing/invoices/state.ts";
import { paymentMethodUsable } from "../../billing/payments.ts";
import { getBillingSettings } from "../../billing/settings.ts";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../../core/errors.ts";
import { applyMetadata } from "../../core/params.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf, isDeleted } from "../../core/util.ts";
import { getCustomer } from "../customers.ts";
import type { createSchema, updateSchema } from "./params.ts";
import { resolveTaxRates } from "../../tax/rates.ts";

/** Invoices created and edited through the API: manual drafts, their updates, auto-finalization. */

export function mustBeDraft(invoice: Stripe.Invoice, what: string): void {
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `You can only ${what} a draft invoice; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
}

export function createManualInvoice(ctx: Ctx, p: z.output<typeof createSchema>): Stripe.Invoice {
  const sub =
    p.subscription !== undefined
      ? ctx.store.getTyped<Stripe.Subscription>("subscription", p.subscription)
      : undefined;
  if (p.subscription !== undefined && !sub)
    throw resourceMissing("subscription", p.subscription, "subscription");
  const customerId = p.customer ?? (sub ? idOf(sub.customer) : undefined);
  if (!customerId) throw missingParam("customer");
  const customer = getCustomer(ctx, customerId);
  const collection = p.collection_method ?? "charge_automatically";
  if (collection === "send_invoice" && p.days_until_due === undefined && p.due_date === undefined)
    throw missingParam("days_until_due");
  if (
    collection === "charge_automatically" &&
    (p.days_until_due !== undefined || p.due_date !== undefined)
  )
    throw invalidParam(
      "days_until_due",
      "days_until_due and due_date can only be set when collection_method is send_invoice.",
    );
  if (p.default_payment_method && !paymentMethodUsable(ctx, p.default_payment_method, customer.id))
    throw invalidParam(
      "default_payment_method",
      `No such PaymentMethod: '${p.default_payment_method}'`,
      "resource_missing",
    );
  const resolved = p.discounts
    ? resolveDiscountParams(ctx, p.discounts, { customer: customer.id, param: "discounts" })
    : [];
  const now = ctx.clockNow(clockOf(customer));
  const include = p.pending_invoice_items_behavior === "include";
  const pendingCurrency = include
    ? ctx.store.list<Stripe.InvoiceItem>("invoiceitem", {
        customer: customer.id,
        where: (ii) => ii.invoice === null && !isDeleted(ii),
      })[0]?.currency
    : undefined;
  const invoiceCurrency =
    p.currency ?? sub?.currency ?? pendingCurrency ?? customer.currency ?? "usd";
  const draft = createDraftInvoice(ctx, {
    customer,
    currency: invoiceCurrency,
    lines: [],
    billingReason: sub ? "subscription" : "manual",
    subscription: sub ?? null,
    collectionMethod: collection,
    daysUntilDue: p.days_until_due ?? null,
    defaultPaymentMethod: p.default_payment_method ?? null,
    discounts: [],
    autoAdvance: p.auto_advance ?? false,
    description: p.description ?? null,
    metadata: applyMetadata({}, p.metadata),
    includePendingItems: include,
    ...(p.automatic_tax ? { automaticTax: p.automatic_tax.enabled } : {}),
    ...(p.default_tax_rates
      ? { defaultTaxRates: resolveTaxRates(ctx, p.default_tax_rates, "default_tax_rates") }
      : {}),
  });
  let next: Stripe.Invoice = { ...draft };
  if (p.due_date !== undefined) next.due_date = p.due_date;
  if (p.footer !== undefined) next.footer = p.footer;
  if (resolved.length > 0) {
    next.discounts = discountIdsFor(ctx, resolved, {
      customer: customer.id,
      invoice: draft.id,
      start: now,
    });
    next = appendLines(ctx, next, []);
  }
  ctx.store.update(next);
  if (next.auto_advance) scheduleAutoFinalize(ctx, next);
  return getInvoice(ctx, next.id);
}

/** Stripe finalizes an auto-advancing draft about an hour after it is created. */
function scheduleAutoFinalize(ctx: Ctx, invoice: Stripe.Invoice): void {
  const at = ctx.clockNow(clockOf(invoice)) + getBillingSettings(ctx).draftFinalizeDelay;
  ctx.store.update({ ...getInvoice(ctx, invoice.id), automatically_finalizes_at: at });
  ctx.schedule({
    id: `billing.finalize:${invoice.id}`,
    kind: "billing.finalize",
    runAt: at,
    clockId: clockOf(invoice),
    payload: { invoice: invoice.id },
  });
}

export function updateInvoice(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  p: z.output<typeof updateSchema>,
): Stripe.Invoice {
  const draftOnly = (
    [
      "collection_method",
      "days_until_due",
      "discounts",
      "default_payment_method",
      "footer",
    ] as const
  ).find((k) => p[k] !== undefined);
  if (invoice.status !== "draft" && draftOnly) {
    throw invalidRequest(`You can only update ${draftOnly} on a draft invoice.`, {
      param: draftOnly,
      code: "invoice_not_editable",
    });
  }
  if (invoice.status === "paid" || invoice.status === "void") {
    if (p.auto_advance !== undefined || p.description !== undefined || p.due_date !== undefined)
      throw invalidRequest(`This invoice is ${invoice.status} and can only update its metadata.`, {
        code: "invoice_not_editable",
      });
  }
  const customerId = idOf(invoice.customer);
  if (p.default_payment_method && !paymentMethodUsable(ctx, p.default_payment_method, customerId))
    throw invalidParam(
      "default_payment_method",
      `No such PaymentMethod: '${p.default_payment_method}'`,
      "resource_missing",
    );
  const resolved = p.discounts
    ? resolveDiscountParams(ctx, p.discounts, { customer: customerId, param: "discounts" })
    : null;
  let next: Stripe.Invoice = { ...invoice };
  if (p.auto_advance !== undefined) next.auto_advance = p.auto_advance;
  if (p.collection_method !== undefined) next.collection_method = p.collection_method;
  if (p.days_until_due !== undefined)
    next.due_date = ctx.clockNow(clockOf(invoice)) + p.days_until_due * 86_400;
  if (p.due_date !== undefined) next.due_date = p.due_date;
  if (p.default_payment_method !== undefined)
    next.default_payment_method = p.default_payment_method;
  if (p.description !== undefined) next.description = p.description;
  if (p.footer !== undefined) next.footer = p.footer;
  if (p.metadata !== undefined) next.metadata = applyMetadata(invoice.metadata, p.metadata);
  if (p.discounts === null) next.discounts = [];
  if (resolved) {
    const now = ctx.clockNow(clockOf(invoice));
    next.discounts = discountIdsFor(ctx, resolved, {
      customer: customerId,
      invoice: invoice.id,
      start: now,
    });
  }
  if (next.status === "draft") next = appendLines(ctx, next, []);
  if (next.status === "draft" && next.auto_advance && !invoice.auto_advance) {
    scheduleAutoFinalize(ctx, next);
    next = {
      ...next,
      automatically_finalizes_at: getInvoice(ctx, next.id).automatically_finalizes_at,
    };
  } else if (next.status === "draft" && !next.auto_advance && invoice.auto_advance) {
    ctx.unschedule(`billing.finalize:${invoice.id}`);
    next = { ...next, automatically_finalizes_at: null };
  }
  return saveInvoice(ctx, invoice, next);
}
