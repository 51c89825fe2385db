import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { createCardPaymentMethod, testCardFromInput } from "../services/payments/methods.ts";

/** What every hosted page with a card form shares: its fields, their errors, the card. */

/** A problem to show on the form; `status` is the HTTP status of the re-rendered page. */
export class FormError extends Error {
  constructor(
    message: string,
    readonly field: string | null = null,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const AUTH_FAILED_MESSAGE =
  "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

/** A submitted field, trimmed; "" when missing. */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
}

export interface CardFields {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  cardholderName: string | null;
}

/** The card fields every hosted page shares, validated with Stripe Elements' wording. */
export function parseCardFields(ctx: Ctx, form: Record<string, unknown>): CardFields {
  const cardNumber = field(form, "card_number").replace(/[\s-]/g, "");
  if (!cardNumber) throw new FormError("Your card number is incomplete.", "card_number");
  if (!/^\d{12,19}$/.test(cardNumber))
    throw new FormError("Your card number is invalid.", "card_number");
  const expiry = field(form, "card_expiry").replace(/\s/g, "");
  const m = /^(\d{1,2})\/?(\d{2}|\d{4})$/.exec(expiry);
  if (!m) throw new FormError("Your card's expiration date is incomplete.", "card_expiry");
  const expMonth = Number(m[1]);
  const expYear = (m[2] ?? "").length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (expMonth < 1 || expMonth > 12)
    throw new FormError("Your card's expiration date is invalid.", "card_expiry");
  const now = new Date(ctx.now() * 1000);
  if (
    expYear < now.getUTCFullYear() ||
    (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1)
  ) {
    throw new FormError("Your card's expiration date is in the past.", "card_expiry");
  }
  const cvc = field(form, "card_cvc");
  if (!/^\d{3,4}$/.test(cvc))
    throw new FormError("Your card's security code is incomplete.", "card_cvc");
  const cardholderName = field(form, "cardholder_name") || null;

  return { cardNumber, expMonth, expYear, cvc, cardholderName };
}

/**
 * A payment method for the typed card. Invalid numbers throw Stripe's card error; the
 * test card decides what later charges do.
 */
export function paymentMethodFromCard(
  ctx: Ctx,
  card: CardFields,
  billing: Partial<Stripe.PaymentMethod.BillingDetails> = {},
): Stripe.PaymentMethod {
  const testCard = testCardFromInput(ctx, {
    number: card.cardNumber,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    cvc: card.cvc,
  });
  return createCardPaymentMethod(ctx, {
    card: testCard,
    expMonth: card.expMonth,
    expYear: card.expYear,
    billingDetails: { name: card.cardholderName, ...billing },
  });
}
