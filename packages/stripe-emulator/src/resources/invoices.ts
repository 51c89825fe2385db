import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam, invalidRequest, missingParam, resourceMissing } from "../core/errors.ts";
import { listObjects, paginate } from "../core/list.ts";
import {
  applyMetadata,
  bool,
  currency,
  emptyable,
  int,
  list,
  listShape,
  metadata,
  obj,
  oneOf,
  parseParams,
  rangeFilter,
  str,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { isDeleted, replaceWithDeletedStub } from "../core/util.ts";
import { discountIdsFor, resolveDiscountParams } from "../billing/discounts.ts";
import {
  appendLines,
  invoiceItemToLine,
  priceOfInvoiceItem,
  removeItemLines,
} from "../billing/invoices/lines.ts";
import { clockOf, idOf } from "../core/util.ts";
import { createDraftInvoice } from "../billing/invoices/draft.ts";
import { finalizeInvoice } from "../billing/invoices/finalize.ts";
import { getInvoice, saveInvoice, type InvoicePrivate } from "../billing/invoices/state.ts";
import { markUncollectible, voidInvoice } from "../billing/invoices/transitions.ts";
import { payInvoiceOrThrow } from "../billing/invoices/collect.ts";
import { clientSecretOf, paymentMethodUsable } from "../billing/payments.ts";
import { createPreview } from "../billing/preview.ts";
import { previewSchedule } from "../billing/schedule-preview.ts";
import { getBillingSettings } from "../billing/settings.ts";
import { getCustomer } from "./customers.ts";
import { getPrice } from "./prices.ts";
import { resolveTaxRates } from "../tax/rates.ts";
import { discountParam, retrieveRoute, searchRoute } from "./shared.ts";
import { checkEndBehavior, schedulePhaseParam, toPhaseInputs } from "./subscription-schedules.ts";

const itemUpdate = () =>
  obj({
    id: z.string().optional(),
    price: z.string().optional(),
    quantity: int({ min: 0 }).optional(),
    deleted: bool().optional(),
    metadata: metadata().optional(),
    clear_usage: bool().optional(),
  });

const previewSchema = obj({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  preview_mode: oneOf(["next", "recurring"]).optional(),
  currency: currency().optional(),
  schedule: z.string().optional(),
  schedule_details: obj({
    phases: list(schedulePhaseParam()).optional(),
    end_behavior: oneOf(["cancel", "none", "release", "renew"]).optional(),
    proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
  }).optional(),
  subscription_details: obj({
    items: list(itemUpdate()).optional(),
    proration_behavior: oneOf(["always_invoice", "create_prorations", "none"]).optional(),
    proration_date: int().optional(),
    cancel_at_period_end: bool().optional(),
    trial_end: z.union([z.literal("now"), int()]).optional(),
    billing_cycle_anchor: z
      .union([oneOf(["now", "unchanged"]), obj({ type: oneOf(["now", "unchanged"]) })])
      .optional(),
  }).optional(),
});

const createSchema = obj({
  customer: z.string().optional(),
  subscription: z.string().optional(),
  auto_advance: bool().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  due_date: int().optional(),
  currency: currency().optional(),
  default_payment_method: z.string().optional(),
  description: str({ max: 1500 }).optional(),
  footer: str({ max: 5000 }).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
  pending_invoice_items_behavior: oneOf(["exclude", "include"]).optional(),
  automatic_tax: obj({ enabled: bool() }).optional(),
  default_tax_rates: list(z.string()).optional(),
});

const updateSchema = obj({
  auto_advance: bool().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  days_until_due: int({ min: 0 }).optional(),
  due_date: int().optional(),
  default_payment_method: emptyable(z.string()).optional(),
  description: emptyable(str({ max: 1500 })).optional(),
  footer: emptyable(str({ max: 5000 })).optional(),
  metadata: metadata().optional(),
  discounts: emptyable(list(discountParam())).optional(),
});

const listSchema = obj({
  ...listShape,
  customer: z.string().optional(),
  subscription: z.string().optional(),
  status: oneOf(["draft", "open", "paid", "uncollectible", "void"]).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"]).optional(),
  due_date: rangeFilter().optional(),
});

const paySchema = obj({
  payment_method: z.string().optional(),
  paid_out_of_band: bool().optional(),
  off_session: bool().optional(),
  forgive: bool().optional(),
  source: z.string().optional(),
  mandate: emptyable(z.string()).optional(),
});

const invoiceItemCreate = obj({
  customer: z.string(),
  amount: int().optional(),
  currency: currency().optional(),
  price: z.string().optional(),
  pricing: obj({ price: z.string().optional() }).optional(),
  quantity: int({ min: 0 }).optional(),
  unit_amount_decimal: z.string().optional(),
  description: str({ max: 500 }).optional(),
  discountable: bool().optional(),
  invoice: z.string().optional(),
  subscription: z.string().optional(),
  metadata: metadata().optional(),
  period: obj({ start: int(), end: int() }).optional(),
  tax_rates: list(z.string()).optional(),
});

const invoiceItemUpdate = obj({
  amount: int().optional(),
  description: str({ max: 500 }).optional(),
  discountable: bool().optional(),
  quantity: int({ min: 0 }).optional(),
  metadata: metadata().optional(),
});

function inRange(
  value: number | null,
  r: { gt?: number; gte?: number; lt?: number; lte?: number } | undefined,
): boolean {
  if (!r) return true;
  if (value === null) return false;
  return (
    (r.gt === undefined || value > r.gt) &&
    (r.gte === undefined || value >= r.gte) &&
    (r.lt === undefined || value < r.lt) &&
    (r.lte === undefined || value <= r.lte)
  );
}

function mustBeDraft(invoice: Stripe.Invoice, what: string): void {
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `You can only ${what} a draft invoice; this invoice is ${invoice.status}.`,
      {
        code: "invoice_not_editable",
      },
    );
  }
}

function getInvoiceItem(ctx: Ctx, id: string): Stripe.InvoiceItem {
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

function createManualInvoice(ctx: Ctx, p: z.output<typeof createSchema>): Stripe.Invoice {
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

function updateInvoice(
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

export const invoicesModule: EmulatorModule = {
  name: "invoices",
  routes: [
    {
      method: "POST",
      path: "/v1/invoices/create_preview",
      handler: (ctx, req) => {
        const p = parseParams(previewSchema, req.params);
        if (p.schedule !== undefined || p.schedule_details !== undefined) {
          const details = p.schedule_details;
          return previewSchedule(ctx, {
            customer: p.customer,
            schedule: p.schedule,
            subscription: p.subscription,
            hasSubscriptionDetails: p.subscription_details !== undefined,
            discounts: p.discounts,
            details: details && {
              phases: details.phases
                ? toPhaseInputs(ctx, details.phases, "schedule_details[phases]")
                : undefined,
              end_behavior: checkEndBehavior(
                details.end_behavior,
                "schedule_details[end_behavior]",
              ),
              proration_behavior: details.proration_behavior,
            },
          });
        }
        return createPreview(ctx, {
          customer: p.customer,
          subscription: p.subscription,
          discounts: p.discounts,
          subscription_details: p.subscription_details,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/invoices",
      handler: (ctx, req) => createManualInvoice(ctx, parseParams(createSchema, req.params)),
    },
    searchRoute<Stripe.Invoice>("invoice", "/v1/invoices/search", (i) => !isDeleted(i)),
    {
      method: "GET",
      path: "/v1/invoices/:id",
      handler: (ctx, req) => getInvoice(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/invoices/:id",
      handler: (ctx, req) =>
        updateInvoice(
          ctx,
          getInvoice(ctx, req.pathParams.id ?? "", "id"),
          parseParams(updateSchema, req.params),
        ),
    },
    {
      method: "DELETE",
      path: "/v1/invoices/:id",
      handler: (ctx, req) => {
        const invoice = getInvoice(ctx, req.pathParams.id ?? "", "id");
        if (invoice.status !== "draft") {
          throw invalidRequest("You can only delete draft invoices. Void open invoices instead.", {
            code: "invoice_not_editable",
          });
        }
        // Its invoice items go back to pending, as in Stripe.
        for (const ii of ctx.store.list<Stripe.InvoiceItem>("invoiceitem", {
          where: (x) => x.invoice === invoice.id,
        })) {
          ctx.store.update({ ...ii, invoice: null });
        }
        ctx.unschedule(`billing.finalize:${invoice.id}`);
        return replaceWithDeletedStub(ctx, "invoice.deleted", invoice);
      },
    },
    {
      method: "GET",
      path: "/v1/invoices",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        return listObjects<Stripe.Invoice>(ctx, "invoice", p, "/v1/invoices", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          where: (i) =>
            !isDeleted(i) &&
            (p.status === undefined || i.status === p.status) &&
            (p.collection_method === undefined || i.collection_method === p.collection_method) &&
            (p.subscription === undefined ||
              idOf(i.parent?.subscription_details?.subscription) === p.subscription) &&
            inRange(i.due_date, p.due_date),
        });
      },
    },
    {
      method: "GET",
      path: "/v1/invoices/:id/lines",
      handler: (ctx, req) => {
        const invoice = getInvoice(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(obj({ ...listShape }), req.params);
        return paginate(invoice.lines.data, p, `/v1/invoices/${invoice.id}/lines`);
      },
    },
    {
      method: "POST",
      path: "/v1/invoices/:id/finalize",
      handler: (ctx, req) => {
        const invoice = getInvoice(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(obj({ auto_advance: bool().optional() }), req.params);
        ctx.unschedule(`billing.finalize:${invoice.id}`);
        const open = finalizeInvoice(
          ctx,
          invoice,
          p.auto_advance !== undefined ? { autoAdvance: p.auto_advance } : {},
        );
        if (
          open.status === "open" &&
          open.auto_advance &&
          open.collection_method === "charge_automatically"
        ) {
          // Stripe attempts collection shortly after finalization when auto_advance is on.
          ctx.schedule({
            id: `billing.collect:${open.id}`,
            kind: "billing.collect",
            runAt: ctx.clockNow(clockOf(open)) + 3600,
            clockId: clockOf(open),
            payload: { invoice: open.id },
          });
        }
        return open;
      },
    },
    {
      method: "POST",
      path: "/v1/invoices/:id/pay",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const p = parseParams(paySchema, req.params);
        if (p.source !== undefined)
          throw invalidParam("source", "Sources are not emulated; use payment_method.");
        const invoice = getInvoice(ctx, id, "id");
        if (p.payment_method && !paymentMethodUsable(ctx, p.payment_method, idOf(invoice.customer)))
          throw invalidParam(
            "payment_method",
            `No such PaymentMethod: '${p.payment_method}'`,
            "resource_missing",
          );
        return payInvoiceOrThrow(ctx, id, {
          paymentMethod: p.payment_method ?? null,
          ...(p.paid_out_of_band !== undefined ? { paidOutOfBand: p.paid_out_of_band } : {}),
          offSession: p.off_session ?? true,
        });
      },
    },
    {
      method: "POST",
      path: "/v1/invoices/:id/void",
      handler: (ctx, req) => {
        parseParams(obj({}), req.params);
        return voidInvoice(ctx, getInvoice(ctx, req.pathParams.id ?? "", "id"));
      },
    },
    {
      method: "POST",
      path: "/v1/invoices/:id/mark_uncollectible",
      handler: (ctx, req) => {
        parseParams(obj({}), req.params);
        return markUncollectible(ctx, getInvoice(ctx, req.pathParams.id ?? "", "id"));
      },
    },
    {
      method: "POST",
      path: "/v1/invoices/:id/send",
      handler: (ctx, req) => {
        parseParams(obj({}), req.params);
        const invoice = getInvoice(ctx, req.pathParams.id ?? "", "id");
        if (invoice.status !== "open") {
          throw invalidRequest("You can only send an open invoice.");
        }
        // No email leaves the emulator; the event says it would have.
        ctx.emit("invoice.sent", invoice);
        return invoice;
      },
    },
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
            appendLines(ctx, removeItemLines(ctx, invoice, ii.id), [
              invoiceItemToLine(next, price),
            ]),
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
    retrieveRoute("invoice_payment", "/v1/invoice_payments/:id", { label: "invoice payment" }),
    {
      method: "GET",
      path: "/v1/invoice_payments",
      handler: (ctx, req) => {
        const p = parseParams(
          obj({
            ...listShape,
            invoice: z.string().optional(),
            status: oneOf(["canceled", "open", "paid"]).optional(),
            payment: obj({
              type: oneOf(["payment_intent", "payment_record"]),
              payment_intent: z.string().optional(),
              payment_record: z.string().optional(),
            }).optional(),
          }),
          req.params,
        );
        return listObjects<Stripe.InvoicePayment>(
          ctx,
          "invoice_payment",
          p,
          "/v1/invoice_payments",
          {
            where: (r) =>
              (p.invoice === undefined || r.invoice === p.invoice) &&
              (p.status === undefined || r.status === p.status) &&
              (p.payment?.payment_intent === undefined ||
                r.payment.payment_intent === p.payment.payment_intent) &&
              (p.payment?.payment_record === undefined ||
                r.payment.payment_record === p.payment.payment_record),
          },
        );
      },
    },
  ],
  jobs: {
    "billing.collect": (ctx, payload) => {
      const invoice = ctx.store.getTyped<Stripe.Invoice>(
        "invoice",
        (payload as { invoice: string }).invoice,
      );
      if (invoice?.status === "open" && invoice.auto_advance) payInvoiceOrNothing(ctx, invoice);
    },
  },
  expanders: {
    "invoice.payments": (ctx, object) => {
      const data = ctx.store.list<Stripe.InvoicePayment>("invoice_payment", {
        where: (r) => r.invoice === object.id,
      });
      return {
        object: "list",
        data,
        has_more: false,
        url: `/v1/invoice_payments?invoice=${object.id}`,
      };
    },
    "invoice.confirmation_secret": (ctx, object) => {
      const pi = ctx.store.getPrivate<InvoicePrivate>(object.id)?.paymentIntent;
      const secret = pi ? clientSecretOf(ctx, pi) : null;
      return secret ? { client_secret: secret, type: "payment_intent" } : null;
    },
  },
};

function payInvoiceOrNothing(ctx: Ctx, invoice: Stripe.Invoice): void {
  if (invoice.collection_method !== "charge_automatically") return;
  try {
    payInvoiceOrThrow(ctx, invoice.id, { offSession: true });
  } catch {
    // The decline is recorded on the invoice; the job itself succeeded.
  }
}
