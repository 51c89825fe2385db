import type Stripe from "stripe";
import { ApiError } from "../core/errors.ts";
import { escapeHtml } from "../core/http.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";
import { formatMoney } from "../resources/shared.ts";

/**
 * The 3D Secure challenge a `redirect_to_url` next action points at: approve or fail,
 * then back to the intent's `return_url` with Stripe's query parameters.
 */

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f8fa;margin:0}main{max-width:26rem;margin:4rem auto;background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:2rem}h1{font-size:1.25rem}button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:1px solid #d0d7de;cursor:pointer;margin-right:.5rem}button.primary{background:#635bff;color:#fff;border-color:#635bff}.muted{color:#57606a;font-size:.9rem}</style></head><body><main>${body}</main></body></html>`;
}

function loadIntent(ctx: Ctx, id: string): Stripe.PaymentIntent | Stripe.SetupIntent {
  const intent = id.startsWith("seti_")
    ? ctx.store.getTyped<Stripe.SetupIntent>("setup_intent", id)
    : ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", id);
  if (!intent) throw new ApiError(404, "invalid_request_error", `No such intent: ${id}`);
  return intent;
}

function returnUrlOf(intent: Stripe.PaymentIntent | Stripe.SetupIntent, fallback: string): string {
  const next = intent.next_action;
  return next?.redirect_to_url?.return_url ?? fallback;
}

export const authenticatePages: EmulatorModule = {
  name: "authenticate",
  pages: [
    {
      method: "GET",
      path: "/3ds/complete",
      handler: (_ctx, req) => ({
        html: layout(
          "Authentication complete",
          `<h1>Authentication complete</h1><p class="muted">Intent ${escapeHtml(typeof req.query.payment_intent === "string" ? req.query.payment_intent : typeof req.query.setup_intent === "string" ? req.query.setup_intent : "")}. You can close this window.</p>`,
        ),
      }),
    },
    {
      method: "GET",
      path: "/3ds/:id",
      handler: (ctx, req) => {
        const intent = loadIntent(ctx, req.pathParams.id ?? "");
        if (intent.status !== "requires_action") {
          return {
            html: layout(
              "Nothing to authenticate",
              `<h1>Nothing to authenticate</h1><p role="status">This payment is ${escapeHtml(intent.status)}.</p>`,
            ),
          };
        }
        const what =
          intent.object === "payment_intent"
            ? `a payment of <strong>${escapeHtml(formatMoney(intent.amount, intent.currency))}</strong>`
            : "saving your card for future payments";
        const returnUrl = typeof req.query.return_url === "string" ? req.query.return_url : "";
        return {
          html: layout(
            "Authenticate your payment",
            `<h1>Test 3D Secure authentication</h1>
<p>Your bank asks you to confirm ${what}.</p>
<p class="muted">This is the emulator's stand-in for the bank's challenge page.</p>
<form method="post"><input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">
<button class="primary" type="submit" name="outcome" value="approve" data-testid="3ds-approve">Complete authentication</button>
<button type="submit" name="outcome" value="fail" data-testid="3ds-fail">Fail authentication</button></form>`,
          ),
        };
      },
    },
    {
      method: "POST",
      path: "/3ds/:id",
      handler: (ctx, req) => {
        const before = loadIntent(ctx, req.pathParams.id ?? "");
        const fallback =
          typeof req.form.return_url === "string" && req.form.return_url
            ? req.form.return_url
            : `${ctx.baseUrl}/3ds/complete`;
        const returnUrl = returnUrlOf(before, fallback);
        if (before.status === "requires_action") {
          completeAuthentication(ctx, before.id, req.form.outcome === "approve");
        }
        const url = new URL(returnUrl, ctx.baseUrl);
        const key = before.object === "payment_intent" ? "payment_intent" : "setup_intent";
        url.searchParams.set(key, before.id);
        url.searchParams.set(`${key}_client_secret`, before.client_secret ?? "");
        url.searchParams.set(
          "redirect_status",
          req.form.outcome === "approve" ? "succeeded" : "failed",
        );
        return { redirect: url.toString() };
      },
    },
  ],
};
