import { isStripeError } from "../../stripe-errors.ts";

/**
 * Two requests of one attempt at once: Stripe answers the second with "idempotency key in
 * use" (409) while the first runs. Waiting and asking again replays the first one's result.
 */
export async function withInFlightRetry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const code = (e as { details?: { stripeCode?: unknown } }).details?.stripeCode;
      const inUse =
        code === "idempotency_key_in_use" ||
        (isStripeError(e) && e.code === "idempotency_key_in_use");
      if (!inUse || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
