import type Stripe from "stripe";
import { z } from "zod";
import { payInvoiceOrThrow } from "../../billing/invoices/collect.ts";
import type { InvoicePrivate } from "../../billing/invoices/state.ts";
import { clientSecretOf } from "../../billing/payments.ts";
import { listObjects } from "../../core/list.ts";
import { listShape, obj, oneOf, parseParams } from "../../core/params.ts";
import type { Ctx, EmulatorModule } from "../../core/types.ts";
import { invoiceItemRoutes } from "./items.ts";
import { invoiceRoutes } from "./routes.ts";
import { retrieveRoute } from "../shared.ts";

/**
 * Invoices, invoice items and invoice payments as an API module, with the collection job
 * and the `payments` / `confirmation_secret` expansions.
 */

export const invoicesModule: EmulatorModule = {
  name: "invoices",
  routes: [
    ...invoiceRoutes,
    ...invoiceItemRoutes,
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
