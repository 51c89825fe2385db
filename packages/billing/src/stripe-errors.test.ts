import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.ts";
import { callStripe, stripeFailure } from "./stripe-errors.ts";

const cardError = (extra: Record<string, unknown>) =>
  new Stripe.errors.StripeCardError({ message: "Stripe says no", ...extra });

describe("stripeFailure", () => {
  it("turns a decline into advice the customer can act on", () => {
    const e = stripeFailure(
      cardError({ code: "card_declined", decline_code: "insufficient_funds" }),
      "pay",
    );
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("PRECONDITION_FAILED");
    expect((e as DomainError).message).toBe(
      "Could not pay: The card has insufficient funds. Use another card or try again later.",
    );
    expect((e as DomainError).details).toMatchObject({ declineCode: "insufficient_funds" });
  });

  it("reports Stripe being unreachable as upstream, never as the customer's fault", () => {
    const e = stripeFailure(
      new Stripe.errors.StripeAPIError({ message: "boom" }),
      "subscribe",
    ) as DomainError;
    expect(e.code).toBe("UPSTREAM");
    expect(e.message).toMatch(/did not answer/);
  });

  it("passes other errors through untouched", async () => {
    const boom = new Error("bug");
    await expect(callStripe("pay", () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
