import type Stripe from "stripe";
import { chargeIntent } from "./charges.ts";
import { completeSetupAuthentication } from "./setup-intents.ts";
import { invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { getPaymentIntent } from "./intents.ts";
import { pmPrivate, resolvePaymentMethod } from "./methods.ts";
import type { IntentPrivate, PaymentOutcome } from "./state.ts";

/**
 * The result of the 3DS page (or the control API): approve completes the payment or
 * setup; fail returns the intent to `requires_payment_method`.
 */
export function completeAuthentication(
  ctx: Ctx,
  intentId: string,
  success: boolean,
):
  | { kind: "payment_intent"; outcome: PaymentOutcome }
  | { kind: "setup_intent"; setupIntent: Stripe.SetupIntent } {
  if (intentId.startsWith("seti_")) {
    return {
      kind: "setup_intent",
      setupIntent: completeSetupAuthentication(ctx, intentId, success),
    };
  }
  const pi = getPaymentIntent(ctx, intentId, "payment_intent");
  if (pi.status !== "requires_action") {
    throw invalidRequest(
      `This PaymentIntent's status is ${pi.status}; there is nothing to authenticate.`,
      {
        code: "payment_intent_unexpected_state",
      },
    );
  }
  const pmId =
    typeof pi.payment_method === "string" ? pi.payment_method : (pi.payment_method?.id ?? "");
  const pm = resolvePaymentMethod(ctx, pmId);
  if (!success) {
    const next: Stripe.PaymentIntent = {
      ...pi,
      last_payment_error: {
        type: "invalid_request_error",
        code: "payment_intent_authentication_failure",
        doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
        message:
          "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
        payment_method: { ...pm },
      },
      next_action: null,
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(next);
    ctx.emit("payment_intent.payment_failed", next);
    return {
      kind: "payment_intent",
      outcome: {
        status: "failed",
        paymentIntent: next,
        charge: null,
        error: {
          type: "invalid_request_error",
          code: "payment_intent_authentication_failure",
          message: "The provided PaymentMethod has failed authentication.",
        },
      },
    };
  }
  ctx.store.setPrivate(pi.id, {
    ...(ctx.store.getPrivate<IntentPrivate>(pi.id) ?? {}),
    authenticated: true,
  });
  // An approved challenge also sets the card up for later off-session use.
  ctx.store.setPrivate(pm.id, { ...pmPrivate(ctx, pm.id), setupForOffSession: true });
  return { kind: "payment_intent", outcome: chargeIntent(ctx, { ...pi, next_action: null }, pm) };
}
