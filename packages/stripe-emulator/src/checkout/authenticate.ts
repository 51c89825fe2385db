import { ApiError } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { completeAuthentication } from "../services/payments/authentication.ts";
import { getPaymentIntent } from "../services/payments/intents.ts";
import { AUTH_FAILED_MESSAGE, FormError } from "../pages/card-form.ts";
import { subscriptionCheckout } from "../pages/subscription-bridge.ts";
import { Declined, finish, startSubscription, type SubmitResult } from "./complete.ts";
import { getSessionPrivate, setSessionPrivate, type Session } from "./session.ts";

/** The 3-D Secure challenge of a checkout: its amount, and the customer's answer. */

/**
 * The 3-D Secure page's answer. Approve finishes the payment/setup/subscription and the
 * session; fail leaves the session open (the intent records the failed attempt, as at
 * Stripe) and the form shows why.
 */
export function resolveAuthentication(
  ctx: Ctx,
  session: Session,
  approve: boolean,
): SubmitResult | { kind: "failed"; message: string } {
  const priv = getSessionPrivate(ctx, session.id);
  const pending = priv.pendingAuth;
  if (!pending) throw new FormError("There is no payment waiting for authentication.");
  const failed = (message: string) => {
    setSessionPrivate(ctx, session.id, {
      ...priv,
      pendingAuth: null,
      flash: { error: message, form: pending.form },
    });
    return { kind: "failed" as const, message };
  };
  if (session.mode === "subscription" && pending.invoice && pending.intent) {
    if (!approve) {
      // The subscription stays incomplete (and later expires), as at Stripe.
      completeAuthentication(ctx, pending.intent, false);
      return failed(AUTH_FAILED_MESSAGE);
    }
    const paid = subscriptionCheckout.afterAuthentication(ctx, {
      invoice: pending.invoice,
      intent: pending.intent,
    });
    return finish(
      ctx,
      { ...session, payment_status: paid > 0 ? "paid" : "no_payment_required" },
      priv,
    );
  }
  if (!pending.intent) throw new FormError("There is no payment waiting for authentication.");
  const result = completeAuthentication(ctx, pending.intent, approve);
  if (!approve) return failed(AUTH_FAILED_MESSAGE);
  if (result.kind === "setup_intent") {
    const si = result.setupIntent;
    if (si.status !== "succeeded") return failed(AUTH_FAILED_MESSAGE);
    if (session.mode === "subscription" && typeof session.customer === "string") {
      // A trial: the card is now set up, so the subscription can start.
      const pm =
        typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? "");
      const customer = session.customer;
      try {
        // One-time items due today may ask for a second challenge, for the payment itself.
        return ctx.store.transaction(() =>
          startSubscription(ctx, session, priv, customer, pm, pending.form),
        );
      } catch (error) {
        if (error instanceof Declined || error instanceof ApiError) return failed(error.message);
        throw error;
      }
    }
    return finish(ctx, { ...session, payment_status: "no_payment_required" }, priv);
  }
  const outcome = result.outcome;
  if (outcome.status === "failed") return failed(outcome.error.message);
  return finish(ctx, { ...session, payment_status: "paid" }, priv);
}

/** Amount the pending intent asks the customer to authenticate (for the challenge page). */
export function pendingAmount(
  ctx: Ctx,
  session: Session,
): { amount: number; currency: string } | null {
  const intent = getSessionPrivate(ctx, session.id).pendingAuth?.intent;
  if (!intent || !intent.startsWith("pi_")) return null;
  const pi = getPaymentIntent(ctx, intent);
  return { amount: pi.amount, currency: pi.currency };
}
