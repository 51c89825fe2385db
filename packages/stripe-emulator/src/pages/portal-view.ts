import type Stripe from "stripe";
import { periodOf } from "../billing/subscriptions/state.ts";
import type { Ctx } from "../core/types.ts";
import { idOf } from "../core/util.ts";
import { getConfiguration } from "../resources/billing-portal.ts";
import { getCustomer } from "../resources/customers.ts";
import { productName } from "../billing/invoices/descriptions.ts";
import {
  alert,
  cardFields,
  formatDate,
  type Html,
  input,
  layout,
  markup,
  money,
  testCardHint,
} from "./html.ts";

/** The customer portal's HTML: subscriptions, default card, billing details, invoices. */

export type PortalSession = Stripe.BillingPortal.Session;
export type PortalFlash = { kind: "success" | "error"; message: string } | null;

/** The customer's subscriptions that are still running. */
export function subscriptionsOf(ctx: Ctx, customer: string): Stripe.Subscription[] {
  return ctx.store.list<Stripe.Subscription>("subscription", {
    customer,
    where: (s) => s.status !== "canceled" && s.status !== "incomplete_expired",
  });
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

export function planLabel(ctx: Ctx, sub: Stripe.Subscription): { name: string; price: string } {
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

export function renderPortal(ctx: Ctx, session: PortalSession, flash: PortalFlash): string {
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

export function cancelConfirmPage(
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
