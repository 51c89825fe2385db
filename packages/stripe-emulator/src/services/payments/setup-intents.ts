import type Stripe from "stripe";
import { attachDecline, pmPrivate } from "./methods.ts";
import { cardError, invalidRequest } from "../../core/errors.ts";
import type { Ctx } from "../../core/types.ts";
import { mustGet } from "../../core/util.ts";
import { attachPaymentMethod, resolvePaymentMethod } from "./methods.ts";
import type { IntentPrivate } from "./state.ts";

/** Setup intents: a card saved (and authenticated) for later off-session payments. */

export function confirmSetupIntent(
  ctx: Ctx,
  intent: Stripe.SetupIntent,
  options: { paymentMethod?: string; returnUrl?: string } = {},
): Stripe.SetupIntent {
  if (
    !["requires_payment_method", "requires_confirmation", "requires_action"].includes(intent.status)
  ) {
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has already succeeded or been canceled (status: ${intent.status}).`,
      { code: "setup_intent_unexpected_state" },
    );
  }
  const pmId =
    options.paymentMethod ??
    (typeof intent.payment_method === "string" ? intent.payment_method : intent.payment_method?.id);
  if (!pmId) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method.",
      {
        code: "setup_intent_unexpected_state",
      },
    );
  }
  const pm = resolvePaymentMethod(ctx, pmId);
  const priv = pmPrivate(ctx, pm.id);
  let si: Stripe.SetupIntent = { ...intent, payment_method: pm.id };
  const decline = attachDecline(priv.behavior);
  if (decline) {
    si = {
      ...si,
      last_setup_error: {
        type: "card_error",
        code: decline.code,
        ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
        message: decline.message,
        payment_method: { ...pm },
      },
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(si);
    ctx.emit("setup_intent.setup_failed", si);
    throw cardError(decline.message, decline.code, decline.declineCode, { setup_intent: si });
  }
  const piPriv = ctx.store.getPrivate<IntentPrivate>(si.id) ?? {};
  if (
    (priv.behavior === "auth_unless_setup" || priv.behavior === "auth_always") &&
    !piPriv.authenticated
  ) {
    const returnUrl = options.returnUrl ?? `${ctx.baseUrl}/3ds/complete`;
    si = {
      ...si,
      next_action: {
        type: "redirect_to_url",
        redirect_to_url: {
          return_url: returnUrl,
          url: `${ctx.baseUrl}/3ds/${si.id}?return_url=${encodeURIComponent(returnUrl)}`,
        },
      },
      status: "requires_action",
    };
    ctx.store.update(si);
    ctx.emit("setup_intent.requires_action", si);
    return si;
  }
  return succeedSetup(ctx, si, pm);
}

function succeedSetup(
  ctx: Ctx,
  si: Stripe.SetupIntent,
  pm: Stripe.PaymentMethod,
): Stripe.SetupIntent {
  if (typeof si.customer === "string") {
    const current = ctx.store.getTyped<Stripe.PaymentMethod>("payment_method", pm.id);
    if (current && !current.customer) attachPaymentMethod(ctx, pm.id, si.customer);
  }
  ctx.store.setPrivate(pm.id, { ...pmPrivate(ctx, pm.id), setupForOffSession: true });
  const next: Stripe.SetupIntent = {
    ...si,
    last_setup_error: null,
    next_action: null,
    payment_method: pm.id,
    status: "succeeded",
  };
  ctx.store.update(next);
  ctx.emit("setup_intent.succeeded", next);
  return next;
}

export function completeSetupAuthentication(
  ctx: Ctx,
  id: string,
  success: boolean,
): Stripe.SetupIntent {
  const si = mustGet<Stripe.SetupIntent>(ctx, "setup_intent", id, "setup_intent", "setup_intent");
  if (si.status !== "requires_action") {
    throw invalidRequest(
      `This SetupIntent's status is ${si.status}; there is nothing to authenticate.`,
      {
        code: "setup_intent_unexpected_state",
      },
    );
  }
  const pmId =
    typeof si.payment_method === "string" ? si.payment_method : (si.payment_method?.id ?? "");
  const pm = resolvePaymentMethod(ctx, pmId);
  if (!success) {
    const next: Stripe.SetupIntent = {
      ...si,
      last_setup_error: {
        type: "invalid_request_error",
        code: "setup_intent_authentication_failure",
        message:
          "The latest attempt to set up the payment method has failed because authentication failed.",
        payment_method: { ...pm },
      },
      next_action: null,
      payment_method: null,
      status: "requires_payment_method",
    };
    ctx.store.update(next);
    ctx.emit("setup_intent.setup_failed", next);
    return next;
  }
  ctx.store.setPrivate(si.id, { authenticated: true } satisfies IntentPrivate);
  return succeedSetup(ctx, si, pm);
}
