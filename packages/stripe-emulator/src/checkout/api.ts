import type { z } from "zod";
import { invalidRequest } from "../core/errors.ts";
import { paginate } from "../core/list.ts";
import { applyMetadata, metadata, obj, parseParams } from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { idOf } from "../core/util.ts";
import { createSession } from "./create.ts";
import { createSchema, lineListSchema, listSchema } from "./params.ts";
import { expireSession, getSession, getSessionPrivate, type Session } from "./session.ts";

/**
 * Checkout Sessions, the API half: create, retrieve, list, update, line items, expire, and
 * the expiry job. The hosted page that completes a session is `pages.ts`.
 */

/** An expandable field's id, or null (a session without a payment intent yet…). */
const refId = (value: unknown): string | null => idOf(value) || null;

function lineItemsList(ctx: Ctx, session: Session, params: z.output<typeof lineListSchema>) {
  const priv = getSessionPrivate(ctx, session.id);
  // Stripe lists line items in the order they were given, not newest first.
  return paginate(priv.lineItems, params, `/v1/checkout/sessions/${session.id}/line_items`);
}

export const checkoutSessionsModule: EmulatorModule = {
  name: "checkout-sessions",
  routes: [
    {
      method: "POST",
      path: "/v1/checkout/sessions",
      handler: (ctx, req) => createSession(ctx, parseParams(createSchema, req.params)),
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions",
      handler: (ctx, req) => {
        const p = parseParams(listSchema, req.params);
        const items = ctx.store.list<Session>("checkout.session", {
          ...(p.customer !== undefined ? { customer: p.customer } : {}),
          created: p.created,
          where: (s) =>
            (p.status === undefined || s.status === p.status) &&
            (p.payment_intent === undefined || refId(s.payment_intent) === p.payment_intent) &&
            (p.subscription === undefined || refId(s.subscription) === p.subscription) &&
            (p.payment_link === undefined || refId(s.payment_link) === p.payment_link) &&
            (p.customer_details === undefined ||
              (s.customer_details?.email ?? "").toLowerCase() ===
                p.customer_details.email.toLowerCase()),
        });
        return paginate(items, p, "/v1/checkout/sessions");
      },
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions/:id",
      handler: (ctx, req) => getSession(ctx, req.pathParams.id ?? "", "id"),
    },
    {
      method: "POST",
      path: "/v1/checkout/sessions/:id",
      // Only metadata: line items, shipping options and collected information are updated
      // by custom (Elements) integrations, which the emulator does not offer.
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        const p = parseParams(obj({ metadata: metadata().optional() }), req.params);
        if (p.metadata === undefined) return session;
        const next: Session = { ...session, metadata: applyMetadata(session.metadata, p.metadata) };
        ctx.store.update(next);
        return next;
      },
    },
    {
      method: "GET",
      path: "/v1/checkout/sessions/:id/line_items",
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        return lineItemsList(ctx, session, parseParams(lineListSchema, req.params));
      },
    },
    {
      method: "POST",
      path: "/v1/checkout/sessions/:id/expire",
      handler: (ctx, req) => {
        const session = getSession(ctx, req.pathParams.id ?? "", "id");
        parseParams(obj({}), req.params);
        if (session.status !== "open") {
          throw invalidRequest(
            `Only Checkout Sessions with a status of \`open\` can be expired. This session's status is \`${session.status ?? ""}\`.`,
          );
        }
        return expireSession(ctx, session);
      },
    },
  ],
  expanders: {
    "checkout.session.line_items": (ctx, object) =>
      lineItemsList(ctx, object as unknown as Session, { limit: 100 }),
  },
  jobs: {
    "checkout_session.expire": (ctx, payload) => {
      const id = (payload as { session: string }).session;
      const session = ctx.store.getTyped<Session>("checkout.session", id);
      // Completed sessions keep their status; the job only ends sessions still open.
      if (session?.status === "open") expireSession(ctx, session);
    },
  },
};
