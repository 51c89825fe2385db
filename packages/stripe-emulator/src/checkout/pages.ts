import { ApiError } from "../core/errors.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { FormError } from "../pages/card-form.ts";
import { applyAdjustment } from "./adjust.ts";
import { resolveAuthentication } from "./authenticate.ts";
import { submitCheckout } from "./complete.ts";
import { checkoutControl } from "./control.ts";
import {
  authPage,
  closedPage,
  notFound,
  renderCheckout,
  stringValues,
  type FormState,
} from "./page.ts";
import {
  expireSession,
  getSession,
  getSessionPrivate,
  setSessionPrivate,
  type Session,
} from "./session.ts";

/** The hosted checkout page (`/c/pay/:id`) and its 3-D Secure challenge (`/c/auth/:id`). */

function loadSession(ctx: Ctx, id: string): Session | null {
  try {
    const session = getSession(ctx, id);
    // The expiry job may not have run yet (real-time clock between ticks): expire now.
    if (session.status === "open" && ctx.now() >= session.expires_at) {
      return expireSession(ctx, session);
    }
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export const checkoutPagesModule: EmulatorModule = {
  name: "checkout-pages",
  control: checkoutControl,
  pages: [
    {
      method: "GET",
      path: "/c/pay/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const session = loadSession(ctx, id);
        if (!session) return notFound(id);
        if (session.status !== "open") return closedPage(ctx, session);
        const priv = getSessionPrivate(ctx, session.id);
        const state: FormState = {};
        if (priv.flash) {
          state.error = priv.flash.error;
          state.values = stringValues(priv.flash.form);
          setSessionPrivate(ctx, session.id, { ...priv, flash: null });
        }
        return { html: renderCheckout(ctx, session, state) };
      },
    },
    {
      method: "POST",
      path: "/c/pay/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const session = loadSession(ctx, id);
        if (!session) return notFound(id);
        if (session.status !== "open") return closedPage(ctx, session);
        const action = req.form.action;
        if (action === "apply_promo" || action === "remove_promo" || action === "update_quantity") {
          const { session: next, state } = applyAdjustment(ctx, session, req.form);
          return {
            status: state.error || state.promoError ? 400 : 200,
            html: renderCheckout(ctx, next, state),
          };
        }
        try {
          const result = submitCheckout(ctx, session, req.form);
          return { redirect: result.redirect };
        } catch (error) {
          if (!(error instanceof FormError)) throw error;
          return {
            status: error.status,
            html: renderCheckout(ctx, session, {
              error: error.message,
              errorField: error.field,
              values: stringValues(req.form),
            }),
          };
        }
      },
    },
    {
      method: "GET",
      path: "/c/auth/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const session = loadSession(ctx, id);
        if (!session) return notFound(id);
        if (session.status !== "open") return closedPage(ctx, session);
        if (!getSessionPrivate(ctx, session.id).pendingAuth) {
          return { redirect: `${ctx.baseUrl}/c/pay/${session.id}` };
        }
        return { html: authPage(ctx, session) };
      },
    },
    {
      method: "POST",
      path: "/c/auth/:id",
      handler: (ctx, req) => {
        const id = req.pathParams.id ?? "";
        const session = loadSession(ctx, id);
        if (!session) return notFound(id);
        if (session.status !== "open") return closedPage(ctx, session);
        if (!getSessionPrivate(ctx, session.id).pendingAuth) {
          return { redirect: `${ctx.baseUrl}/c/pay/${session.id}` };
        }
        const approve = req.form.action === "complete";
        const result = resolveAuthentication(ctx, session, approve);
        return {
          redirect:
            result.kind === "failed" ? `${ctx.baseUrl}/c/pay/${session.id}` : result.redirect,
        };
      },
    },
  ],
};
