import { closeDb, users, webhookDeliveries, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
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
import { createEndpoint } from "./endpoints.ts";

// Each outbound event a Stripe change causes reaches each subscribed endpoint once, however often
// and in whatever order its webhooks arrive: every event is delivered one to three times,
// shuffled, and at the end the whole history again, then a backfill.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
let all: Stripe.Event[] = [];
const staff = { type: "staff", userId: "usr_admin", role: "admin" } as const;

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "outbound" } });
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

const deliveries = async () =>
  (await db.select().from(webhookDeliveries)).map((d) => `${d.eventType}@${d.endpointId}`).sort();

async function priceId(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!.id;
}

describe("outbound events from Stripe changes", () => {
  it("a paid checkout, refunds, a subscription's life and credit each reach each subscribed endpoint once", async () => {
    const urls = { allowPrivate: true };
    const make = await createEndpoint(
      { db, clock, actor: staff, urls },
      { url: "http://127.0.0.1:7101/make", eventTypes: ["order.paid", "refund.succeeded"] },
    );
    const crm = await createEndpoint(
      { db, clock, actor: staff, urls },
      {
        url: "http://127.0.0.1:7102/crm",
        eventTypes: [
          "order.paid",
          "subscription.created",
          "subscription.updated",
          "subscription.canceled",
          "credit.granted",
        ],
      },
    );
    await pushCatalog({ stripe }, demoCatalog());
    const at = clock.now();
    await db.insert(users).values({
      id: "usr_casey",
      email: "casey@example.test",
      name: "Casey",
      passwordHash: "x",
      createdAt: at,
      updatedAt: at,
    });
    const customer = await ensureStripeCustomer(
      { db, stripe, clock },
      { id: "usr_casey", email: "casey@example.test", name: "Casey" },
    );
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer,
      line_items: [{ price: await priceId("notebook_a5_dot"), quantity: 2 }],
      shipping_address_collection: { allowed_countries: ["US"] },
      success_url: "http://localhost:3000/billing/orders",
    });
    await payCheckoutPage(session.url!, { email: "casey@example.test", shipping: true });
    await syncNewEvents(1);
    expect(await deliveries()).toEqual([`order.paid@${crm.id}`, `order.paid@${make.id}`].sort());
    const [paid] = await db.select().from(webhookDeliveries);
    expect(paid!.payload).toMatchObject({
      type: "order.paid",
      data: { object: { object: "order", email: "casey@example.test", items: [{ quantity: 2 }] } },
    });

    const { payment_intent } = await stripe.checkout.sessions.retrieve(session.id);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 1000 });
    await syncNewEvents(2);
    const sub = await stripe.subscriptions.create({
      customer,
      items: [{ price: await priceId("quire_pro_monthly") }],
      trial_period_days: 14,
    });
    await syncNewEvents(3);
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    await syncNewEvents(4);
    await stripe.customers.createBalanceTransaction(customer, {
      amount: -1500,
      currency: "usd",
      description: "Sorry for the outage",
    });
    await syncNewEvents(5);
    await stripe.subscriptions.cancel(sub.id);
    await syncNewEvents(6);

    const before = await deliveries();
    expect(before.filter((d) => d.endsWith(make.id))).toEqual(
      [`order.paid@${make.id}`, `refund.succeeded@${make.id}`].sort(),
    );
    const toCrm = before.filter((d) => d.endsWith(crm.id)).map((d) => d.split("@")[0]);
    expect(new Set(toCrm)).toEqual(
      new Set([
        "order.paid",
        "subscription.created",
        "subscription.updated",
        "subscription.canceled",
        "credit.granted",
      ]),
    );
    // The whole history again, shuffled and duplicated, then a backfill: nothing new is sent.
    await apply(all, 99);
    await syncAll({ db, stripe, clock, hooks: recordHooks });
    expect(await deliveries()).toEqual(before);
  }, 60_000);
});
