import type Stripe from "stripe";
import type { Actor } from "../../audit/actor.ts";
import { DomainError } from "../../errors.ts";
import { isStripeError, stripeFailure } from "../../stripe-errors.ts";
import { storeStripeResult } from "../../sync/write-path.ts";

/**
 * Refuses a balance movement in a currency the customer's Stripe credit balance cannot hold.
 * Stripe keeps one balance currency per customer, set by its first balance transaction or
 * invoice; asking Stripe (not the mirror) means a currency set a moment ago counts too.
 */
export async function assertBalanceCurrency(
  stripe: Stripe,
  customerId: string,
  currency: string,
): Promise<void> {
  let customer: Stripe.Customer | Stripe.DeletedCustomer;
  try {
    customer = await stripe.customers.retrieve(customerId);
  } catch (e) {
    if (isStripeError(e) && e.statusCode === 404) {
      throw new DomainError("NOT_FOUND", "Stripe does not know this customer any more.");
    }
    throw stripeFailure(e, "check the customer's balance currency");
  }
  if ("deleted" in customer && customer.deleted) {
    throw new DomainError("PRECONDITION_FAILED", "This customer was deleted in Stripe.");
  }
  const own = customer.currency;
  if (own && own !== currency) {
    throw new DomainError(
      "BAD_REQUEST",
      `This customer's credit balance is in ${own.toUpperCase()}; Stripe keeps one balance currency per customer, so ${currency.toUpperCase()} cannot be used. Use ${own.toUpperCase()}.`,
      { balanceCurrency: own },
    );
  }
}

/**
 * Stores the customer's current balance after a balance transaction, so the portal and the
 * admin pages show it at once rather than when `customer.updated` arrives. Best effort: the
 * webhook converges if Stripe does not answer now.
 */
export async function refreshStoredCustomer(
  deps: Parameters<typeof storeStripeResult>[0],
  actor: Actor,
  customerId: string,
): Promise<void> {
  let customer;
  try {
    customer = await deps.stripe.customers.retrieve(customerId);
  } catch {
    return;
  }
  await storeStripeResult(deps, { object: customer, actor });
}
