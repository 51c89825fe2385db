import type Stripe from "stripe";
import { ApiError, invalidParam, invalidRequest } from "../core/errors.ts";
import type { Ctx, EmulatorModule, PageResponse } from "../core/types.ts";
import {
  expireSession,
  getSession,
  getSessionPrivate,
  sessionDiscount,
  setSessionPrivate,
  type SessionPrivate,
} from "../resources/checkout-sessions.ts";
import { resolvePromotionCode } from "../resources/coupons.ts";
import {
  FormError,
  KeptDecline,
  knownEmail,
  pendingAmount,
  resolveAuthentication,
  saveRecalculated,
  submitCheckout,
  successRedirect,
} from "./checkout-flow.ts";
import { businessFieldset, collectsBillingAddress, taxRow } from "./checkout-tax.ts";
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
} from "./html.ts";

type Session = Stripe.Checkout.Session;

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

interface FormState {
  error?: string | null;
  errorField?: string | null;
  promoError?: string | null;
  notice?: string | null;
  values?: Record<string, string>;
}

function stringValues(form: Record<string, unknown>): Record<string, string> {
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

function closedPage(ctx: Ctx, session: Session): PageResponse {
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

function notFound(id: string): PageResponse {
  return {
    status: 404,
    html: layout(
      "Not found",
      markup`<section class="card center"><h1>Checkout session not found</h1><p role="alert">No checkout session ${id} exists.</p></section>`,
    ),
  };
}

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

/** Applies the promotion-code and quantity forms; returns the state to re-render with. */
function applyAdjustment(
  ctx: Ctx,
  session: Session,
  form: Record<string, unknown>,
): { session: Session; state: FormState } {
  const priv = getSessionPrivate(ctx, session.id);
  const action = form.action;
  if (action === "apply_promo") {
    const code = typeof form.promotion_code === "string" ? form.promotion_code.trim() : "";
    if (!session.allow_promotion_codes) {
      return {
        session,
        state: { promoError: "Promotion codes are not accepted for this purchase." },
      };
    }
    if (!code) return { session, state: { promoError: "Enter a promotion code." } };
    try {
      const subtotal = priv.lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
      const { promotionCode, coupon } = resolvePromotionCode(ctx, code, {
        customer: typeof session.customer === "string" ? session.customer : null,
        amount: subtotal,
        ...(session.currency ? { currency: session.currency } : {}),
      });
      if (coupon.amount_off !== null && coupon.currency !== session.currency) {
        const other = coupon.currency_options?.[session.currency ?? ""];
        if (!other) throw new FormError("This code is not valid for this currency.");
      }
      const next = saveRecalculated(
        ctx,
        { ...session, discounts: [{ coupon: coupon.id, promotion_code: promotionCode.id }] },
        priv,
      );
      return { session: next, state: { notice: `Promotion code ${promotionCode.code} applied.` } };
    } catch (error) {
      if (error instanceof FormError || error instanceof ApiError) {
        return {
          session,
          state: { promoError: "This code is invalid.", values: { promotion_code: code } },
        };
      }
      throw error;
    }
  }
  if (action === "remove_promo") {
    return { session: saveRecalculated(ctx, { ...session, discounts: [] }, priv), state: {} };
  }
  // update_quantity
  const id = typeof form.line_item === "string" ? form.line_item : "";
  const raw = typeof form.quantity === "string" ? form.quantity.trim() : "";
  const index = priv.lineItems.findIndex((li) => li.id === id);
  const li = priv.lineItems[index];
  if (!li?.adjustable_quantity?.enabled) {
    return { session, state: { error: "This item's quantity cannot be changed." } };
  }
  const min = li.adjustable_quantity.minimum ?? 0;
  const max = li.adjustable_quantity.maximum ?? 99;
  const qty = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(qty) || qty < min || qty > max) {
    return { session, state: { error: `Quantity must be between ${min} and ${max}.` } };
  }
  const unit = li.price?.unit_amount ?? 0;
  priv.lineItems[index] = {
    ...li,
    quantity: qty,
    amount_subtotal: unit * qty,
    amount_total: unit * qty,
  };
  if (priv.lineItems.every((x) => (x.quantity ?? 0) === 0)) {
    return { session, state: { error: "Your order must contain at least one item." } };
  }
  return { session: saveRecalculated(ctx, session, priv), state: {} };
}

function authPage(ctx: Ctx, session: Session): string {
  const amount = pendingAmount(ctx, session);
  return challengePage(ctx, {
    amount,
    what: session.mode === "setup" ? "setup" : "payment",
    returnsTo: "checkout",
  });
}

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

export const checkoutPagesModule: EmulatorModule = {
  name: "checkout-pages",
  control: [
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
  ],
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
