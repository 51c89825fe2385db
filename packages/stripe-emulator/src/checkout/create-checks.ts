import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import type { SessionCreateParams } from "./params.ts";

/** The checks of a create request that need nothing stored, in Stripe's order of errors. */

const DAY = 24 * 3600;

function exclusive(a: string, b: string, param: string) {
  return invalidRequest(`You may only specify one of these parameters: ${a}, ${b}.`, {
    code: "parameters_exclusive",
    param,
  });
}

/** What the hosted page supports, and which customer parameters go together. */
function checkCustomerParams(p: SessionCreateParams, mode: string): void {
  if (p.ui_mode !== undefined && p.ui_mode !== "hosted_page") {
    throw invalidParam(
      "ui_mode",
      `The emulator only supports hosted Checkout (ui_mode: hosted_page); got ${p.ui_mode}.`,
    );
  }
  if (p.payment_method_types?.some((t) => t !== "card")) {
    const i = p.payment_method_types.findIndex((t) => t !== "card");
    throw invalidParam(
      `payment_method_types[${i}]`,
      `The emulator only supports card payments; got ${p.payment_method_types[i] ?? ""}.`,
    );
  }
  if (p.customer !== undefined && p.customer_email !== undefined)
    throw exclusive("customer", "customer_email", "customer_email");
  if (p.customer_creation !== undefined && mode === "subscription") {
    throw invalidParam(
      "customer_creation",
      "`customer_creation` can only be used in `payment` and `setup` mode.",
    );
  }
  if (p.customer_creation !== undefined && p.customer !== undefined)
    throw exclusive("customer", "customer_creation", "customer_creation");
  if (p.customer_update !== undefined && p.customer === undefined) {
    throw invalidParam("customer_update", "`customer_update` can only be used with `customer`.");
  }
  if (p.allow_promotion_codes !== undefined && p.discounts !== undefined)
    throw exclusive("allow_promotion_codes", "discounts", "discounts");
}

/** `subscription_data`, `payment_intent_data`… only in the mode they belong to. */
function checkModeParams(p: SessionCreateParams, mode: string): void {
  if (p.subscription_data !== undefined && mode !== "subscription") {
    throw invalidParam(
      "subscription_data",
      "You can only specify `subscription_data` in `subscription` mode.",
    );
  }
  if (p.payment_intent_data !== undefined && mode !== "payment") {
    throw invalidParam(
      "payment_intent_data",
      "You can only specify `payment_intent_data` in `payment` mode.",
    );
  }
  if (p.setup_intent_data !== undefined && mode !== "setup") {
    throw invalidParam(
      "setup_intent_data",
      "You can only specify `setup_intent_data` in `setup` mode.",
    );
  }
  if (p.shipping_address_collection !== undefined && mode === "setup") {
    throw invalidParam(
      "shipping_address_collection",
      "`shipping_address_collection` cannot be used in `setup` mode.",
    );
  }
  if (p.shipping_address_collection?.allowed_countries.length === 0) {
    throw missingParam("shipping_address_collection[allowed_countries]");
  }
}

/** Trial and expiry times; returns when the session expires. */
function checkTimes(p: SessionCreateParams, now: number): number {
  const sd = p.subscription_data;
  if (sd?.trial_period_days !== undefined && sd.trial_end !== undefined)
    throw exclusive("trial_end", "trial_period_days", "subscription_data[trial_end]");
  if (sd?.trial_end !== undefined && sd.trial_end < now + 2 * DAY) {
    throw invalidParam(
      "subscription_data[trial_end]",
      "`subscription_data[trial_end]` must be at least 48 hours in the future.",
    );
  }
  if (p.expires_at !== undefined && (p.expires_at < now + 30 * 60 || p.expires_at > now + DAY)) {
    throw invalidParam(
      "expires_at",
      "The `expires_at` timestamp must be at least 30 minutes and at most 24 hours after the Checkout Session is created.",
    );
  }
  return p.expires_at ?? now + DAY;
}

/** Checks the request's parameters; returns its mode and when the session expires. */
export function checkCreateParams(
  p: SessionCreateParams,
  now: number,
): { mode: NonNullable<SessionCreateParams["mode"]>; expiresAt: number } {
  if (p.mode === undefined) throw missingParam("mode");
  checkCustomerParams(p, p.mode);
  checkModeParams(p, p.mode);
  return { mode: p.mode, expiresAt: checkTimes(p, now) };
}
