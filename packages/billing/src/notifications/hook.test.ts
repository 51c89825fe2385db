import { closeDb, jobs, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { recordHooks } from "../records/index.ts";
import { syncAll } from "../sync/backfill.ts";
import { prng, recordEvents, shuffle } from "../sync/testing.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { TRIAL_REMINDER_MS } from "./hook.ts";

// Each e-mail a Stripe change causes is enqueued once, however often and in whatever order its
// webhooks arrive: every event here is delivered one to three times, shuffled, and at the end
// the whole history is delivered again.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
let all: Stripe.Event[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "emails" } });
  stripe = emulator.stripe();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await emulator.reset();
  all = [];
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
});
afterEach(async () => {
  await closeDb(db);
});

async function apply(events: Stripe.Event[], seed: number) {
  const random = prng(seed);
  const copies = events.flatMap((e) =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => e),
  );
  await deliver({ db, clock }, shuffle(copies, random));
  const worker = startWebhookWorker(
    { db, stripe, clock, hooks: recordHooks },
    { autoStart: false },
  );
  const result = await worker.drain();
  await worker.stop();
  expect(result.failed + result.dead).toBe(0);
}

async function syncNewEvents(seed: number) {
  await emulator.flushWebhooks();
  const seen = new Set(all.map((e) => e.id));
  const fresh = (await recordEvents(stripe)).filter((e) => !seen.has(e.id));
  all.push(...fresh);
  await apply(fresh, seed);
  emulator.advanceClock(2);
  clock.set(emulator.now() * 1000);
}

const emailJobs = async () =>
  (await db.select().from(jobs).orderBy(asc(jobs.createdAt), asc(jobs.key))).filter((j) =>
    j.kind.startsWith("email."),
  );
const kinds = async () => (await emailJobs()).map((j) => j.kind).sort();

async function priceId(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!.id;
}

async function customerFor(email: string): Promise<string> {
  const at = clock.now();
  const user = { id: `usr_${email.split("@")[0]}`, email, name: "Casey Customer" };
  await db.insert(users).values({ ...user, passwordHash: "x", createdAt: at, updatedAt: at });
  return ensureStripeCustomer({ db, stripe, clock }, user);
}

describe("e-mails from Stripe changes", () => {
  it("orders, refunds, trials, plan changes, cancellations and credit each enqueue one e-mail", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const customer = await customerFor("casey@example.test");

    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer,
      line_items: [{ price: await priceId("notebook_a5_dot"), quantity: 2 }],
      shipping_address_collection: { allowed_countries: ["US"] },
      success_url: "http://localhost:3000/billing/orders",
    });
    const paid = await payCheckoutPage(session.url!, {
      email: "casey@example.test",
      shipping: true,
    });
    expect(paid.status).toBeLessThan(400);
    await syncNewEvents(1);
    expect(await kinds()).toEqual(["email.order_confirmation"]);
    const [confirmation] = await emailJobs();
    expect((confirmation!.payload as { orderId: string }).orderId).toMatch(/^ord_/);

    const { payment_intent } = await stripe.checkout.sessions.retrieve(session.id);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 1000 });
    await syncNewEvents(2);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 500 });
    await syncNewEvents(3);
    const refunds = (await emailJobs()).filter((j) => j.kind === "email.refund_issued");
    expect(
      refunds.map((j) => (j.payload as { amount: number }).amount).sort((a, b) => a - b),
    ).toEqual([500, 1000]);

    const sub = await stripe.subscriptions.create({
      customer,
      items: [{ price: await priceId("quire_pro_monthly") }],
      trial_period_days: 14,
    });
    await syncNewEvents(4);
    const [trial] = (await emailJobs()).filter((j) => j.kind === "email.trial_ending");
    expect(trial!.runAt.getTime()).toBe(sub.trial_end! * 1000 - TRIAL_REMINDER_MS);

    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    await syncNewEvents(5);
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await syncNewEvents(6);
    await stripe.customers.createBalanceTransaction(customer, {
      amount: -1500,
      currency: "usd",
      description: "Sorry for the outage",
    });
    await syncNewEvents(7);
    await stripe.subscriptions.cancel(sub.id);
    await syncNewEvents(8);

    const changes = (await emailJobs())
      .filter((j) => j.kind === "email.subscription_changed")
      .map((j) => (j.payload as { change: string }).change);
    expect(changes.sort()).toEqual(["cancel_scheduled", "canceled", "changed"]);
    const credit = (await emailJobs()).find((j) => j.kind === "email.credit_granted");
    expect(credit?.payload).toMatchObject({
      amount: 1500,
      currency: "usd",
      reason: "Sorry for the outage",
    });

    const before = await emailJobs();
    expect(before).toHaveLength(8);
    // The whole history again, shuffled and duplicated, then a backfill: nothing new is sent.
    await apply(all, 99);
    await syncAll({ db, stripe, clock, hooks: recordHooks });
    expect((await emailJobs()).map((j) => j.key)).toEqual(before.map((j) => j.key));
  }, 60_000);

  it("history is not mailed: events older than two days enqueue nothing", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const customer = await customerFor("old@example.test");
    await stripe.customers.createBalanceTransaction(customer, { amount: -700, currency: "usd" });
    await emulator.flushWebhooks();
    const events = await recordEvents(stripe);
    clock.set(emulator.now() * 1000 + 3 * 24 * 3600_000);
    await apply(events, 5);
    expect(await emailJobs()).toEqual([]);
  }, 30_000);
});
