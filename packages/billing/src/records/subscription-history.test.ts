import { subscriptionHistory, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { syncAll } from "../sync/backfill.ts";
import { frozenAccountClient, prng, recordEvents, shuffle } from "../sync/testing.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { recordHooks } from "./index.ts";
import { snapshotSubscription } from "./subscription-history.ts";

// Golden tests: one recorded subscription lifecycle — trial → paid → upgrade → seats and a
// scheduled cancellation in the same second → resumed → canceled — delivered in order, shuffled,
// duplicated and after a backfill has already stored the end state. The history must be the same
// every time, and say when Stripe made each change.

let emu: EmulatorHandle;
let stripe: Stripe;
let events: Stripe.Event[];
let subId: string;
let final: Stripe.Subscription;
const DAY = 24 * 60 * 60;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-history-golden" } });
  const s = emu.stripe();
  const pro = await s.prices.create({
    currency: "usd",
    unit_amount: 1500,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
  });
  const business = await s.prices.create({
    currency: "usd",
    unit_amount: 4000,
    recurring: { interval: "month" },
    product_data: { name: "Business" },
  });
  const customer = await s.customers.create({ email: "golden@example.com" });
  const pm = await s.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await s.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const sub = await s.subscriptions.create({
    customer: customer.id,
    items: [{ price: pro.id }],
    trial_period_days: 7,
  });
  subId = sub.id;
  emu.advanceClock(8 * DAY); // the trial ends and the first invoice is paid
  const item = (await s.subscriptions.retrieve(subId)).items.data[0]!;
  emu.advanceClock(2 * DAY);
  await s.subscriptions.update(subId, { items: [{ id: item.id, price: business.id }] });
  emu.advanceClock(DAY);
  // Same second: seats, then a scheduled cancellation.
  await s.subscriptions.update(subId, { items: [{ id: item.id, quantity: 3 }] });
  await s.subscriptions.update(subId, { cancel_at_period_end: true });
  emu.advanceClock(DAY);
  await s.subscriptions.update(subId, { cancel_at_period_end: false });
  emu.advanceClock(DAY);
  await s.subscriptions.cancel(subId);
  events = await recordEvents(s);
  final = await s.subscriptions.retrieve(subId);
  stripe = frozenAccountClient((config) => emu.stripe(undefined, config)).stripe;
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await dropTestDatabases();
});

async function fresh() {
  const db = await createTestDb();
  const clock = manualClock(Date.now());
  const worker = startWebhookWorker(
    { db, stripe, clock, hooks: recordHooks },
    { autoStart: false },
  );
  return { db, clock, worker };
}

/** The history without bookkeeping (row ids, when it was written). */
async function history(db: Db) {
  const rows = await db
    .select()
    .from(subscriptionHistory)
    .where(eq(subscriptionHistory.subscriptionId, subId))
    .orderBy(asc(subscriptionHistory.effectiveAt), asc(subscriptionHistory.id));
  return rows.map(({ id: _i, recordedAt: _r, ...rest }) => rest);
}

/** Delivers and applies one event at a time, so the apply order is the delivery order. */
async function oneByOne(list: readonly Stripe.Event[]) {
  const { db, clock, worker } = await fresh();
  for (const e of list) {
    await deliver({ db, clock }, [e]);
    expect(await worker.drain()).toMatchObject({ failed: 0, dead: 0 });
  }
  return history(db);
}

describe("subscription history is the same whatever the delivery", { timeout: 120_000 }, () => {
  let golden: Awaited<ReturnType<typeof history>>;

  it("in order: one row per change, each when Stripe made it", async () => {
    golden = await oneByOne(events);
    const subEvents = events.filter((e) => e.type.startsWith("customer.subscription."));
    expect(
      golden.map((r) => [
        r.status,
        r.items.map((i) => [i.unitAmount, i.quantity]),
        r.cancelAtPeriodEnd,
      ]),
    ).toEqual([
      ["trialing", [[1500, 1]], false],
      ["active", [[1500, 1]], false],
      ["active", [[4000, 1]], false],
      ["active", [[4000, 3]], false],
      ["active", [[4000, 3]], true],
      ["active", [[4000, 3]], false],
      ["canceled", [[4000, 3]], false],
    ]);
    // Every row is an event's own snapshot, dated at that event.
    for (const r of golden) {
      const e = subEvents.find((x) => x.id === r.eventId);
      expect(e, `row ${r.status} has event ${r.eventId}`).toBeDefined();
      expect(r.effectiveAt.getTime()).toBe(e!.created * 1000);
    }
    expect(golden.at(-1)!.effectiveAt.getTime()).toBe(final.ended_at! * 1000);
    expect(golden.at(-1)!.fingerprint).toBe(snapshotSubscription(final).fingerprint);
  });

  it("shuffled, 12 seeds", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      expect(await oneByOne(shuffle(events, prng(seed))), `seed ${seed}`).toEqual(golden);
    }
  });

  it("reversed, and every event delivered twice", async () => {
    expect(await oneByOne([...events].reverse())).toEqual(golden);
    const twice = shuffle([...events, ...events], prng(99));
    expect(await oneByOne(twice)).toEqual(golden);
  });

  // What a fetch of the canceled subscription alone says: a trial from start_date, paid from
  // trial_end, canceled at ended_at (the upgrade and seats before it left no trace Stripe keeps).
  const inferredThenCanceled = () => [
    ["trialing", "inferred", final.start_date * 1000],
    ["active", "inferred", final.trial_end! * 1000],
    ["canceled", "sync", final.ended_at! * 1000],
  ];

  it("after a backfill stored the end state first (catch-up by fetch)", async () => {
    const { db, clock, worker } = await fresh();
    await syncAll({ db, stripe, clock, hooks: recordHooks });
    // Known only from the fetch: the cancellation is dated when Stripe canceled, not earlier,
    // and the states before it by the times Stripe keeps (start_date, trial_end).
    const fetched = await history(db);
    expect(fetched.map((r) => [r.status, r.eventType, r.effectiveAt.getTime()])).toEqual(
      inferredThenCanceled(),
    );
    for (const e of shuffle(events, prng(7))) {
      await deliver({ db, clock }, [e]);
      await worker.drain();
    }
    expect(await history(db)).toEqual(golden);
  });

  it("a parent fetched for an early event is dated by Stripe's times, not that event's", async () => {
    const { db, clock, worker } = await fresh();
    // The first invoice's event comes alone; its subscription (canceled by now) is fetched.
    const first = events.find((e) => e.type === "invoice.paid")!;
    await deliver({ db, clock }, [first]);
    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 0 });
    const rows = await history(db);
    expect(rows.map((r) => [r.status, r.eventType, r.effectiveAt.getTime()])).toEqual(
      inferredThenCanceled(),
    );
    expect(rows.at(-1)!.effectiveAt.getTime()).toBeGreaterThan(first.created * 1000);
    // The rest arrives: the same history as ever.
    for (const e of events) {
      await deliver({ db, clock }, [e]);
      await worker.drain();
    }
    expect(await history(db)).toEqual(golden);
  });
});
