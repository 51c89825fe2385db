import type Stripe from "stripe";
import { z } from "zod";
import { invalidParam } from "../core/errors.ts";
import { list } from "../core/params.ts";

/** The payment method types the emulator can take (cards only). */
const EMULATED_TYPES = new Set(["card"]);

export const allowedTypesParam = () => list(z.string()).optional();

/**
 * `allowed_payment_method_types` on payment and setup intents (API 2026-07-29.dahlia on):
 * Stripe keeps the list as given and silently filters it to the compatible types in
 * `payment_method_types`. It is mutually exclusive with `payment_method_types`,
 * `excluded_payment_method_types`, `automatic_payment_methods` and
 * `payment_method_configuration`. Returns the compatible subset, or undefined when not sent.
 */
export function compatibleAllowedTypes(p: {
  allowed_payment_method_types?: string[] | undefined;
  payment_method_types?: string[] | undefined;
  automatic_payment_methods?: unknown;
}): string[] | undefined {
  const allowed = p.allowed_payment_method_types;
  if (allowed === undefined) return undefined;
  const other =
    p.payment_method_types !== undefined
      ? "payment_method_types"
      : p.automatic_payment_methods !== undefined
        ? "automatic_payment_methods"
        : undefined;
  if (other) {
    throw invalidParam(
      other,
      `You may only specify one of these parameters: allowed_payment_method_types, ${other}.`,
      "parameters_exclusive",
    );
  }
  const compatible = allowed.filter((t) => EMULATED_TYPES.has(t));
  if (compatible.length === 0) {
    throw invalidParam(
      "allowed_payment_method_types",
      `None of the allowed payment method types (${allowed.join(", ")}) can be used: the emulator only supports card payments.`,
    );
  }
  return compatible;
}

/** An intent with `allowed_payment_method_types` applied, when the params send it (update, confirm). */
export function withAllowedTypes<I extends Stripe.PaymentIntent | Stripe.SetupIntent>(
  intent: I,
  p: Parameters<typeof compatibleAllowedTypes>[0],
): I {
  const compatible = compatibleAllowedTypes(p);
  if (!compatible) return intent;
  return {
    ...intent,
    allowed_payment_method_types: p.allowed_payment_method_types,
    payment_method_types: compatible,
    automatic_payment_methods: null,
  };
}
