import type Stripe from "stripe";
import { ApiError, invalidParam, invalidRequest, resourceMissing } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet, saveAndEmitUpdate } from "../../core/util.ts";
import {
  DECLINES,
  luhnValid,
  testCardByAlias,
  testCardByNumber,
  type CardBehavior,
  type DeclineInfo,
  type TestCard,
} from "../test-cards.ts";
import type { PaymentMethodPrivate } from "./state.ts";

/** Payment methods: test cards typed or named by token, attached to and detached from customers. */

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string;
}

/** Validates a raw card (hosted pages, `card[number]`) like Stripe's card errors. */
export function testCardFromInput(ctx: Ctx, card: CardInput, paramPrefix = "card"): TestCard {
  const digits = card.number.replace(/[\s-]/g, "");
  if (!luhnValid(digits)) {
    throw new ApiError(402, "card_error", "Your card number is incorrect.", {
      code: "incorrect_number",
      param: `${paramPrefix}[number]`,
    });
  }
  const now = new Date(ctx.now() * 1000);
  const expired =
    card.exp_year < now.getUTCFullYear() ||
    (card.exp_year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1);
  if (card.exp_month < 1 || card.exp_month > 12) {
    throw new ApiError(402, "card_error", "Your card's expiration month is invalid.", {
      code: "invalid_expiry_month",
      param: `${paramPrefix}[exp_month]`,
    });
  }
  if (expired) {
    throw new ApiError(402, "card_error", "Your card's expiration year is invalid.", {
      code: "invalid_expiry_year",
      param: `${paramPrefix}[exp_year]`,
    });
  }
  if (card.cvc !== undefined && !/^\d{3,4}$/.test(card.cvc)) {
    throw new ApiError(402, "card_error", "Your card's security code is invalid.", {
      code: "invalid_cvc",
      param: `${paramPrefix}[cvc]`,
    });
  }
  // Unknown but valid numbers behave like 4242: the emulator never moves real money.
  return (
    testCardByNumber(digits) ?? {
      number: digits,
      brand: digits.startsWith("4") ? "visa" : digits.startsWith("5") ? "mastercard" : "visa",
      funding: "credit",
      country: "US",
      behavior: "succeed",
    }
  );
}

export function createCardPaymentMethod(
  ctx: Ctx,
  input: {
    card: TestCard;
    expMonth?: number;
    expYear?: number;
    billingDetails?: Partial<Stripe.PaymentMethod.BillingDetails>;
    metadata?: Record<string, string>;
    allowRedisplay?: Stripe.PaymentMethod.AllowRedisplay;
  },
): Stripe.PaymentMethod {
  const { card } = input;
  const year = new Date(ctx.now() * 1000).getUTCFullYear();
  const pm: Stripe.PaymentMethod = {
    id: ctx.ids.id("pm"),
    object: "payment_method",
    allow_redisplay: input.allowRedisplay ?? "unspecified",
    billing_details: {
      address: input.billingDetails?.address ?? {
        city: null,
        country: null,
        line1: null,
        line2: null,
        postal_code: null,
        state: null,
      },
      email: input.billingDetails?.email ?? null,
      name: input.billingDetails?.name ?? null,
      phone: input.billingDetails?.phone ?? null,
      tax_id: input.billingDetails?.tax_id ?? null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: card.country,
      display_brand: card.brand,
      exp_month: input.expMonth ?? 12,
      exp_year: input.expYear ?? year + 3,
      fingerprint: fingerprintOf(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: input.metadata ?? {},
    type: "card",
  };
  ctx.store.insert(pm);
  ctx.store.setPrivate(pm.id, {
    behavior: card.behavior,
    setupForOffSession: false,
  } satisfies PaymentMethodPrivate);
  return pm;
}

function fingerprintOf(number: string): string {
  let h = 0;
  for (const ch of number) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `emu${h.toString(36).padStart(13, "0")}`.slice(0, 16);
}

/**
 * A payment method by id; `pm_card_visa`-style and `tok_visa`-style aliases create a fresh
 * `pm_…` each time, as Stripe does.
 */
/** Test tokens (`pm_card_visa`) resolved in a unit of work → the payment method each became. */
const tokensByUnit = new WeakMap<Ctx, Map<string, string>>();

/** The payment method a test token already became in this request, if it was used before. */
export function paymentMethodForToken(ctx: Ctx, token: string): string | undefined {
  return tokensByUnit.get(ctx)?.get(token);
}

/**
 * A payment method id, or a test token that becomes a new card payment method. A token
 * named twice in one request (`payment_method` and `invoice_settings[default_payment_method]`
 * of `customers.create`, as Stripe's testing guides do) is the same card both times.
 */
export function resolvePaymentMethod(
  ctx: Ctx,
  id: string,
  param = "payment_method",
): Stripe.PaymentMethod {
  const alias = testCardByAlias(id);
  if (alias) {
    const earlier = paymentMethodForToken(ctx, id);
    const found = earlier && ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", earlier);
    if (found) return found;
    const created = createCardPaymentMethod(ctx, { card: alias });
    const tokens = tokensByUnit.get(ctx) ?? new Map<string, string>();
    tokensByUnit.set(ctx, tokens.set(id, created.id));
    return created;
  }
  const pm = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", id);
  if (!pm) throw resourceMissing("PaymentMethod", id, param);
  return pm;
}

export function pmPrivate(ctx: Ctx, id: string): PaymentMethodPrivate {
  return (
    ctx.store.getPrivate<PaymentMethodPrivate>(id) ?? {
      behavior: "succeed",
      setupForOffSession: false,
    }
  );
}

/** Declines that Stripe already reports when a card is attached (its $0 validation). */
export function attachDecline(behavior: CardBehavior): DeclineInfo | undefined {
  return behavior === "charge_fails" || behavior === "dispute" ? undefined : DECLINES[behavior];
}

export function attachPaymentMethod(
  ctx: Ctx,
  paymentMethodId: string,
  customerId: string,
  param = "payment_method",
): Stripe.PaymentMethod {
  const pm = resolvePaymentMethod(ctx, paymentMethodId, param);
  mustGet<Stripe.Customer>(ctx, "customer", customerId, "customer");
  if (pm.customer === customerId) return pm;
  if (pm.customer) {
    throw invalidParam(
      param,
      "The payment method you provided has already been attached to a customer.",
      "payment_method_unexpected_state",
    );
  }
  const decline = attachDecline(pmPrivate(ctx, pm.id).behavior);
  if (decline) {
    throw new ApiError(402, "card_error", decline.message, {
      code: decline.code,
      ...(decline.declineCode ? { declineCode: decline.declineCode } : {}),
      param,
    });
  }
  const next: Stripe.PaymentMethod = { ...pm, customer: customerId };
  ctx.store.update(next);
  ctx.emit("payment_method.attached", next);
  return next;
}

export function detachPaymentMethod(ctx: Ctx, paymentMethodId: string): Stripe.PaymentMethod {
  const pm = mustGet<Stripe.PaymentMethod>(
    ctx,
    "payment_method",
    paymentMethodId,
    "payment_method",
    "PaymentMethod",
  );
  if (!pm.customer) {
    throw invalidRequest(
      "The payment method you provided is not attached to a customer so detachment is impossible.",
      {
        code: "payment_method_unexpected_state",
      },
    );
  }
  const customerId = typeof pm.customer === "string" ? pm.customer : pm.customer.id;
  const next: Stripe.PaymentMethod = { ...pm, customer: null };
  ctx.store.update(next);
  // A detached card can no longer be the customer's default.
  const customer = ctx.store.getTyped<Stripe.Customer>("customer", customerId);
  if (customer && customer.invoice_settings?.default_payment_method === pm.id) {
    saveAndEmitUpdate(ctx, "customer.updated", customer, {
      ...customer,
      invoice_settings: { ...customer.invoice_settings, default_payment_method: null },
    });
  }
  ctx.emit("payment_method.detached", next, { customer: customerId });
  return next;
}
