import type Stripe from "stripe";
import type { ApiRoute } from "../../core/types.ts";
import { payInvoiceOrThrow } from "../../billing/invoices/collect.ts";
import { finalizeInvoice } from "../../billing/invoices/finalize.ts";
import { getInvoice } from "../../billing/invoices/state.ts";
import { markUncollectible, voidInvoice } from "../../billing/invoices/transitions.ts";
import { paymentMethodUsable } from "../../billing/payments.ts";
import { createPreview } from "../../billing/preview.ts";
import { previewSchedule } from "../../billing/schedule-preview.ts";
import { invalidParam, invalidRequest } from "../../core/errors.ts";
import { listObjects, paginate } from "../../core/list.ts";
import { bool, listShape, obj, parseParams, inRange } from "../../core/params.ts";
import { clockOf, idOf, isDeleted, replaceWithDeletedStub } from "../../core/util.ts";
import { createManualInvoice, updateInvoice } from "./drafts.ts";
import { createSchema, listSchema, paySchema, previewSchema, updateSchema } from "./params.ts";
import { searchRoute } from "../shared.ts";
import { checkEndBehavior, toPhaseInputs } from "../subscription-schedules.ts";

/** The invoice endpoints: preview, create, update, list, lines, finalize, pay, void, send. */

export const invoiceRoutes: ApiRoute[] = [
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
            end_behavior: checkEndBehavior(details.end_behavior, "schedule_details[end_behavior]"),
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
];
