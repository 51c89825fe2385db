import type Stripe from "stripe";
import { z } from "zod";
import { mustBeDraft } from "./drafts.ts";
import {
  appendLines,
  invoiceItemToLine,
  priceOfInvoiceItem,
  removeItemLines,
} from "../../billing/invoices/lines.ts";
import { getInvoice, saveInvoice } from "../../billing/invoices/state.ts";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../../core/errors.ts";
import { listObjects } from "../../core/list.ts";
import { applyMetadata, bool, listShape, obj, parseParams } from "../../core/params.ts";
import type { ApiRoute, Ctx } from "../../core/types.ts";
import { clockOf, idOf, isDeleted } from "../../core/util.ts";
import { getCustomer } from "../customers.ts";
import { invoiceItemCreate, invoiceItemUpdate } from "./params.ts";
import { getPrice } from "../prices.ts";
import { resolveTaxRates } from "../../tax/rates.ts";

/** Invoice items: one-off amounts waiting for (or on) a draft invoice. */

export function getInvoiceItem(ctx: Ctx, id: string): Stripe.InvoiceItem {
  const ii = ctx.store.getTyped<Stripe.InvoiceItem>("invoiceitem", id);
  if (!ii || isDeleted(ii)) throw resourceMissing("invoiceitem", id);
  return ii;
}

function createInvoiceItem(ctx: Ctx, p: z.output<typeof invoiceItemCreate>): Stripe.InvoiceItem {
  const customer = getCustomer(ctx, p.customer);
  const priceId = p.price ?? p.pricing?.price;
  if (p.price !== undefined && p.pricing?.price !== undefined)
    throw invalidRequest("You may only specify one of these parameters: price, pricing[price].", {
      code: "parameters_exclusive",
      param: "price",
    });
  const price =
    priceId !== undefined
      ? getPrice(ctx, priceId, p.price !== undefined ? "price" : "pricing[price]")
      : null;
  if (price && p.amount !== undefined)
    throw invalidRequest("You may only specify one of these parameters: amount, price.", {
      code: "parameters_exclusive",
      param: "amount",
    });
  if (!price && p.amount === undefined) throw missingParam("amount");
  const cur = price?.currency ?? p.currency;
  if (!cur) throw missingParam("currency");
  const quantity = p.quantity ?? 1;
  const amount = price ? (price.unit_amount ?? 0) * quantity : (p.amount ?? 0);
  const invoice = p.invoice !== undefined ? getInvoice(ctx, p.invoice, "invoice") : null;
  if (invoice) {
    mustBeDraft(invoice, "add items to");
    if (idOf(invoice.customer) !== customer.id)
      throw invalidParam("invoice", "The invoice belongs to another customer.");
    if (invoice.currency !== cur)
      throw invalidParam("currency", `The invoice is in ${invoice.currency}.`);
  }
  if (p.subscription !== undefined) {
    const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", p.subscription);
    if (!sub) throw resourceMissing("subscription", p.subscription, "subscription");
  }
  const now = ctx.clockNow(clockOf(customer));
  const ii: Stripe.InvoiceItem = {
    id: ctx.ids.id("ii"),
    object: "invoiceitem",
    amount,
    currency: cur,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: p.description ?? (price ? null : null),
    discountable: p.discountable ?? amount >= 0,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: false,
    metadata: applyMetadata({}, p.metadata),
    net_amount: amount,
    parent: p.subscription
      ? { type: "subscription_details", subscription_details: { subscription: p.subscription } }
      : null,
    period: p.period ?? { start: now, end: now },
    pricing: price
      ? {
          type: "price_details",
          price_details: { price: price.id, product: idOf(price.product) },
          unit_amount_decimal: price.unit_amount_decimal,
        }
      : {
          type: "price_details",
          unit_amount_decimal: String(
            quantity ? Math.round(amount / quantity) : amount,
          ) as unknown as Stripe.Decimal,
        },
    proration: false,
    quantity,
    quantity_decimal: String(quantity) as unknown as Stripe.Decimal,
    tax_rates: resolveTaxRates(ctx, p.tax_rates ?? [], "tax_rates"),
    test_clock: clockOf(customer),
  };
  ctx.store.insert(ii);
  ctx.emit("invoiceitem.created", ii);
  if (invoice) {
    saveInvoice(ctx, invoice, appendLines(ctx, invoice, [invoiceItemToLine(ii, price)]));
  }
  return ii;
}

export const invoiceItemRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/invoiceitems",
    handler: (ctx, req) => createInvoiceItem(ctx, parseParams(invoiceItemCreate, req.params)),
  },
  {
    method: "GET",
    path: "/v1/invoiceitems/:id",
    handler: (ctx, req) => getInvoiceItem(ctx, req.pathParams.id ?? ""),
  },
  {
    method: "POST",
    path: "/v1/invoiceitems/:id",
    handler: (ctx, req) => {
      const ii = getInvoiceItem(ctx, req.pathParams.id ?? "");
      const p = parseParams(invoiceItemUpdate, req.params);
      const invoice = ii.invoice ? getInvoice(ctx, idOf(ii.invoice)) : null;
      if (invoice && invoice.status !== "draft")
        throw invalidRequest(
          "This invoice item is on a finalized invoice and can no longer be changed.",
          {
            code: "invoice_not_editable",
          },
        );
      const price = priceOfInvoiceItem(ctx, ii);
      if (price && p.amount !== undefined)
        throw invalidParam(
          "amount",
          "You cannot change the amount of an invoice item with a price.",
        );
      const quantity = p.quantity ?? ii.quantity;
      const amount = price ? (price.unit_amount ?? 0) * quantity : (p.amount ?? ii.amount);
      const next: Stripe.InvoiceItem = {
        ...ii,
        amount,
        net_amount: amount,
        quantity,
        quantity_decimal: String(quantity) as unknown as Stripe.Decimal,
        description: p.description ?? ii.description,
        discountable: p.discountable ?? ii.discountable,
        metadata: applyMetadata(ii.metadata, p.metadata),
      };
      ctx.store.update(next);
      if (invoice) {
        saveInvoice(
          ctx,
          invoice,
          appendLines(ctx, removeItemLines(ctx, invoice, ii.id), [invoiceItemToLine(next, price)]),
        );
      }
      return next;
    },
  },
  {
    method: "DELETE",
    path: "/v1/invoiceitems/:id",
    handler: (ctx, req) => {
      const ii = getInvoiceItem(ctx, req.pathParams.id ?? "");
      const invoice = ii.invoice ? getInvoice(ctx, idOf(ii.invoice)) : null;
      if (invoice && invoice.status !== "draft")
        throw invalidRequest(
          "This invoice item is on a finalized invoice and can no longer be deleted.",
          {
            code: "invoice_not_editable",
          },
        );
      if (invoice) saveInvoice(ctx, invoice, removeItemLines(ctx, invoice, ii.id));
      ctx.store.update({
        id: ii.id,
        object: "invoiceitem",
        deleted: true,
        customer: ii.customer,
        invoice: null,
      });
      ctx.emit("invoiceitem.deleted", ii);
      return { id: ii.id, object: "invoiceitem", deleted: true };
    },
  },
  {
    method: "GET",
    path: "/v1/invoiceitems",
    handler: (ctx, req) => {
      const p = parseParams(
        obj({
          ...listShape,
          customer: z.string().optional(),
          invoice: z.string().optional(),
          pending: bool().optional(),
        }),
        req.params,
      );
      return listObjects<Stripe.InvoiceItem>(ctx, "invoiceitem", p, "/v1/invoiceitems", {
        ...(p.customer !== undefined ? { customer: p.customer } : {}),
        where: (ii) =>
          !isDeleted(ii) &&
          (p.invoice === undefined || ii.invoice === p.invoice) &&
          (p.pending === undefined || (ii.invoice === null) === p.pending),
      });
    },
  },
];
