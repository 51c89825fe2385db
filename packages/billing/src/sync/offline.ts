import type Stripe from "stripe";

// Applying inbox events several to a transaction (webhooks/apply.ts): the plan and the hooks'
// `prepare` then run inside the transaction, where nothing may wait on the network. They get a
// Stripe client that refuses every call; an event that needs one is applied on its own instead.

/** Thrown by the client `offlineStripe` returns, on any API call. */
export class NeedsStripeError extends Error {
  override readonly name = "NeedsStripeError";
}

const refuse = (): never => {
  throw new NeedsStripeError("this apply needs a Stripe call");
};

// Any property path (`stripe.customers.retrieve`) is callable and throws when called.
const handler: ProxyHandler<typeof refuse> = {
  get: (_target, key) => (key === "then" ? undefined : offline),
  apply: refuse,
};
const offline = new Proxy(refuse, handler);

/** A Stripe client whose every API call throws `NeedsStripeError`. */
export const offlineStripe = offline as unknown as Stripe;

/** Whether `err` says the work needs Stripe: callers that swallow API errors must rethrow it. */
export const needsStripe = (err: unknown): boolean => err instanceof NeedsStripeError;
