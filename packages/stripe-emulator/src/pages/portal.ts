import type Stripe from "stripe";
import { cancelSubscription } from "../billing/subscriptions/cancel.ts";
import { periodOf } from "../billing/subscriptions/state.ts";
import { updateSubscription } from "../billing/subscriptions/update.ts";
import { ApiError } from "../core/errors.ts";
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
import {
  alert,
  cardFields,
  challengePage,
  formatDate,
  type Html,
  input,
  layout,
  markup,
  money,
  testCardHint,
} from "./html.ts";

/**
 * The customer portal (`billing_portal.session.url`): the customer's subscriptions (cancel
 * as the configuration says, or renew one set to cancel), their default card (replace it
 * through a SetupIntent, with 3-D Secure when the card asks), invoice history linking to
 * the hosted invoice pages, and the way back to `return_url`. The session id in the URL
 * is the credential, as at Stripe; every action checks the object belongs to its customer.
 */

type PortalSession = Stripe.BillingPortal.Session;

interface PortalPrivate {
  flash: { kind: "success" | "error"; message: string } | null;
  /** A new card waiting for 3-D Secure. */
  pendingSetup: string | null;
}

const privateKey = (id: string) => `portal:${id}`;

const idOf = (v: string | { id: string } | null): string =>
  typeof v === "string" ? v : (v?.id ?? "");

function portalPrivate(ctx: Ctx, id: string): PortalPrivate {
  return ctx.store.getPrivate<PortalPrivate>(privateKey(id)) ?? { flash: null, pendingSetup: null };
}

function setPortalPrivate(ctx: Ctx, id: string, data: PortalPrivate): void {
  ctx.store.setPrivate(privateKey(id), data);
}

const CANCEL_REASON_LABELS: Record<string, string> = {
  too_expensive: "It's too expensive",
  missing_features: "Some features are missing",
  switched_service: "I'm switching to a different service",
  unused: "I don't use the service enough",
  customer_service: "Customer service was less than expected",
  too_complex: "Ease of use was less than expected",
  low_quality: "Quality was less than expected",
  other: "Other reason",
};

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

function subscriptionsOf(ctx: Ctx, customer: string): Stripe.Subscription[] {
  return ctx.store.list<Stripe.Subscription>("subscription", {
    customer,
    where: (s) => s.status !== "canceled" && s.status !== "incomplete_expired",
  });
}

/** A subscription of the session's customer, or null (never another customer's). */
function ownSubscription(ctx: Ctx, session: PortalSession, id: string): Stripe.Subscription | null {
  const sub = ctx.store.getTyped<Stripe.Subscription>("subscription", id);
  if (!sub || sub.customer !== session.customer) return null;
  return sub;
}

function productName(ctx: Ctx, price: Stripe.Price): string {
  const id = typeof price.product === "string" ? price.product : price.product.id;
  return ctx.store.get<Stripe.Product>(id)?.name ?? id;
}

function planLabel(ctx: Ctx, sub: Stripe.Subscription): { name: string; price: string } {
  const names = sub.items.data.map((item) => {
    const qty = item.quantity ?? 1;
    return `${productName(ctx, item.price)}${qty > 1 ? ` × ${qty}` : ""}`;
  });
  const amount = sub.items.data.reduce(
    (s, item) => s + (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    0,
  );
  const r = sub.items.data[0]?.price.recurring;
  const every = r
    ? r.interval_count > 1
      ? `every ${r.interval_count} ${r.interval}s`
      : `per ${r.interval}`
    : "";
  return { name: names.join(", "), price: `${money(amount, sub.currency)} ${every}` };
}

function subscriptionSection(
  ctx: Ctx,
  session: PortalSession,
  config: Stripe.BillingPortal.Configuration,
): Html {
  const subs = subscriptionsOf(ctx, session.customer);
  const rows = subs.map((sub) => {
    const { name, price } = planLabel(ctx, sub);
    const end = periodOf(sub).end;
    const when = sub.cancel_at
      ? markup`Cancels on ${formatDate(sub.cancel_at)}`
      : sub.status === "trialing" && sub.trial_end
        ? markup`Trial ends on ${formatDate(sub.trial_end)}`
        : markup`Renews on ${formatDate(end)}`;
    const action = sub.cancel_at_period_end
      ? markup`<form method="post" action="/p/session/${session.id}/renew/${sub.id}"><button type="submit" class="secondary inline">Renew plan</button></form>`
      : config.features.subscription_cancel.enabled
        ? markup`<a class="button secondary" style="width:auto;padding:7px 14px;font-size:14px" href="/p/session/${session.id}/cancel/${sub.id}">Cancel plan</a>`
        : "";
    return markup`<li data-testid="subscription-${sub.id}"><div><div class="item-name">${name}</div><div class="item-meta">${price} · <span class="status ${sub.status}">${sub.status.replace("_", " ")}</span> · ${when}</div></div>${action}</li>`;
  });
  return markup`<section class="card" aria-labelledby="subs-title">
<h2 id="subs-title">Current plan${subs.length === 1 ? "" : "s"}</h2>
${rows.length > 0 ? markup`<ul class="list">${rows}</ul>` : markup`<p class="muted">You have no active subscriptions.</p>`}
</section>`;
}

function paymentMethodSection(
  ctx: Ctx,
  session: PortalSession,
  customer: Stripe.Customer,
  config: Stripe.BillingPortal.Configuration,
): Html {
  const dpm = customer.invoice_settings.default_payment_method;
  const pmId = typeof dpm === "string" ? dpm : (dpm?.id ?? null);
  const pm = pmId ? ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pmId) : null;
  const current = pm?.card
    ? markup`<p data-testid="default-payment-method"><strong style="text-transform:capitalize">${pm.card.brand}</strong> •••• ${pm.card.last4} <span class="muted">Expires ${String(pm.card.exp_month).padStart(2, "0")}/${String(pm.card.exp_year).slice(-2)}</span></p>`
    : markup`<p class="muted" data-testid="default-payment-method">No payment method on file.</p>`;
  const form = config.features.payment_method_update.enabled
    ? markup`<details${pm ? "" : markup` open`}><summary style="cursor:pointer;font-weight:600;margin:8px 0 14px">${pm ? "Update payment method" : "Add payment method"}</summary>
<form method="post" action="/p/session/${session.id}/payment_method" novalidate>
${cardFields({})}
<div class="actions"><button type="submit">Save card</button></div>
</form>${testCardHint()}</details>`
    : "";
  return markup`<section class="card" aria-labelledby="pm-title"><h2 id="pm-title">Payment method</h2>${current}${form}</section>`;
}

function customerSection(
  session: PortalSession,
  customer: Stripe.Customer,
  config: Stripe.BillingPortal.Configuration,
): Html {
  const allowed = new Set(config.features.customer_update.allowed_updates);
  const a = customer.address;
  const fields = [
    allowed.has("name")
      ? input({ name: "name", label: "Name", value: customer.name, autocomplete: "name" })
      : "",
    allowed.has("email")
      ? input({
          name: "email",
          label: "Email",
          type: "email",
          value: customer.email,
          autocomplete: "email",
        })
      : "",
    allowed.has("phone")
      ? input({
          name: "phone",
          label: "Phone",
          type: "tel",
          value: customer.phone,
          autocomplete: "tel",
        })
      : "",
    allowed.has("address")
      ? markup`${input({ name: "address_line1", label: "Address line 1", value: a?.line1, autocomplete: "address-line1" })}${input({ name: "address_line2", label: "Address line 2 (optional)", value: a?.line2, autocomplete: "address-line2" })}<div class="row3">${input({ name: "address_city", label: "City", value: a?.city, autocomplete: "address-level2" })}${input({ name: "address_postal_code", label: "Postal code", value: a?.postal_code, autocomplete: "postal-code" })}${input({ name: "address_country", label: "Country (2 letters)", value: a?.country, autocomplete: "country" })}</div>`
      : "",
  ];
  return markup`<section class="card" aria-labelledby="cust-title"><h2 id="cust-title">Billing information</h2>
<form method="post" action="/p/session/${session.id}/customer" novalidate>${fields}
<div class="actions"><button type="submit" class="secondary">Save billing information</button></div></form></section>`;
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

function invoiceSection(ctx: Ctx, session: PortalSession): Html {
  const invoices = ctx.store
    .list<Stripe.Invoice>("invoice", {
      customer: session.customer,
      where: (i) => i.status !== "draft",
    })
    .slice(0, 24);
  const rows = invoices.map(
    (i) =>
      markup`<tr><td>${formatDate(i.status_transitions.finalized_at ?? i.created)}</td><td class="wrap-anywhere">${i.number ?? i.id}</td><td class="num">${money(i.total, i.currency)}</td><td><span class="status ${i.status ?? ""}">${i.status ?? ""}</span></td><td class="num"><a href="/i/${i.id}">${i.status === "open" ? "Pay" : "View"}</a></td></tr>`,
  );
  return markup`<section class="card" aria-labelledby="inv-title"><h2 id="inv-title">Invoice history</h2>
${
  rows.length > 0
    ? markup`<table aria-label="Invoices"><thead><tr><th>Date</th><th>Number</th><th class="num">Amount</th><th>Status</th><th><span class="sr-only">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
    : markup`<p class="muted">No invoices yet.</p>`
}</section>`;
}

function renderPortal(ctx: Ctx, session: PortalSession, flash: PortalPrivate["flash"]): string {
  const customer = getCustomer(ctx, session.customer);
  const config = getConfiguration(ctx, idOf(session.configuration));
  const headline = config.business_profile.headline;
  return layout(
    "Billing",
    markup`<p><a href="${session.return_url ?? "#"}">← Return to ${headline ?? "the merchant"}</a></p>
<h1>Billing</h1>
<p class="muted">${customer.email ?? customer.name ?? customer.id}</p>
${flash ? alert(flash.kind, flash.message) : ""}
${subscriptionSection(ctx, session, config)}
${paymentMethodSection(ctx, session, customer, config)}
${config.features.customer_update.enabled ? customerSection(session, customer, config) : ""}
${config.features.invoice_history.enabled ? invoiceSection(ctx, session) : ""}`,
  );
}

function cancelConfirmPage(
  ctx: Ctx,
  session: PortalSession,
  sub: Stripe.Subscription,
  config: Stripe.BillingPortal.Configuration,
): string {
  const { name } = planLabel(ctx, sub);
  const atPeriodEnd = config.features.subscription_cancel.mode === "at_period_end";
  const end = periodOf(sub).end;
  const reasons = config.features.subscription_cancel.cancellation_reason;
  const reasonField =
    reasons.enabled && reasons.options.length > 0
      ? markup`<fieldset><legend>Tell us why you're canceling (optional)</legend>${reasons.options.map(
          (o) =>
            markup`<div><label style="font-weight:400;display:flex;gap:8px;align-items:center"><input type="radio" name="reason" value="${o}" style="width:auto">${CANCEL_REASON_LABELS[o] ?? o}</label></div>`,
        )}</fieldset>`
      : "";
  return layout(
    "Cancel your plan",
    markup`<section class="card center" style="text-align:left" aria-labelledby="cancel-title">
<h1 id="cancel-title">Cancel your plan</h1>
<p>${
      atPeriodEnd
        ? markup`Your ${name} subscription will be canceled. It stays available until the end of your billing period on <strong>${formatDate(end)}</strong>, and you won't be charged again.`
        : markup`Your ${name} subscription will be canceled <strong>immediately</strong> and you will lose access now.`
    }</p>
<form method="post" class="actions">${reasonField}
<button type="submit" class="danger">Cancel plan</button>
<a class="button secondary" href="/p/session/${session.id}">Go back</a>
</form>
</section>`,
  );
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
