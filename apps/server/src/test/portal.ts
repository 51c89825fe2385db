import { attachDefaultCard, ensureStripeCustomer } from "@folio/billing";
import type Stripe from "stripe";
import { insertUser, type setup } from "./helpers.ts";

// Setup the portal router suites share.

type Env = Awaited<ReturnType<typeof setup>>;

/** A signed-up customer with their Stripe customer (linked in the store) and a Visa as default. */
export async function customerWithCard(env: Env, stripe: Stripe) {
  const user = await insertUser(env.db, "customer");
  const customerId = await ensureStripeCustomer({ db: env.db, stripe, clock: env.clock }, user);
  await attachDefaultCard(stripe, customerId);
  return { user, customerId };
}
