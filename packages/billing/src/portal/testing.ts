import { users, type Db } from "@folio/db";
import type Stripe from "stripe";
import type { Clock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { storeStripeResult } from "../sync/write-path.ts";
import type { PlanChangePreview } from "./plan-change.ts";

// Setup the portal suites share (no test-runner dependency): customers with a card, each on
// its own Stripe test clock where time must pass, and prices by lookup key.

/** Inserts a Folio user `id` (e-mail `<id>@example.test`) without hashing a password. */
export async function insertCustomerUser(db: Db, clock: Clock, id: string) {
  const at = clock.now();
  const user = { id, email: `${id}@example.test`, name: id };
  await db.insert(users).values({ ...user, passwordHash: "x", createdAt: at, updatedAt: at });
  return user;
}

/** Attaches a test card (`pm_card_visa`, `pm_card_chargeCustomerFail`, …) as the default. */
export async function attachDefaultCard(
  stripe: Stripe,
  customerId: string,
  card = "pm_card_visa",
): Promise<Stripe.PaymentMethod> {
  const pm = await stripe.paymentMethods.attach(card, { customer: customerId });
  await stripe.customers.update(customerId, {
    invoice_settings: { default_payment_method: pm.id },
  });
  return pm;
}

/**
 * A Stripe customer for user `userId` on a test clock of its own, frozen at `now` (unix
 * seconds), so advancing it moves only this customer's subscriptions.
 */
export async function customerOnTestClock(stripe: Stripe, now: number, userId: string) {
  const testClock = await stripe.testHelpers.testClocks.create({ frozen_time: now });
  const customer = await stripe.customers.create({
    email: `${userId}@example.test`,
    test_clock: testClock.id,
    metadata: { folio_user_id: userId },
  });
  return { customer, testClock };
}

const SYNC = { type: "sync", eventId: null, source: "test" } as const;

/** Stores a Stripe object in the mirror as a sync would, with Folio's record hooks. */
function storeSynced(
  deps: { db: Db; stripe: Stripe; clock: Clock },
  object: { id: string; object: string },
) {
  return storeStripeResult({ ...deps, hooks: recordHooks }, { object, actor: SYNC });
}

/**
 * Folio user `id` as a Stripe customer on a test clock of its own (frozen at `now`, unix
 * seconds) with a card, subscribed with `params`, customer and subscription stored in the
 * mirror. `laterCard` becomes the default after the first invoice is paid (a declined card).
 */
export async function subscribedOnTestClock(
  deps: { db: Db; stripe: Stripe; clock: Clock },
  {
    id,
    now,
    params,
    laterCard,
  }: {
    id: string;
    now: number;
    params: Omit<Stripe.SubscriptionCreateParams, "customer">;
    laterCard?: string;
  },
) {
  const { db, stripe, clock } = deps;
  await insertCustomerUser(db, clock, id);
  const { customer, testClock } = await customerOnTestClock(stripe, now, id);
  await attachDefaultCard(stripe, customer.id);
  const subscription = await stripe.subscriptions.create({ customer: customer.id, ...params });
  if (laterCard) await attachDefaultCard(stripe, customer.id, laterCard);
  await storeSynced(deps, await stripe.customers.retrieve(customer.id));
  await storeSynced(deps, subscription);
  const actor = { type: "customer" as const, userId: id };
  return { customer, testClock, subscription, deps: { db, stripe, clock, actor } };
}

/** What confirming `preview` sends (a fresh attempt id unless one is given). */
export const confirmInputOf = (p: PlanChangePreview, attemptId: string = crypto.randomUUID()) => ({
  subscriptionId: p.subscriptionId,
  priceId: p.priceId,
  seats: p.seats,
  prorationDate: p.prorationDate,
  changeKey: p.changeKey,
  attemptId,
});

/** Advances a test clock by `seconds` and waits until Stripe has run what fell due. */
export async function advanceTestClock(
  stripe: Stripe,
  testClockId: string,
  seconds: number,
): Promise<void> {
  const { frozen_time } = await stripe.testHelpers.testClocks.retrieve(testClockId);
  await stripe.testHelpers.testClocks.advance(testClockId, { frozen_time: frozen_time + seconds });
  for (let i = 0; i < 200; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(testClockId)).status === "ready") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`test clock ${testClockId} did not become ready`);
}

/** Every price in the account with a lookup key, by that key. */
export async function priceIdsByLookupKey(stripe: Stripe): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for await (const p of stripe.prices.list({ limit: 100 })) {
    if (p.lookup_key) ids[p.lookup_key] = p.id;
  }
  return ids;
}
