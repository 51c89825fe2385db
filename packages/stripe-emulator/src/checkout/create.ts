import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { checkPromotion, getCoupon, getPromotionCode } from "../resources/coupons.ts";
import { getCustomer } from "../resources/customers.ts";
import { minimumCharge } from "../services/payments/state.ts";
import { sessionAutomaticTax, sessionTaxIdCollection } from "../tax/checkout-tax.ts";
import { recalculate } from "./amounts.ts";
import { checkCreateParams } from "./create-checks.ts";
import { resolveLineItems } from "./line-items.ts";
import type { SessionCreateParams } from "./params.ts";
import { setSessionPrivate, type Session, type SessionPrivate } from "./session.ts";

/** `POST /v1/checkout/sessions`: everything checked before the session is stored. */

type Mode = NonNullable<SessionCreateParams["mode"]>;

/** Line items for payment and subscription mode (none in setup mode); the currency they set. */
function lineItemsFor(ctx: Ctx, mode: Mode, p: SessionCreateParams): Stripe.LineItem[] {
  if (mode === "setup") {
    if (p.line_items !== undefined && p.line_items.length > 0) {
      throw invalidParam("line_items", "`line_items` cannot be used in `setup` mode.");
    }
    return [];
  }
  if (p.line_items === undefined || p.line_items.length === 0) throw missingParam("line_items");
  const lineItems = resolveLineItems(ctx, mode, p.line_items);
  if (mode === "subscription" && !lineItems.some((li) => li.price?.type === "recurring")) {
    throw invalidParam(
      "line_items",
      "You must provide at least one recurring price in `subscription` mode when using prices.",
    );
  }
  if (p.currency !== undefined && p.currency !== lineItems[0]?.currency) {
    throw invalidParam(
      "currency",
      `The currency ${p.currency} does not match the line items' currency ${lineItems[0]?.currency ?? ""}.`,
    );
  }
  return lineItems;
}

/** Discounts given up front are validated now (the hosted page only re-checks validity). */
function discountsFor(
  ctx: Ctx,
  p: SessionCreateParams,
  mode: Mode,
  lineItems: Stripe.LineItem[],
  customer: Stripe.Customer | null,
  sessionCurrency: string | null,
): Stripe.Checkout.Session.Discount[] | null {
  if (p.discounts === undefined || p.discounts.length === 0) return null;
  let result: Stripe.Checkout.Session.Discount[];
  if (p.discounts.length > 1) {
    throw invalidParam("discounts", "You may only specify one discount per Checkout Session.");
  }
  const d = p.discounts[0] ?? {};
  if (d.coupon !== undefined && d.promotion_code !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: coupon, promotion_code.", {
      code: "parameters_exclusive",
      param: "discounts[0][coupon]",
    });
  }
  const subtotal = lineItems.reduce((s, li) => s + li.amount_subtotal, 0);
  if (d.coupon !== undefined) {
    const coupon = getCoupon(ctx, d.coupon, "discounts[0][coupon]");
    if (!coupon.valid) {
      throw invalidParam("discounts[0][coupon]", `Coupon ${coupon.id} is no longer valid.`);
    }
    result = [{ coupon: coupon.id, promotion_code: null }];
  } else if (d.promotion_code !== undefined) {
    const promo = getPromotionCode(ctx, d.promotion_code, "discounts[0][promotion_code]");
    const { coupon } = checkPromotion(
      ctx,
      promo,
      {
        customer: customer?.id ?? null,
        amount: subtotal,
        ...(sessionCurrency ? { currency: sessionCurrency } : {}),
      },
      "discounts[0][promotion_code]",
    );
    result = [{ coupon: coupon.id, promotion_code: promo.id }];
  } else {
    throw missingParam("discounts[0][coupon]");
  }
  if (mode === "setup")
    throw invalidParam("discounts", "`discounts` cannot be used in `setup` mode.");
  return result;
}

function customerDetailsOf(customer: Stripe.Customer): Stripe.Checkout.Session.CustomerDetails {
  return {
    address: customer.address ?? null,
    business_name: null,
    email: customer.email,
    individual_name: null,
    name: customer.name ?? null,
    phone: customer.phone ?? null,
    tax_exempt: customer.tax_exempt ?? "none",
    tax_ids: [],
  };
}

function invoiceCreationOff(): Stripe.Checkout.Session.InvoiceCreation {
  return {
    enabled: false,
    invoice_data: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: null,
      metadata: {},
      rendering_options: null,
    },
  };
}

interface NewSession {
  id: string;
  mode: Mode;
  now: number;
  expiresAt: number;
  customer: Stripe.Customer | null;
  sessionCurrency: string | null;
  discounts: Stripe.Checkout.Session.Discount[] | null;
}

/** The session object as created, before its amounts are computed. */
function newSession(ctx: Ctx, p: SessionCreateParams, s: NewSession): Session {
  const { id, mode, now, expiresAt, customer, sessionCurrency, discounts } = s;
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: p.allow_promotion_codes ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: mode === "setup" ? null : 0,
    amount_total: mode === "setup" ? null : 0,
    automatic_tax: sessionAutomaticTax(mode !== "setup" && (p.automatic_tax?.enabled ?? false)),
    billing_address_collection: p.billing_address_collection ?? null,
    cancel_url: p.cancel_url ?? null,
    client_reference_id: p.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: sessionCurrency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation:
      mode === "subscription" || customer ? null : (p.customer_creation ?? "if_required"),
    customer_details: customer ? customerDetailsOf(customer) : null,
    customer_email: p.customer_email ?? null,
    discounts,
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: mode === "payment" ? invoiceCreationOff() : null,
    livemode: false,
    locale: p.locale ?? null,
    managed_payments: null,
    metadata: applyMetadata({}, p.metadata),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === "subscription" ? "always" : null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: p.shipping_address_collection
      ? {
          allowed_countries: p.shipping_address_collection.allowed_countries,
        }
      : null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: p.submit_type ?? null,
    subscription: null,
    success_url: p.success_url ?? null,
    tax_id_collection: sessionTaxIdCollection(p.tax_id_collection),
    total_details:
      mode === "setup" ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: `${ctx.baseUrl}/c/pay/${id}`,
    wallet_options: null,
  };
}

/** What the session keeps to itself: line items and the data for what completing it creates. */
function privateState(p: SessionCreateParams, lineItems: Stripe.LineItem[]): SessionPrivate {
  const sd = p.subscription_data;
  return {
    lineItems,
    promotionCode: null,
    pendingAuth: null,
    flash: null,
    trialPeriodDays: sd?.trial_period_days ?? null,
    trialEnd: sd?.trial_end ?? null,
    subscriptionMetadata: applyMetadata({}, sd?.metadata),
    subscriptionDescription: sd?.description ?? null,
    paymentIntentData: {
      metadata: applyMetadata({}, p.payment_intent_data?.metadata),
      description: p.payment_intent_data?.description ?? null,
      receipt_email: p.payment_intent_data?.receipt_email ?? null,
      setup_future_usage: p.payment_intent_data?.setup_future_usage ?? null,
      capture_method: p.payment_intent_data?.capture_method ?? null,
      statement_descriptor: p.payment_intent_data?.statement_descriptor ?? null,
      statement_descriptor_suffix: p.payment_intent_data?.statement_descriptor_suffix ?? null,
    },
    setupIntentData: {
      metadata: applyMetadata({}, p.setup_intent_data?.metadata),
      description: p.setup_intent_data?.description ?? null,
    },
    customerUpdate: {
      address: p.customer_update?.address ?? "never",
      name: p.customer_update?.name ?? "never",
      shipping: p.customer_update?.shipping ?? "never",
    },
  };
}

export function createSession(ctx: Ctx, p: SessionCreateParams): Session {
  const now = ctx.now();
  const { mode, expiresAt } = checkCreateParams(p, now);
  const customer = p.customer !== undefined ? getCustomer(ctx, p.customer, "customer") : null;
  const lineItems = lineItemsFor(ctx, mode, p);
  const sessionCurrency =
    mode === "setup" ? (p.currency ?? null) : (lineItems[0]?.currency ?? null);
  const discounts = discountsFor(ctx, p, mode, lineItems, customer, sessionCurrency);
  const id = `cs_test_${ctx.ids.token(58)}`;
  const base = newSession(ctx, p, {
    id,
    mode,
    now,
    expiresAt,
    customer,
    sessionCurrency,
    discounts,
  });
  const priv = privateState(p, lineItems);
  const session = recalculate(ctx, base, priv);
  const minimum = minimumCharge(session.currency ?? "");
  const due = session.amount_total ?? 0;
  if (mode !== "setup" && due > 0 && due < minimum) {
    throw invalidParam(
      "line_items",
      `The Checkout Session's total amount due must add up to at least ${minimum} ${session.currency ?? ""} (minor units).`,
      "amount_too_small",
    );
  }
  ctx.store.insert(session);
  setSessionPrivate(ctx, id, priv);
  ctx.schedule({
    kind: "checkout_session.expire",
    id: `checkout_session.expire:${id}`,
    runAt: expiresAt,
    payload: { session: id },
  });
  return session;
}
