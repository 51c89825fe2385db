import type { Db } from "@folio/db";
import type Stripe from "stripe";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import type { Clock } from "../clock.ts";
import type { DomainError } from "../errors.ts";
import { recordHooks } from "../records/index.ts";
import { isStripeError, stripeFailure } from "../stripe-errors.ts";
import { idOf } from "../sync/kinds.ts";
import { storeStripeResult, type StoreStripeResultInput } from "../sync/write-path.ts";

// What the customer portal's commands share: who may call them, the attempt id that makes a
// double click replay instead of acting twice, and how they store what Stripe returned.

export type CustomerActor = Extract<Actor, { type: "customer" }>;

/** A portal command acts for `actor`, the signed-in customer, and never for anyone else. */
export interface CustomerCommandDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
  actor: CustomerActor;
}

/** A uuid the web makes once per dialog or page visit: the same attempt replays Stripe's answer. */
export const attemptIdSchema = z.uuid({ message: "Reload the page and try again." });

/**
 * Stores an object a Stripe call returned through the write path (with the record hooks:
 * orders, credit ledger, …) as the caller, with the audit row and Folio's own writes in
 * `extra`, all in one transaction.
 */
export function storeForCustomer(
  deps: CustomerCommandDeps,
  object: StoreStripeResultInput["object"],
  extra: Pick<StoreStripeResultInput, "audit" | "also"> = {},
): Promise<void> {
  return storeStripeResult(
    { ...deps, hooks: recordHooks },
    { object, actor: deps.actor, ...extra },
  );
}

/**
 * The Checkout session `sessionId` from Stripe, if it is `customerId`'s and in one of `modes`.
 * Another customer's session, one in another mode and one Stripe does not know all throw
 * `notFound`: from outside they look exactly alike. Other Stripe failures say what `doing` was.
 */
export async function customersCheckoutSession(
  stripe: Stripe,
  customerId: string,
  sessionId: string,
  opts: {
    modes: readonly Stripe.Checkout.Session.Mode[];
    expand: string[];
    doing: string;
    notFound: DomainError;
  },
): Promise<Stripe.Checkout.Session> {
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId, { expand: opts.expand });
  } catch (e) {
    if (isStripeError(e) && e.statusCode === 404) throw opts.notFound;
    throw stripeFailure(e, opts.doing);
  }
  if (idOf(session.customer) !== customerId || !opts.modes.includes(session.mode)) {
    throw opts.notFound;
  }
  return session;
}
