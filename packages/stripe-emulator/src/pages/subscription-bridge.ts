import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import type { AppliedDiscount, SessionPrivate } from "../resources/checkout-sessions.ts";

/**
 * How a subscription-mode checkout starts its subscription through the billing engine.
 */
export interface SubscriptionStart {
  status: "succeeded" | "failed" | "requires_action";
  subscription: string | null;
  invoice: string | null;
  /** Payment intent waiting for 3-D Secure (status `requires_action`). */
  intent: string | null;
  /** What the first invoice collected (0 during a trial). */
  amountPaid: number;
  message: string;
}

export const subscriptionCheckout = {
  start(
    _ctx: Ctx,
    _input: {
      session: Stripe.Checkout.Session;
      priv: SessionPrivate;
      customer: string;
      paymentMethod: string;
      discount: AppliedDiscount | null;
    },
  ): SubscriptionStart {
    throw new Error("subscription mode is not wired to the billing engine yet");
  },
  afterAuthentication(
    _ctx: Ctx,
    _input: { session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent },
  ): number {
    throw new Error("subscription mode is not wired to the billing engine yet");
  },
};
