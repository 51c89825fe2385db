import type Stripe from "stripe";
import type { Ctx, PageResponse } from "../core/types.ts";
import { businessFieldset, collectsBillingAddress, taxRow } from "../pages/checkout-tax.ts";
import {
  alert,
  cardFields,
  challengePage,
  countryName,
  markup,
  type Html,
  input,
  layout,
  money,
  select,
  testCardHint,
} from "../pages/html.ts";
import { sessionDiscount } from "./amounts.ts";
import { pendingAmount } from "./authenticate.ts";
import { knownEmail } from "./form.ts";
import {
  getSessionPrivate,
  successRedirect,
  type Session,
  type SessionPrivate,
} from "./session.ts";

/** The hosted checkout page's HTML: the order summary, the payment form, and closed pages. */

/** Countries offered for a billing address (any country works through a direct POST). */
const BILLING_COUNTRIES = [
  "US",
  "CA",
  "GB",
  "IE",
  "FR",
  "DE",
  "NL",
  "BE",
  "LU",
  "ES",
  "IT",
  "PT",
  "AT",
  "CH",
  "SE",
  "NO",
  "DK",
  "FI",
  "PL",
  "CZ",
  "AU",
  "NZ",
  "JP",
  "SG",
  "HK",
  "IN",
  "BR",
  "MX",
];

export interface FormState {
  error?: string | null;
  errorField?: string | null;
  promoError?: string | null;
  notice?: string | null;
  values?: Record<string, string>;
}

export function stringValues(form: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    // The card number and CVC are never echoed back into the page.
    if (typeof v === "string" && k !== "card_number" && k !== "card_cvc") out[k] = v;
  }
  return out;
}

function intervalLabel(price: Stripe.Price | null | undefined): string {
  const r = price?.recurring;
  if (!r) return "";
  return r.interval_count > 1 ? `every ${r.interval_count} ${r.interval}s` : `per ${r.interval}`;
}

function trialDays(ctx: Ctx, session: Session, priv: SessionPrivate): number | null {
  if (session.mode !== "subscription") return null;
  if (priv.trialPeriodDays !== null) return priv.trialPeriodDays;
  if (priv.trialEnd !== null) return Math.max(1, Math.ceil((priv.trialEnd - ctx.now()) / 86400));
  return null;
}

function summary(ctx: Ctx, session: Session, priv: SessionPrivate, state: FormState): Html {
  if (session.mode === "setup") {
    return markup`<section class="card" aria-labelledby="summary-title">
<h1 id="summary-title">Save your card</h1>
<p class="muted">Your card will be saved for future payments. You won't be charged now.</p>
</section>`;
  }
  const cur = session.currency ?? "usd";
  const trial = trialDays(ctx, session, priv);
  const discount = sessionDiscount(ctx, session);
  const subtotal = priv.lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
  const discountTotal = priv.lineItems.reduce((s, li) => s + li.amount_discount, 0);
  const recurring = priv.lineItems.filter((li) => li.price?.type === "recurring");
  const headline =
    session.mode === "subscription"
      ? `Subscribe to ${priv.lineItems[0]?.description ?? "this plan"}`
      : "Your order";
  const perPeriod = recurring[0] ? `${intervalLabel(recurring[0].price)}` : "";
  const big =
    session.mode === "subscription" && trial !== null
      ? markup`${trial} days free`
      : session.mode === "subscription"
        ? markup`${money(session.amount_total ?? 0, cur)} <span class="muted" style="font-size:16px;font-weight:400">${perPeriod}</span>`
        : markup`${money(session.amount_total ?? 0, cur)}`;
  const rows = priv.lineItems.map((li) => {
    const unit = li.price?.unit_amount ?? 0;
    const qty = li.quantity ?? 1;
    const adjustable = li.adjustable_quantity?.enabled === true;
    return markup`<tr>
<td><div class="item-name">${li.description ?? "Item"}</div>
<div class="item-meta">Qty ${qty}${qty > 1 ? markup` · ${money(unit, cur)} each` : ""}${li.price?.type === "recurring" ? markup` · billed ${intervalLabel(li.price)}` : ""}</div>
${
  adjustable
    ? markup`<form method="post" class="inline-form qty-form"><input type="hidden" name="action" value="update_quantity"><input type="hidden" name="line_item" value="${li.id}">${input({ name: "quantity", id: `qty-${li.id}`, label: markup`Quantity<span class="sr-only"> for ${li.description ?? "item"}</span>`, type: "number", value: String(qty), inputmode: "numeric" })}<button type="submit" class="secondary inline">Update</button></form>`
    : ""
}</td>
<td class="num">${money(li.amount_subtotal, cur)}</td>
</tr>`;
  });
  const promo = session.allow_promotion_codes
    ? discount?.promotionCode
      ? markup`<form method="post" class="inline-form" style="margin-top:16px"><input type="hidden" name="action" value="remove_promo"><p style="flex:1;margin:0">Code <strong>${discount.promotionCode.code}</strong> applied</p><button type="submit" class="secondary inline">Remove code</button></form>`
      : markup`<form method="post" class="inline-form" style="margin-top:16px" novalidate><input type="hidden" name="action" value="apply_promo">${input({ name: "promotion_code", label: "Promotion code", value: state.values?.promotion_code, autocomplete: "off" })}<button type="submit" class="secondary inline">Apply</button></form>
${state.promoError ? markup`<p class="hint" role="alert" style="color:#a3002f">${state.promoError}</p>` : ""}`
    : "";
  const dueToday = session.amount_total ?? 0;
  return markup`<section class="card" aria-labelledby="summary-title">
<h1 id="summary-title">${headline}</h1>
<p class="big" data-testid="amount-due">${big}</p>
${
  trial !== null && recurring[0]
    ? markup`<p class="muted">Then ${money(
        recurring.reduce((s, li) => s + li.amount_total, 0),
        cur,
      )} ${intervalLabel(recurring[0].price)} after the trial.</p>`
    : ""
}
<table aria-label="Order summary">
<thead><tr><th>Item</th><th class="num">Amount</th></tr></thead>
<tbody>${rows}
<tr class="sub"><td>Subtotal</td><td class="num">${money(subtotal, cur)}</td></tr>
${discount ? markup`<tr class="sub"><td>Discount${discount.promotionCode ? markup` (${discount.promotionCode.code})` : discount.coupon.name ? markup` (${discount.coupon.name})` : ""}</td><td class="num">−${money(discountTotal, cur)}</td></tr>` : ""}
${
  trial !== null
    ? markup`<tr class="sub"><td>Free trial</td><td class="num">−${money(
        recurring.reduce((s, li) => s + li.amount_total, 0),
        cur,
      )}</td></tr>`
    : ""
}
${taxRow(session, cur)}
<tr class="total"><td>Total due today</td><td class="num" data-testid="total-due">${money(dueToday, cur)}</td></tr>
</tbody></table>
${promo}
</section>`;
}

function submitLabel(ctx: Ctx, session: Session, priv: SessionPrivate): string {
  if (session.mode === "setup") return "Save card";
  if (session.mode === "subscription") {
    return trialDays(ctx, session, priv) !== null ? "Start trial" : "Subscribe";
  }
  if (session.submit_type === "donate")
    return `Donate ${money(session.amount_total ?? 0, session.currency ?? "usd")}`;
  if (session.submit_type === "book")
    return `Book ${money(session.amount_total ?? 0, session.currency ?? "usd")}`;
  return `Pay ${money(session.amount_total ?? 0, session.currency ?? "usd")}`;
}

/**
 * The label of the address's state field. The page has no script, so it can only follow a
 * country the form already knows: the only one allowed, or the one submitted before.
 */
function regionLabel(country: string | null): string {
  if (country === "US") return "State";
  if (country === "CA") return "Province";
  return country ? "Region" : "State / Province / Region";
}

function paymentForm(ctx: Ctx, session: Session, priv: SessionPrivate, state: FormState): Html {
  const values = state.values ?? {};
  const email = knownEmail(ctx, session);
  const allowed = session.shipping_address_collection?.allowed_countries ?? null;
  const submitted = values.shipping_country?.toUpperCase() ?? null;
  const shippingCountry =
    submitted && allowed?.includes(submitted)
      ? submitted
      : allowed?.length === 1
        ? (allowed[0] ?? null)
        : null;
  const shipping = allowed
    ? markup`<fieldset><legend>Shipping address</legend>
${input({ invalid: state.errorField === "shipping_name", name: "shipping_name", label: "Full name", value: values.shipping_name, autocomplete: "shipping name", required: true })}
${select({
  invalid: state.errorField === "shipping_country",
  name: "shipping_country",
  label: "Country",
  autocomplete: "shipping country",
  value: values.shipping_country ?? allowed[0] ?? null,
  options: (allowed as string[]).map((c) => ({ value: c, label: countryName(c) })),
})}
${input({ invalid: state.errorField === "shipping_line1", name: "shipping_line1", label: "Address line 1", value: values.shipping_line1, autocomplete: "shipping address-line1", required: true })}
${input({ name: "shipping_line2", label: "Address line 2 (optional)", value: values.shipping_line2, autocomplete: "shipping address-line2" })}
<div class="row3">
${input({ invalid: state.errorField === "shipping_city", name: "shipping_city", label: "City", value: values.shipping_city, autocomplete: "shipping address-level2", required: true })}
${input({ name: "shipping_state", label: regionLabel(shippingCountry), value: values.shipping_state, autocomplete: "shipping address-level1" })}
${input({ invalid: state.errorField === "shipping_postal_code", name: "shipping_postal_code", label: "Postal code", value: values.shipping_postal_code, autocomplete: "shipping postal-code", required: true })}
</div>
</fieldset>`
    : "";
  const billing = collectsBillingAddress(session)
    ? markup`<fieldset><legend>Billing address</legend>
${select({
  invalid: state.errorField === "billing_country",
  name: "billing_country",
  label: "Billing country",
  autocomplete: "billing country",
  value: values.billing_country ?? allowed?.[0] ?? "US",
  options: BILLING_COUNTRIES.map((c) => ({ value: c, label: countryName(c) })),
})}
${input({ invalid: state.errorField === "billing_line1", name: "billing_line1", label: "Billing address line 1", value: values.billing_line1, autocomplete: "billing address-line1", required: true })}
${input({ name: "billing_line2", label: "Billing address line 2 (optional)", value: values.billing_line2, autocomplete: "billing address-line2" })}
<div class="row3">
${input({ invalid: state.errorField === "billing_city", name: "billing_city", label: "Billing city", value: values.billing_city, autocomplete: "billing address-level2", required: true })}
${input({ name: "billing_state", label: "Billing state", value: values.billing_state, autocomplete: "billing address-level1" })}
${input({ invalid: state.errorField === "billing_postal_code", name: "billing_postal_code", label: "Billing postal code", value: values.billing_postal_code, autocomplete: "billing postal-code", required: true })}
</div>
</fieldset>`
    : "";
  return markup`<section class="card" aria-labelledby="pay-title">
<h2 id="pay-title">${session.mode === "payment" ? "Pay with card" : "Payment details"}</h2>
${alert("error", state.error)}
${alert("info", state.notice)}
<form method="post" novalidate>
<input type="hidden" name="action" value="pay">
<fieldset><legend>Contact information</legend>
${input({ invalid: state.errorField === "email", name: "email", label: "Email", type: "email", value: email ?? values.email, autocomplete: "email", required: true, readonly: email !== null })}
</fieldset>
${shipping}
${cardFields(values, state.errorField ?? null)}
${billing}
${businessFieldset(session, values, state.errorField ?? null)}
<div class="actions"><button type="submit" data-testid="submit">${submitLabel(ctx, session, priv)}</button></div>
</form>
${session.cancel_url ? markup`<a class="cancel" href="${session.cancel_url}">Cancel and return</a>` : ""}
${testCardHint()}
</section>`;
}

export function renderCheckout(ctx: Ctx, session: Session, state: FormState = {}): string {
  const priv = getSessionPrivate(ctx, session.id);
  return layout(
    session.mode === "setup" ? "Save your card" : "Checkout",
    markup`<div class="grid">${summary(ctx, session, priv, state)}${paymentForm(ctx, session, priv, state)}</div>`,
  );
}

export function closedPage(ctx: Ctx, session: Session): PageResponse {
  if (session.status === "complete") {
    const what =
      session.mode === "setup"
        ? "Your card has been saved."
        : session.mode === "subscription"
          ? "Your subscription has started."
          : "Your payment was successful.";
    return {
      html: layout(
        "Thanks!",
        markup`<section class="card center"><h1>Thanks for your order</h1><p role="status">${what}</p>${
          session.success_url
            ? markup`<p><a class="button" href="${successRedirect(ctx, session)}">Continue</a></p>`
            : ""
        }</section>`,
      ),
    };
  }
  return {
    status: 410,
    html: layout(
      "Session expired",
      markup`<section class="card center"><h1>This checkout session has expired</h1><p role="alert">The link you followed is no longer valid. Return to the merchant's site to start again.</p>${
        session.cancel_url
          ? markup`<p><a class="button secondary" href="${session.cancel_url}">Return</a></p>`
          : ""
      }</section>`,
    ),
  };
}

export function notFound(id: string): PageResponse {
  return {
    status: 404,
    html: layout(
      "Not found",
      markup`<section class="card center"><h1>Checkout session not found</h1><p role="alert">No checkout session ${id} exists.</p></section>`,
    ),
  };
}

export function authPage(ctx: Ctx, session: Session): string {
  const amount = pendingAmount(ctx, session);
  return challengePage(ctx, {
    amount,
    what: session.mode === "setup" ? "setup" : "payment",
    returnsTo: "checkout",
  });
}
