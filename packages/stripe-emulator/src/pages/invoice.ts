import type Stripe from "stripe";
import { markPaid } from "../billing/invoices/transitions.ts";
import { payInvoice } from "../billing/invoices/collect.ts";
import { ApiError } from "../core/errors.ts";
import type { Ctx, EmulatorModule, PageResponse } from "../core/types.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";
import { getPaymentIntent } from "../services/payments/intents.ts";
import { customerTaxIdLines, invoiceTaxRows } from "../tax/invoice-labels.ts";
import {
  AUTH_FAILED_MESSAGE,
  FormError,
  parseCardFields,
  paymentMethodFromCard,
} from "./card-form.ts";
import {
  alert,
  cardFields,
  challengePage,
  formatDate,
  type Html,
  layout,
  markup,
  money,
  testCardHint,
} from "./html.ts";
import { invoiceHeadlineParts, renderInvoicePdf } from "./invoice-pdf.ts";

/**
 * The hosted invoice page (`hosted_invoice_url`) and its PDF (`invoice_pdf`). An open
 * invoice can be paid with a card here; a declined attempt counts like Stripe's (the
 * invoice records it and emits `invoice.payment_failed`), a card needing 3-D Secure goes
 * through the challenge page first.
 */

interface InvoicePagePrivate {
  /** A payment waiting for the challenge page. */
  pending: { intent: string } | null;
  /** Shown once on the next view (after a failed challenge). */
  flash: string | null;
}

const privateKey = (id: string) => `hosted_invoice:${id}`;

function pagePrivate(ctx: Ctx, id: string): InvoicePagePrivate {
  return ctx.store.getPrivate<InvoicePagePrivate>(privateKey(id)) ?? { pending: null, flash: null };
}

function setPagePrivate(ctx: Ctx, id: string, data: InvoicePagePrivate): void {
  ctx.store.setPrivate(privateKey(id), data);
}

/** Finalized invoices only: drafts have no hosted page at Stripe either. */
function loadInvoice(ctx: Ctx, id: string): Stripe.Invoice | null {
  const invoice = ctx.store.getTyped<Stripe.Invoice>("invoice", id);
  if (!invoice || invoice.status === "draft") return null;
  return invoice;
}

function notFound(id: string): PageResponse {
  return {
    status: 404,
    html: layout(
      "Invoice not found",
      markup`<section class="card center"><h1>Invoice not found</h1><p role="alert">There is no finalized invoice ${id}.</p></section>`,
    ),
  };
}

function linesTable(invoice: Stripe.Invoice): Html {
  const cur = invoice.currency;
  const rows = invoice.lines.data.map((line) => {
    const period =
      line.period.start !== line.period.end
        ? `${formatDate(line.period.start)} – ${formatDate(line.period.end)}`
        : null;
    return markup`<tr><td><div>${line.description ?? ""}</div>${period ? markup`<div class="item-meta">${period}</div>` : ""}</td><td class="num">${line.quantity ?? ""}</td><td class="num">${money(line.amount, cur)}</td></tr>`;
  });
  const discount = (invoice.total_discount_amounts ?? []).reduce((s, d) => s + d.amount, 0);
  const applied =
    (invoice.starting_balance ?? 0) - (invoice.ending_balance ?? invoice.starting_balance ?? 0);
  return markup`<table aria-label="Invoice lines">
<thead><tr><th>Description</th><th class="num">Qty</th><th class="num">Amount</th></tr></thead>
<tbody>${rows}
<tr class="sub"><td colspan="2">Subtotal</td><td class="num">${money(invoice.subtotal, cur)}</td></tr>
${discount > 0 ? markup`<tr class="sub"><td colspan="2">Discount</td><td class="num">−${money(discount, cur)}</td></tr>` : ""}
${invoiceTaxRows(invoice).map((r) => markup`<tr class="sub"><td colspan="2">${r.label}</td><td class="num">${money(r.amount, cur)}</td></tr>`)}
<tr class="sub"><td colspan="2">Total</td><td class="num">${money(invoice.total, cur)}</td></tr>
${applied !== 0 ? markup`<tr class="sub"><td colspan="2">Applied balance</td><td class="num">${money(-applied, cur)}</td></tr>` : ""}
<tr class="sub"><td colspan="2">Amount paid</td><td class="num">${money(invoice.amount_paid, cur)}</td></tr>
<tr class="total"><td colspan="2">Amount ${invoice.status === "paid" ? "remaining" : "due"}</td><td class="num" data-testid="amount-remaining">${money(invoice.amount_remaining, cur)}</td></tr>
</tbody></table>`;
}

function billTo(invoice: Stripe.Invoice): Html {
  const a = invoice.customer_address;
  const place = a ? [a.line1, a.city, a.postal_code, a.country].filter(Boolean).join(", ") : "";
  return markup`${invoice.customer_name ? markup`<div>${invoice.customer_name}</div>` : ""}${invoice.customer_email ? markup`<div>${invoice.customer_email}</div>` : ""}${place ? markup`<div class="muted">${place}</div>` : ""}${customerTaxIdLines(invoice).map((line) => markup`<div class="muted">${line}</div>`)}`;
}

/** "Visa •••• 4242" for the card that paid the invoice, when a payment intent paid it. */
function paidWith(ctx: Ctx, invoice: Stripe.Invoice): string | null {
  const payment = ctx.store.list<Stripe.InvoicePayment>("invoice_payment", {
    where: (p) => p.invoice === invoice.id && p.status === "paid",
  })[0];
  const piId = payment?.payment.payment_intent;
  const pi =
    typeof piId === "string"
      ? ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", piId)
      : null;
  const pmId = typeof pi?.payment_method === "string" ? pi.payment_method : null;
  const card = pmId ? ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pmId)?.card : null;
  if (!card) return null;
  const brand = card.brand.charAt(0).toUpperCase() + card.brand.slice(1);
  return `${brand} •••• ${card.last4}`;
}

export function renderInvoicePage(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  state: { error?: string | null; notice?: string | null } = {},
): string {
  const card = invoice.status === "paid" ? paidWith(ctx, invoice) : null;
  const open = invoice.status === "open";
  const payForm = open
    ? markup`<section class="card" aria-labelledby="pay-title">
<h2 id="pay-title">Pay ${money(invoice.amount_remaining, invoice.currency)}</h2>
${alert("error", state.error)}
<form method="post" novalidate>
<input type="hidden" name="action" value="pay">
${cardFields({})}
<div class="actions"><button type="submit" data-testid="pay-invoice">Pay ${money(invoice.amount_remaining, invoice.currency)}</button></div>
</form>
${testCardHint()}
</section>`
    : "";
  const headline = invoiceHeadlineParts(invoice);
  const summary = markup`<section class="card" aria-labelledby="invoice-title">
<p class="muted" style="margin:0">Invoice from ${invoice.account_name ?? "Stripe emulator"}</p>
<h1 id="invoice-title" class="big" style="margin:4px 0 16px">${headline.amount}</h1>
<p class="subline">${headline.caption}</p>
<p><span class="status ${invoice.status ?? ""}" data-testid="invoice-status">${invoice.status ?? ""}</span></p>
${alert("success", state.notice)}
<dl class="meta">
<dt>Invoice number</dt><dd data-testid="invoice-number">${invoice.number ?? invoice.id}</dd>
<dt>Date of issue</dt><dd>${formatDate(invoice.status_transitions.finalized_at ?? invoice.created)}</dd>
${invoice.due_date ? markup`<dt>Due date</dt><dd>${formatDate(invoice.due_date)}</dd>` : ""}
${invoice.status_transitions.paid_at ? markup`<dt>Paid</dt><dd>${formatDate(invoice.status_transitions.paid_at)}</dd>` : ""}
${card ? markup`<dt>Payment method</dt><dd data-testid="paid-with">${card}</dd>` : ""}
<dt>Billed to</dt><dd>${billTo(invoice)}</dd>
</dl>
${invoice.description ? markup`<p>${invoice.description}</p>` : ""}
${linesTable(invoice)}
<p style="margin-top:20px"><a class="button secondary" style="width:auto" href="/i/${invoice.id}/pdf" download="Invoice-${invoice.number ?? invoice.id}.pdf">Download PDF</a></p>
${invoice.footer ? markup`<p class="hint">${invoice.footer}</p>` : ""}
</section>`;
  return layout(
    `Invoice ${invoice.number ?? invoice.id}`,
    open ? markup`<div class="grid">${summary}${payForm}</div>` : summary,
  );
}

function paidOutcome(intent: Stripe.PaymentIntent) {
  return {
    status: "succeeded" as const,
    paymentIntent: intent.id,
    charge: typeof intent.latest_charge === "string" ? intent.latest_charge : null,
  };
}

export const invoicePagesModule: EmulatorModule = {
  name: "invoice-pages",
  pages: [
    {
      method: "GET",
      path: "/i/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const invoice = loadInvoice(ctx, id);
        if (!invoice) return notFound(id);
        const priv = pagePrivate(ctx, id);
        if (priv.flash) setPagePrivate(ctx, id, { ...priv, flash: null });
        return { html: renderInvoicePage(ctx, invoice, { error: priv.flash }) };
      },
    },
    {
      method: "GET",
      path: "/i/:id/pdf",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const invoice = loadInvoice(ctx, id);
        if (!invoice) return notFound(id);
        return {
          body: renderInvoicePdf(invoice),
          contentType: "application/pdf",
          headers: {
            "content-disposition": `inline; filename="Invoice-${invoice.number ?? invoice.id}.pdf"`,
          },
        };
      },
    },
    {
      method: "POST",
      path: "/i/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const invoice = loadInvoice(ctx, id);
        if (!invoice) return notFound(id);
        if (invoice.status !== "open") return { redirect: `${ctx.baseUrl}/i/${id}` };
        let pm: Stripe.PaymentMethod;
        try {
          const card = parseCardFields(ctx, req.form);
          pm = paymentMethodFromCard(ctx, card, { email: invoice.customer_email });
        } catch (error) {
          if (error instanceof FormError || error instanceof ApiError) {
            // Nothing was written: an invalid card never reaches the invoice.
            return {
              status: error.status,
              html: renderInvoicePage(ctx, invoice, { error: error.message }),
            };
          }
          throw error;
        }
        const { invoice: after, outcome } = payInvoice(ctx, id, { paymentMethod: pm.id });
        if (outcome?.status === "failed") {
          return { status: 402, html: renderInvoicePage(ctx, after, { error: outcome.message }) };
        }
        if (outcome?.status === "requires_action") {
          if (!outcome.paymentIntent) {
            return { status: 402, html: renderInvoicePage(ctx, after, { error: outcome.message }) };
          }
          setPagePrivate(ctx, id, { pending: { intent: outcome.paymentIntent }, flash: null });
          return { redirect: `${ctx.baseUrl}/i/${id}/auth` };
        }
        return { redirect: `${ctx.baseUrl}/i/${id}` };
      },
    },
    {
      method: "GET",
      path: "/i/:id/auth",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const invoice = loadInvoice(ctx, id);
        if (!invoice) return notFound(id);
        const pending = pagePrivate(ctx, id).pending;
        if (!pending || invoice.status !== "open") return { redirect: `${ctx.baseUrl}/i/${id}` };
        const pi = getPaymentIntent(ctx, pending.intent);
        return {
          html: challengePage(ctx, {
            amount: { amount: pi.amount, currency: pi.currency },
            what: "payment",
            returnsTo: "invoice",
            merchant: invoice.account_name ?? "Stripe emulator",
          }),
        };
      },
    },
    {
      method: "POST",
      path: "/i/:id/auth",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const invoice = loadInvoice(ctx, id);
        if (!invoice) return notFound(id);
        const priv = pagePrivate(ctx, id);
        const pending = priv.pending;
        if (!pending || invoice.status !== "open") return { redirect: `${ctx.baseUrl}/i/${id}` };
        const approve = req.form.action === "complete";
        const failed = (message: string) => {
          setPagePrivate(ctx, id, { pending: null, flash: message });
          return { redirect: `${ctx.baseUrl}/i/${id}` };
        };
        const result = completeAuthentication(ctx, pending.intent, approve);
        if (!approve || result.kind !== "payment_intent") return failed(AUTH_FAILED_MESSAGE);
        if (result.outcome.status !== "succeeded") {
          return failed(
            result.outcome.status === "failed" ? result.outcome.error.message : AUTH_FAILED_MESSAGE,
          );
        }
        setPagePrivate(ctx, id, { pending: null, flash: null });
        // The billing engine may already have paid the invoice when the intent succeeded.
        const current = loadInvoice(ctx, id);
        if (current?.status === "open") {
          markPaid(ctx, current, paidOutcome(result.outcome.paymentIntent), { outOfBand: false });
        }
        return { redirect: `${ctx.baseUrl}/i/${id}` };
      },
    },
  ],
};
