import type Stripe from "stripe";
import type { StripeErrorCode } from "../../core/error-codes.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf } from "../../core/util.ts";
import type { CardBehavior } from "../test-cards.ts";

/**
 * Money movement shared by the payment resources, the hosted pages and the billing half
 * (invoice payments, checkout). Every function runs inside the caller's transaction and
 * emits the events Stripe emits, in Stripe's order. This file: the state and outcomes
 * the payment files share.
 */

export interface PaymentMethodPrivate {
  behavior: CardBehavior;
  /** Authenticated once (setup intent / on-session 3DS): off-session charges may skip 3DS. */
  setupForOffSession: boolean;
}

export interface IntentPrivate {
  authenticated?: boolean;
  offSession?: boolean;
}

/**
 * Listeners for a payment intent that succeeded, however it was confirmed (API, hosted
 * page, 3DS approval): the billing half marks the invoice it pays as paid.
 */
export const paymentIntentHooks: {
  onSucceeded: ((ctx: Ctx, paymentIntent: Stripe.PaymentIntent) => void)[];
} = { onSucceeded: [] };

export type PaymentOutcome =
  | { status: "succeeded"; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { status: "requires_capture"; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { status: "requires_action"; paymentIntent: Stripe.PaymentIntent; charge: null }
  | {
      status: "failed";
      paymentIntent: Stripe.PaymentIntent;
      charge: Stripe.Charge | null;
      error: {
        type: "card_error" | "invalid_request_error";
        code: StripeErrorCode;
        decline_code?: string;
        message: string;
      };
    };

/** Stripe's minimum charge per currency (minor units) for the common ones; 1 elsewhere. */
const MINIMUM_AMOUNTS: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  cad: 50,
  aud: 50,
  jpy: 50,
  chf: 50,
};

export const minimumCharge = (currency: string): number => MINIMUM_AMOUNTS[currency] ?? 1;

/** "Now" for objects of a customer: its test clock's time when it has one. */
export function nowFor(ctx: Ctx, customerId: string | null | undefined): number {
  const customer = customerId ? ctx.store.getTyped<Stripe.Customer>("customer", customerId) : null;
  return ctx.clockNow(customer ? clockOf(customer) : null);
}
