import type Stripe from "stripe";
import { cancelSubscription } from "../billing/subscriptions/cancel.ts";
import { periodOf } from "../billing/subscriptions/state.ts";
import { updateSubscription } from "../billing/subscriptions/update.ts";
import { ApiError } from "../core/errors.ts";
import { idOf } from "../core/util.ts";
import type { Ctx, EmulatorModule, PageResponse } from "../core/types.ts";
import { getConfiguration, getPortalSession } from "../resources/billing-portal.ts";
import { getCustomer, saveCustomer } from "../resources/customers.ts";
import { createSetupIntent } from "../resources/setup-intents.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";
import { confirmSetupIntent } from "../services/payments/setup-intents.ts";
import {
  AUTH_FAILED_MESSAGE,
  FormError,
  parseCardFields,
  paymentMethodFromCard,
} from "./card-form.ts";
import { challengePage, formatDate, layout, markup } from "./html.ts";
import {
  cancelConfirmPage,
  planLabel,
  renderPortal,
  subscriptionsOf,
  type PortalFlash,
  type PortalSession,
} from "./portal-view.ts";

/**
 * The customer portal (`billing_portal.session.url`): the customer's subscriptions (cancel
 * as the configuration says, or renew one set to cancel), their default card (replace it
 * through a SetupIntent, with 3-D Secure when the card asks), invoice history linking to
 * the hosted invoice pages, and the way back to `return_url`. The session id in the URL
 * is the credential, as at Stripe; every action checks the object belongs to its customer.
 */

interface PortalPrivate {
  flash: PortalFlash;
  /** A new card waiting for 3-D Secure. */
  pendingSetup: string | null;
}

const privateKey = (id: string) => `portal:${id}`;

function portalPrivate(ctx: Ctx, id: string): PortalPrivate {
  return ctx.store.getPrivate<PortalPrivate>(privateKey(id)) ?? { flash: null, pendingSetup: null };
}

function setPortalPrivate(ctx: Ctx, id: string, data: PortalPrivate): void {
  ctx.store.setPrivate(privateKey(id), data);
}

function notFound(): PageResponse {
  return {
    status: 404,
    html: layout(
      "Portal session not found",
      markup`<section class="card center"><h1>This link is not valid</h1><p role="alert">The portal session does not exist. Return to the merchant's site to open the portal again.</p></section>`,
    ),
  };
}

const home = (ctx: Ctx, session: PortalSession) => `${ctx.baseUrl}/p/session/${session.id}`;

function withFlash(
  ctx: Ctx,
  session: PortalSession,
  kind: "success" | "error",
  message: string,
): PageResponse {
  const priv = portalPrivate(ctx, session.id);
  setPortalPrivate(ctx, session.id, { ...priv, flash: { kind, message } });
  return { redirect: home(ctx, session) };
}

/** A subscription of the session's customer, or null (never another customer's). */
function ownSubscription(ctx: Ctx, session: PortalSession, id: string): Stripe.Subscription | null {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", id);
  if (!sub || sub.customer !== session.customer) return null;
  return sub;
}

/** Applies the billing-information form to the fields the configuration allows. */
function updateCustomerFromForm(
  ctx: Ctx,
  customer: Stripe.Customer,
  allowed: Set<string>,
  form: Record<string, unknown>,
): void {
  const text = (name: string) => (typeof form[name] === "string" ? form[name].trim() : "");
  const next: Stripe.Customer = { ...customer };
  if (allowed.has("name")) next.name = text("name") || null;
  if (allowed.has("email")) {
    const email = text("email");
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new FormError("Enter a valid email address.");
    next.email = email;
  }
  if (allowed.has("phone")) next.phone = text("phone") || null;
  if (allowed.has("address")) {
    const country = text("address_country").toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) {
      throw new FormError("Enter the country as a two-letter code (US, GB, FR…).");
    }
    next.address = {
      line1: text("address_line1") || null,
      line2: text("address_line2") || null,
      city: text("address_city") || null,
      postal_code: text("address_postal_code") || null,
      state: customer.address?.state ?? null,
      country: country || null,
    };
  }
  saveCustomer(ctx, customer, next);
}

/** Makes a card the customer's default (and the default of subscriptions that name one). */
function makeDefault(ctx: Ctx, customerId: string, paymentMethod: string): void {
  const customer = getCustomer(ctx, customerId);
  saveCustomer(ctx, customer, {
    ...customer,
    invoice_settings: { ...customer.invoice_settings, default_payment_method: paymentMethod },
  });
  for (const sub of subscriptionsOf(ctx, customerId)) {
    if (sub.default_payment_method && sub.default_payment_method !== paymentMethod) {
      updateSubscription(ctx, sub.id, { default_payment_method: paymentMethod });
    }
  }
}

function load(ctx: Ctx, id: string): PortalSession | null {
  const session = getPortalSession(ctx, id) ?? null;
  if (!session) return null;
  // A deleted customer has nothing left to manage.
  const customer = ctx.store.getTyped<{ deleted?: boolean }>("customer", session.customer);
  return customer && customer.deleted !== true ? session : null;
}

export const portalPagesModule: EmulatorModule = {
  name: "portal-pages",
  pages: [
    {
      method: "GET",
      path: "/p/session/:id",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const priv = portalPrivate(ctx, session.id);
        if (priv.flash) setPortalPrivate(ctx, session.id, { ...priv, flash: null });
        return { html: renderPortal(ctx, session, priv.flash) };
      },
    },
    {
      method: "GET",
      path: "/p/session/:id/cancel/:sub",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const sub = ownSubscription(ctx, session, req.pathParams.sub ?? "");
        if (!sub) return notFound();
        const config = getConfiguration(ctx, idOf(session.configuration));
        if (!config.features.subscription_cancel.enabled || sub.cancel_at_period_end) {
          return { redirect: home(ctx, session) };
        }
        return { html: cancelConfirmPage(ctx, session, sub, config) };
      },
    },
    {
      method: "POST",
      path: "/p/session/:id/cancel/:sub",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const sub = ownSubscription(ctx, session, req.pathParams.sub ?? "");
        if (!sub) return notFound();
        const config = getConfiguration(ctx, idOf(session.configuration));
        const feature = config.features.subscription_cancel;
        if (!feature.enabled) {
          return withFlash(ctx, session, "error", "Canceling is not available here.");
        }
        const reason = typeof req.form.reason === "string" ? req.form.reason : null;
        const feedback =
          reason && feature.cancellation_reason.options.includes(reason) ? reason : null;
        const { name } = planLabel(ctx, sub);
        if (feature.mode === "at_period_end") {
          const canceled = cancelSubscription(ctx, sub.id, {
            atPeriodEnd: true,
            ...(feedback ? { cancellationDetails: { feedback } } : {}),
          });
          return withFlash(
            ctx,
            session,
            "success",
            `${name} will be canceled on ${formatDate(canceled.cancel_at ?? periodOf(sub).end)}.`,
          );
        }
        cancelSubscription(ctx, sub.id, {
          prorate: feature.proration_behavior !== "none",
          invoiceNow: feature.proration_behavior === "always_invoice",
          ...(feedback ? { cancellationDetails: { feedback } } : {}),
        });
        return withFlash(ctx, session, "success", `${name} has been canceled.`);
      },
    },
    {
      method: "POST",
      path: "/p/session/:id/renew/:sub",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const sub = ownSubscription(ctx, session, req.pathParams.sub ?? "");
        if (!sub) return notFound();
        if (sub.cancel_at_period_end) {
          updateSubscription(ctx, sub.id, { cancel_at_period_end: false });
        }
        return withFlash(ctx, session, "success", `${planLabel(ctx, sub).name} will renew.`);
      },
    },
    {
      method: "POST",
      path: "/p/session/:id/payment_method",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const config = getConfiguration(ctx, idOf(session.configuration));
        if (!config.features.payment_method_update.enabled) {
          return withFlash(
            ctx,
            session,
            "error",
            "Updating the payment method is not available here.",
          );
        }
        try {
          // A declined card rolls back (savepoint): no payment method, no setup intent kept.
          const si = ctx.store.transaction(() => {
            const card = parseCardFields(ctx, req.form);
            const customer = getCustomer(ctx, session.customer);
            const pm = paymentMethodFromCard(ctx, card, { email: customer.email });
            const intent = createSetupIntent(ctx, {
              customer: session.customer,
              paymentMethod: pm.id,
              usage: "off_session",
              paymentMethodTypes: ["card"],
            });
            return confirmSetupIntent(ctx, intent, {
              returnUrl: `${ctx.baseUrl}/p/session/${session.id}/auth`,
            });
          });
          if (si.status === "requires_action") {
            const priv = portalPrivate(ctx, session.id);
            setPortalPrivate(ctx, session.id, { ...priv, pendingSetup: si.id });
            return { redirect: `${ctx.baseUrl}/p/session/${session.id}/auth` };
          }
          makeDefault(ctx, session.customer, idOf(si.payment_method));
          return withFlash(ctx, session, "success", "Your payment method has been updated.");
        } catch (error) {
          if (error instanceof FormError || error instanceof ApiError) {
            return withFlash(ctx, session, "error", error.message);
          }
          throw error;
        }
      },
    },
    {
      method: "POST",
      path: "/p/session/:id/customer",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const config = getConfiguration(ctx, idOf(session.configuration));
        const feature = config.features.customer_update;
        if (!feature.enabled) {
          return withFlash(
            ctx,
            session,
            "error",
            "Updating billing information is not available here.",
          );
        }
        try {
          const customer = getCustomer(ctx, session.customer);
          updateCustomerFromForm(ctx, customer, new Set(feature.allowed_updates), req.form);
        } catch (error) {
          if (error instanceof FormError) return withFlash(ctx, session, "error", error.message);
          throw error;
        }
        return withFlash(ctx, session, "success", "Your billing information has been updated.");
      },
    },
    {
      method: "GET",
      path: "/p/session/:id/auth",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        if (!portalPrivate(ctx, session.id).pendingSetup) return { redirect: home(ctx, session) };
        return {
          html: challengePage(ctx, { amount: null, what: "setup", returnsTo: "portal" }),
        };
      },
    },
    {
      method: "POST",
      path: "/p/session/:id/auth",
      handler: (ctx, req) => {
        const session = load(ctx, req.pathParams.id ?? "");
        if (!session) return notFound();
        const priv = portalPrivate(ctx, session.id);
        if (!priv.pendingSetup) return { redirect: home(ctx, session) };
        setPortalPrivate(ctx, session.id, { ...priv, pendingSetup: null });
        const approve = req.form.action === "complete";
        const result = completeAuthentication(ctx, priv.pendingSetup, approve);
        if (
          !approve ||
          result.kind !== "setup_intent" ||
          result.setupIntent.status !== "succeeded"
        ) {
          return withFlash(ctx, session, "error", AUTH_FAILED_MESSAGE);
        }
        makeDefault(ctx, session.customer, idOf(result.setupIntent.payment_method));
        return withFlash(ctx, session, "success", "Your payment method has been updated.");
      },
    },
  ],
};
