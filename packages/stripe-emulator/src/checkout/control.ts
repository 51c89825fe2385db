import { ApiError, invalidParam, invalidRequest } from "../core/errors.ts";
import type { ControlRoute, Ctx } from "../core/types.ts";
import { FormError } from "../pages/card-form.ts";
import { applyAdjustment } from "./adjust.ts";
import { resolveAuthentication } from "./authenticate.ts";
import { submitCheckout } from "./complete.ts";
import { KeptDecline } from "./form.ts";
import { getSession, getSessionPrivate, type Session } from "./session.ts";

/**
 * The control API's checkout endpoints (`/_emulator/checkout/…`): pay a session or answer
 * its 3-D Secure challenge as the hosted page would, for tests and demos.
 */

/** Form fields for the control API's `complete`, from a JSON body (tests and demos). */
function formFromBody(ctx: Ctx, body: Record<string, unknown>): Record<string, string> {
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  const year = new Date(ctx.now() * 1000).getUTCFullYear() + 5;
  const form: Record<string, string> = {
    action: "pay",
    email: str(body.email),
    card_number: str(body.card) || "4242424242424242",
    card_expiry: `12 / ${String(year).slice(-2)}`,
    card_cvc: "123",
    cardholder_name: str(body.name),
  };
  for (const kind of ["shipping", "billing"] as const) {
    const address = body[kind];
    if (address && typeof address === "object") {
      for (const [k, v] of Object.entries(address as Record<string, unknown>)) {
        form[`${kind}_${k}`] = str(v);
      }
    }
  }
  return form;
}

function controlSession(ctx: Ctx, id: string): Session {
  const session = getSession(ctx, id, "id");
  if (session.status !== "open") {
    throw invalidRequest(`This Checkout Session is ${session.status ?? "closed"}, not open.`);
  }
  return session;
}

export const checkoutControl: ControlRoute[] = [
  {
    // Pays a session as the hosted page would. Body: { card?, email?, name?, promotion_code?,
    // shipping?: { name, line1, city, postal_code, country, … }, billing?: { … } }.
    method: "POST",
    path: "/_emulator/checkout/sessions/:id/complete",
    handler: (ctx, req) => {
      let session = controlSession(ctx, req.pathParams.id ?? "");
      if (typeof req.body.promotion_code === "string") {
        const applied = applyAdjustment(ctx, session, {
          action: "apply_promo",
          promotion_code: req.body.promotion_code,
        });
        if (applied.state.promoError) {
          throw invalidParam("promotion_code", applied.state.promoError);
        }
        session = applied.session;
      }
      try {
        const result = submitCheckout(ctx, session, formFromBody(ctx, req.body));
        return { status: result.kind, redirect: result.redirect, session: result.session };
      } catch (error) {
        if (!(error instanceof FormError)) throw error;
        if (error instanceof KeptDecline) {
          // The failed attempt stays, as it does on the page.
          throw new ApiError(402, "card_error", error.message, {
            code: error.code,
            ...(error.declineCode ? { declineCode: error.declineCode } : {}),
            commit: true,
          });
        }
        if (error.status === 402) {
          throw new ApiError(402, "card_error", error.message, { code: "card_declined" });
        }
        throw invalidParam(error.field ?? "form", error.message);
      }
    },
  },
  {
    // Answers a pending 3-D Secure challenge. Body: { approve?: boolean } (default true).
    method: "POST",
    path: "/_emulator/checkout/sessions/:id/authenticate",
    handler: (ctx, req) => {
      const session = controlSession(ctx, req.pathParams.id ?? "");
      if (!getSessionPrivate(ctx, session.id).pendingAuth) {
        throw invalidRequest("This Checkout Session has no payment waiting for authentication.");
      }
      const approve = req.body.approve !== false && req.body.approve !== "false";
      const result = resolveAuthentication(ctx, session, approve);
      if (result.kind === "failed") {
        return {
          status: "failed",
          message: result.message,
          session: getSession(ctx, session.id),
        };
      }
      return { status: result.kind, redirect: result.redirect, session: result.session };
    },
  },
];
