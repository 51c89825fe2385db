// Test-only (it registers vitest hooks, so nothing outside tests may import it): the emulator
// setup of the files that check what Folio's record hooks cause from Stripe changes (e-mails,
// outbound events). A fresh emulator account and store per test, and Stripe's events delivered
// the way real webhooks may arrive: each one to three times, shuffled.
import { closeDb, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { recordEvents } from "../sync/testing.ts";
import { deliverShuffledAndApply } from "../webhooks/testing.ts";
import { recordHooks } from "./index.ts";

export let emulator: EmulatorHandle;
export let stripe: Stripe;
export let db: Db;
/** Follows the emulator's clock: set to it before each test and after each sync. */
export const clock = manualClock(Date.UTC(2026, 0, 1));
/** Every event `syncNewEvents` has delivered in this test, oldest first. */
export const delivered: Stripe.Event[] = [];

/** One emulator per test file (`seed` makes its ids repeatable), reset with a new store per test. */
export function useRecordHooksEmulator(seed: string): void {
  beforeAll(async () => {
    emulator = await startEmulator({ deterministic: { seed } });
    stripe = emulator.stripe();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    await emulator.reset();
    delivered.length = 0;
    db = await createTestDb();
    clock.set(emulator.now() * 1000);
  });
  afterEach(async () => {
    await closeDb(db);
  });
}

/** Delivers `events` one to three times each, shuffled by `seed`, and applies them all. */
export async function apply(events: readonly Stripe.Event[], seed: number): Promise<void> {
  const result = await deliverShuffledAndApply(
    { db, stripe, clock, hooks: recordHooks },
    events,
    seed,
  );
  expect(result.failed + result.dead).toBe(0);
}

/** Applies the events not delivered yet, then moves on two seconds so later changes come later. */
export async function syncNewEvents(seed: number): Promise<void> {
  await emulator.flushWebhooks();
  const seen = new Set(delivered.map((e) => e.id));
  const fresh = (await recordEvents(stripe)).filter((e) => !seen.has(e.id));
  delivered.push(...fresh);
  await apply(fresh, seed);
  emulator.advanceClock(2);
  clock.set(emulator.now() * 1000);
}

export async function priceId(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!.id;
}

/** A Folio user `usr_<local part>` with a Stripe customer; returns the customer's id. */
export async function customerFor(email: string): Promise<string> {
  const at = clock.now();
  const user = { id: `usr_${email.split("@")[0]}`, email, name: "Casey Customer" };
  await db.insert(users).values({ ...user, passwordHash: "x", createdAt: at, updatedAt: at });
  return ensureStripeCustomer({ db, stripe, clock }, user);
}

/** With the demo catalog pushed: a new customer who has paid a hosted checkout for two notebooks. */
export async function customerWithPaidCheckout(
  email: string,
): Promise<{ customer: string; session: Stripe.Checkout.Session }> {
  await pushCatalog({ stripe }, demoCatalog());
  const customer = await customerFor(email);
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [{ price: await priceId("notebook_a5_dot"), quantity: 2 }],
    shipping_address_collection: { allowed_countries: ["US"] },
    success_url: "http://localhost:3000/billing/orders",
  });
  const paid = await payCheckoutPage(session.url!, { email, shipping: true });
  expect(paid.status).toBeLessThan(400);
  return { customer, session };
}
