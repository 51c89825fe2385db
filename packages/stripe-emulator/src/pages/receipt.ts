import type Stripe from "stripe";
import { escapeHtml } from "../core/http.ts";
import type { EmulatorModule } from "../core/types.ts";
import { formatMoney } from "../resources/shared.ts";

/** The page behind `charge.receipt_url`. */
export const receiptPages: EmulatorModule = {
  name: "receipts",
  pages: [
    {
      method: "GET",
      path: "/receipts/:charge",
      handler: (ctx, req) => {
        const charge = ctx.store.getTyped<Stripe.Charge>("charge", req.pathParams.charge ?? "");
        if (!charge) {
          return {
            status: 404,
            html: "<!doctype html><title>Receipt not found</title><h1>Receipt not found</h1>",
          };
        }
        const card = charge.payment_method_details?.card;
        const date = new Date(charge.created * 1000).toISOString().slice(0, 10);
        const refunded = charge.amount_refunded
          ? `<tr><th>Refunded</th><td data-testid="receipt-refunded">${escapeHtml(formatMoney(charge.amount_refunded, charge.currency))}</td></tr>`
          : "";
        return {
          html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Receipt</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f8fa}main{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:2rem}th{text-align:left;color:#57606a;font-weight:normal;padding-right:1rem}</style></head>
<body><main><h1>Receipt</h1>
<p data-testid="receipt-amount" style="font-size:2rem;margin:.5rem 0">${escapeHtml(formatMoney(charge.amount_captured || charge.amount, charge.currency))}</p>
<table><tr><th>Date</th><td>${escapeHtml(date)}</td></tr>
<tr><th>Payment method</th><td>${escapeHtml(card ? `${card.brand} •••• ${card.last4 ?? ""}` : "card")}</td></tr>
<tr><th>Status</th><td>${escapeHtml(charge.status)}</td></tr>
${charge.description ? `<tr><th>Description</th><td>${escapeHtml(charge.description)}</td></tr>` : ""}
${refunded}
<tr><th>Charge</th><td><code>${escapeHtml(charge.id)}</code></td></tr></table></main></body></html>`,
        };
      },
    },
  ],
};
