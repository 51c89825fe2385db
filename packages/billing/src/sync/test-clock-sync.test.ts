import { closeDb, stripeCustomers, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { syncAll } from "./backfill.ts";
import { convergenceProblems, prng, recordEvents, shuffle } from "./testing.ts";

// A customer on a test clock gets events stamped with the clock's time (a month ahead here).
// That time must decide nothing about other objects, nor about the clock customer's own later
// changes: every later change converges, whatever the delivery order, and after a backfill.

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "test-clock-sync" } });
  stripe = emu.stripe();
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 120_000);
beforeEach(() => emu.reset());
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDb(db).catch(() => undefined);
});

async function fresh() {
  const db = await createTestDb();
  opened.push(db);
  const clock = manualClock(Date.now());
  const deps = { db, stripe, clock };
  const worker = startWebhookWorker({ ...deps, hooks: recordHooks }, { autoStart: false });
  return { db, clock, worker, deps };
}

const MONTH = 31 * 86_400;

async function untilReady(id: string) {
  for (let i = 0; i < 200; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(id)).status === "ready") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`test clock ${id} never got ready`);
}

/** A plain customer and one on a test clock with a monthly subscription; the clock moves a month. */
async function clockAdvancedAMonth(start = emu.now()) {
  const plain = await stripe.customers.create({ name: "plain v1" });
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const onClock = await stripe.customers.create({ name: "clocked v1", test_clock: clock.id });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: onClock.id });
  await stripe.customers.update(onClock.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 900,
    recurring: { interval: "month" },
    product_data: { name: "Monthly" },
  });
  await stripe.subscriptions.create({ customer: onClock.id, items: [{ price: price.id }] });
  emu.advanceClock(1);
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + MONTH + 7200 });
  await untilReady(clock.id);
  emu.advanceClock(1);
  return { plain: plain.id, onClock: onClock.id };
}

/** Three seconds of renames, two in each second (the second tie is settled by a fetch): only
 * the last name is right. */
async function renames(ids: string[], from: number) {
  for (let v = from; v < from + 3; v++) {
    for (const id of ids) {
      await stripe.customers.update(id, { name: `${id} v${v} draft` });
      await stripe.customers.update(id, { name: `${id} v${v}` });
    }
    emu.advanceClock(1);
  }
}

async function names(db: Db) {
  const rows = await db
    .select({ id: stripeCustomers.id, name: stripeCustomers.name })
    .from(stripeCustomers);
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

describe("a test clock a month ahead", { timeout: 120_000 }, () => {
  it("events stamped with the clock's time: later real changes still converge, in order", async () => {
    const { plain, onClock } = await clockAdvancedAMonth();
    const clockEvents = (await recordEvents(stripe)).filter(
      (e) => e.type === "invoice.created" && e.created > emu.now() + MONTH / 2,
    );
    expect(clockEvents.length, "the renewal is stamped with the clock's time").toBeGreaterThan(0);
    await renamesAsTheyHappen(plain, onClock);
  });

  it("a clock in the past: its customer's later changes are not older than a fetch", async () => {
    const { plain, onClock } = await clockAdvancedAMonth(emu.now() - 365 * 86_400);
    await renamesAsTheyHappen(plain, onClock);
  });

  async function renamesAsTheyHappen(plain: string, onClock: string) {
    const { db, clock, worker } = await fresh();
    const seen = new Set<string>();
    // Each event delivered and applied as soon as it happens, as Stripe would.
    const deliverNew = async () => {
      for (const e of await recordEvents(stripe)) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        await deliver({ db, clock }, [e]);
        await worker.drain();
      }
    };
    await deliverNew();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    for (let v = 2; v < 5; v++) {
      for (const id of [plain, onClock]) {
        await stripe.customers.update(id, { name: `${id} v${v} draft` });
        await deliverNew();
        await stripe.customers.update(id, { name: `${id} v${v}` });
        await deliverNew();
      }
      emu.advanceClock(1);
    }
    expect(await names(db)).toMatchObject({ [plain]: `${plain} v4`, [onClock]: `${onClock} v4` });
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  }

  it("converges for shuffled, duplicated deliveries, as the changes happen", async () => {
    const { plain, onClock } = await clockAdvancedAMonth();
    const history = await recordEvents(stripe);
    let v = 2;
    for (let seed = 1; seed <= 5; seed++) {
      const random = prng(seed);
      const { db, clock, worker } = await fresh();
      const dup = (es: Stripe.Event[]) =>
        shuffle(
          es.flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 2) }, () => e)),
          random,
        );
      await deliver({ db, clock }, dup(history));
      await worker.drain();
      // Two rounds of renames, each delivered shuffled (and applied) before the next happens.
      for (let round = 0; round < 2; round++, v += 3) {
        const seen = new Set((await recordEvents(stripe)).map((e) => e.id));
        await renames([plain, onClock], v);
        await deliver(
          { db, clock },
          dup((await recordEvents(stripe)).filter((e) => !seen.has(e.id))),
        );
        await worker.drain();
        expect(await names(db), `seed ${seed} round ${round}`).toMatchObject({
          [plain]: `${plain} v${v + 2}`,
          [onClock]: `${onClock} v${v + 2}`,
        });
      }
      expect(await convergenceProblems(db, stripe), `seed ${seed}`).toEqual([]);
    }
  });

  it("after `folio stripe sync` the next real changes still apply (the repair sticks)", async () => {
    const { plain, onClock } = await clockAdvancedAMonth();
    const { db, clock, worker, deps } = await fresh();
    await deliver({ db, clock }, await recordEvents(stripe));
    await worker.drain();
    await syncAll({ ...deps, hooks: recordHooks });
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    const seen = new Set((await recordEvents(stripe)).map((e) => e.id));
    await renames([plain, onClock], 2);
    const later = (await recordEvents(stripe)).filter((e) => !seen.has(e.id));
    expect(later.length).toBeGreaterThan(0);
    await deliver({ db, clock }, later);
    await worker.drain();
    expect(await names(db)).toMatchObject({ [plain]: `${plain} v4`, [onClock]: `${onClock} v4` });
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    // A sync over a fresh store (catch-up by fetch only), then changes: they apply too.
    const second = await fresh();
    await syncAll({ ...second.deps, hooks: recordHooks });
    const seen2 = new Set((await recordEvents(stripe)).map((e) => e.id));
    await renames([plain, onClock], 5);
    await deliver(
      second,
      (await recordEvents(stripe)).filter((e) => !seen2.has(e.id)),
    );
    await second.worker.drain();
    expect(await names(second.db)).toMatchObject({
      [plain]: `${plain} v7`,
      [onClock]: `${onClock} v7`,
    });
    expect(await convergenceProblems(second.db, stripe)).toEqual([]);
  });
});
