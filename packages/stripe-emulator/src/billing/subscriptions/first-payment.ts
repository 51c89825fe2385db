import type Stripe from "stripe";
import { ApiError } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { attemptPayment } from "../invoices/collect.ts";
import type { InvoicePrivate } from "../invoices/state.ts";
import { createInvoiceIntent, type ChargeOutcome } from "../payments.ts";
import type { CreatePlan, CreateSubscriptionInput } from "./validate.ts";

/**
 * Collects a new subscription's first invoice as `payment_behavior` says:
 * `default_incomplete` leaves a payment intent for the client to confirm; otherwise it is
 * charged now, and `error_if_incomplete` turns a failure into an error that rolls back.
 */
export function collectFirstPayment(
  ctx: Ctx,
  input: CreateSubscriptionInput,
  plan: CreatePlan,
  invoice: Stripe.Invoice,
): { invoice: Stripe.Invoice; outcome: ChargeOutcome | null } {
  if (invoice.status !== "open" || plan.collection !== "charge_automatically")
    return { invoice, outcome: null };
  if (plan.paymentBehavior === "default_incomplete") {
    // The client confirms this intent (invoice.confirmation_secret) to activate the subscription.
    const pi = createInvoiceIntent(ctx, {
      customer: plan.customer.id,
      amount: invoice.amount_remaining,
      currency: invoice.currency,
      description: "Subscription creation",
      invoice: invoice.id,
    });
    ctx.store.setPrivate(invoice.id, { paymentIntent: pi.id } satisfies InvoicePrivate);
    return { invoice, outcome: null };
  }
  const result = attemptPayment(ctx, invoice, {
    paymentMethod: plan.pm,
    offSession: input.offSession ?? false,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
  });
  const { outcome } = result;
  if (outcome && outcome.status !== "succeeded" && plan.paymentBehavior === "error_if_incomplete") {
    // Nothing is kept: the whole request rolls back.
    if (outcome.status === "requires_action") {
      throw new ApiError(
        402,
        "card_error",
        "Payment for this subscription requires additional user action before it can be completed successfully.",
        { code: "invoice_payment_intent_requires_action" },
      );
    }
    throw new ApiError(402, "card_error", outcome.message, {
      code: outcome.code,
      ...(outcome.declineCode ? { declineCode: outcome.declineCode } : {}),
    });
  }
  return result;
}
