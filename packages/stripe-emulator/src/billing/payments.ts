import type Stripe from "stripe";
import type { StripeErrorCode } from "../core/error-codes.ts";
import type { Ctx } from "../core/types.ts";
import {
  chargeCustomer as serviceCharge,
  createPaymentIntent,
} from "../services/payments/intents.ts";

/**
 * The billing engine's view of money movement: invoices are paid through the payments
 * service (a payment intent per attempt, with its charge and events). A payment intent
 * left waiting (3DS, or `default_incomplete`) is remembered so that, when it succeeds
 * later — 3DS approval, hosted invoice page, `payment_intents.confirm` — the invoice it
 * was for is marked paid (`takeAwaitedInvoice`, wired in src/wiring.ts).
 */
export interface ChargeInput {
  customer: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  description: string;
  /** Off-session (renewals, retries) vs. on-session (API call, hosted invoice page). */
  offSession: boolean;
  metadata?: Record<string, string>;
  /** Where the 3DS page returns to (hosted invoice page). */
  returnUrl?: string;
}

export type ChargeOutcome =
  | { status: "succeeded"; paymentIntent: string | null; charge: string | null }
  | {
      status: "failed";
      paymentIntent: string | null;
      charge: string | null;
      /** Absent when nothing was attempted (no payment method). */
      code?: StripeErrorCode;
      declineCode?: string | undefined;
      message: string;
    }
  | {
      status: "requires_action";
      paymentIntent: string | null;
      charge: null;
      /** Where the customer authenticates (the emulator's 3DS page). */
      actionUrl: string | null;
      message: string;
    };

export function chargeCustomer(ctx: Ctx, input: ChargeInput): ChargeOutcome {
  const outcome = serviceCharge(ctx, {
    customer: input.customer,
    amount: input.amount,
    currency: input.currency,
    paymentMethod: input.paymentMethod,
    description: input.description,
    metadata: input.metadata ?? {},
    offSession: input.offSession,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
  });
  switch (outcome.status) {
    case "succeeded":
    case "requires_capture":
      return {
        status: "succeeded",
        paymentIntent: outcome.paymentIntent.id,
        charge: outcome.charge.id,
      };
    case "requires_action":
      return {
        status: "requires_action",
        paymentIntent: outcome.paymentIntent.id,
        charge: null,
        actionUrl: outcome.paymentIntent.next_action?.redirect_to_url?.url ?? null,
        message: "This payment requires authentication.",
      };
    case "no_payment_method":
      return {
        status: "failed",
        paymentIntent: null,
        charge: null,
        message: "The customer has no default payment method to pay this invoice.",
      };
    case "failed":
      return {
        status: "failed",
        paymentIntent: outcome.paymentIntent.id,
        charge: outcome.charge?.id ?? null,
        code: outcome.error.code,
        declineCode: outcome.error.decline_code,
        message: outcome.error.message,
      };
  }
}

/** A payment method the customer can pay with: stored and attached to that customer. */
export function paymentMethodUsable(ctx: Ctx, paymentMethod: string, customer: string): boolean {
  const pm = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", paymentMethod);
  return pm !== undefined && pm.customer === customer;
}

/** An unconfirmed payment intent for an invoice (`default_incomplete`, confirmation_secret). */
export function createInvoiceIntent(
  ctx: Ctx,
  input: {
    customer: string;
    amount: number;
    currency: string;
    description: string;
    invoice: string;
  },
): Stripe.PaymentIntent {
  const pi = createPaymentIntent(ctx, {
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
  });
  awaitIntent(ctx, pi.id, input.invoice);
  return pi;
}

const key = (paymentIntent: string) => `invoice-of:${paymentIntent}`;

/** Remembers that `paymentIntent` pays `invoice` once it succeeds. */
export function awaitIntent(ctx: Ctx, paymentIntent: string, invoice: string): void {
  ctx.store.setPrivate(key(paymentIntent), { invoice });
}

export function clientSecretOf(ctx: Ctx, paymentIntent: string): string | null {
  return (
    ctx.store.getTyped<Stripe.PaymentIntent>("payment_intent", paymentIntent)?.client_secret ?? null
  );
}

/** The invoice a payment intent that just succeeded was awaited for (forgotten once read). */
export function takeAwaitedInvoice(ctx: Ctx, paymentIntent: string): string | null {
  const pending = ctx.store.getPrivate<{ invoice: string } | null>(key(paymentIntent));
  if (!pending) return null;
  ctx.store.setPrivate(key(paymentIntent), null);
  return pending.invoice;
}
