import { DomainError } from "./errors.ts";

/** The fields of the SDK's StripeError that say what went wrong (duck-typed: the SDK's classes
 * differ between its CJS and ESM builds, so `instanceof` is unreliable across packages). */
interface StripeErrorLike {
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
  statusCode?: number;
}

export function isStripeError(e: unknown): e is StripeErrorLike {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { type?: unknown }).type === "string" &&
    (e as { type: string }).type.startsWith("Stripe")
  );
}

// What a customer can do about each decline; Stripe's own message is kept for anything else.
const DECLINE_ADVICE: Record<string, string> = {
  insufficient_funds: "The card has insufficient funds. Use another card or try again later.",
  expired_card: "The card has expired. Use another card.",
  incorrect_cvc: "The card's security code is incorrect. Check it and try again.",
  incorrect_number: "The card number is incorrect. Check it and try again.",
  processing_error: "The card could not be processed. Try again in a moment.",
  authentication_required:
    "Your bank asks you to confirm this payment. Complete the verification, then try again.",
  card_declined: "The card was declined. Use another card or contact your bank.",
  generic_decline: "The card was declined. Use another card or contact your bank.",
  lost_card: "The card was declined. Use another card or contact your bank.",
  stolen_card: "The card was declined. Use another card or contact your bank.",
  fraudulent: "The card was declined. Use another card or contact your bank.",
};

/**
 * Turns anything a Stripe call threw into a DomainError a person can act on (`doing` says what
 * was attempted, e.g. "change your plan"). Stripe's own error details stay in `details` for logs
 * and callers that branch on them (`stripeCode`, `declineCode`). Non-Stripe errors pass through.
 */
export function stripeFailure(e: unknown, doing: string): unknown {
  if (!isStripeError(e)) return e;
  const details = {
    stripeType: e.type,
    stripeCode: e.code ?? null,
    declineCode: e.decline_code ?? null,
  };
  switch (e.type) {
    case "StripeCardError": {
      const advice =
        DECLINE_ADVICE[e.decline_code ?? ""] ?? DECLINE_ADVICE[e.code ?? ""] ?? e.message;
      return new DomainError("PRECONDITION_FAILED", `Could not ${doing}: ${advice}`, details);
    }
    case "StripeIdempotencyError":
      return new DomainError(
        "CONFLICT",
        `Could not ${doing}: the same request is already being handled with other details. Reload and try again.`,
        details,
      );
    case "StripeRateLimitError":
      return new DomainError(
        "TOO_MANY_REQUESTS",
        `Could not ${doing}: Stripe is busy. Nothing was changed; try again in a minute.`,
        { ...details, retryAfterSeconds: 60 },
      );
    case "StripeInvalidRequestError":
      // Folio validated the input, so this is Stripe refusing the state (e.g. already paid).
      return new DomainError("PRECONDITION_FAILED", `Could not ${doing}: ${e.message}`, details);
    default:
      // Connection, API (5xx), authentication, permission errors: not the customer's doing.
      return new DomainError(
        "UPSTREAM",
        `Could not ${doing}: our payment provider did not answer. Try again in a moment; retrying is safe.`,
        details,
      );
  }
}

/** Runs one Stripe call, rethrowing its failure through `stripeFailure`. */
export async function callStripe<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw stripeFailure(e, doing);
  }
}
