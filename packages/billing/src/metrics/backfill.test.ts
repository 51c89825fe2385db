import { mrrMovements, subscriptionHistory } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { attachDefaultCard, customerOnTestClock } from "../portal/testing.ts";
import { recordHooks } from "../records/index.ts";
import { syncAll } from "../sync/backfill.ts";
import { reconcileMrr } from "./reconcile.ts";
import { mrrSeries } from "./series.ts";

// Golden test "a backfilled account" (docs/METRICS.md): a Stripe account with a year of history
// on test clocks, connected to Folio only at the end by `folio stripe sync` (no webhook ever
// delivered). Its MRR must be dated by Stripe's own times, not the day of the sync.

const at = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d) / 1000;
const SYNC_DAY = at(2026, 1, 1);

let emu: EmulatorHandle;
let stripe: Stripe;
const ids: Record<string, string> = {};

/** Moves a test clock to `target` (unix s), a few weeks at a time as Stripe allows. */
async function advanceTo(s: Stripe, clockId: string, target: number) {
  for (;;) {
    const clock = await s.testHelpers.testClocks.retrieve(clockId);
    if (clock.frozen_time >= target) return;
    const next = Math.min(target, clock.frozen_time + 27 * 86_400);
    await s.testHelpers.testClocks.advance(clockId, { frozen_time: next });
    for (let i = 0; i < 500; i++) {
      if ((await s.testHelpers.testClocks.retrieve(clockId)).status === "ready") break;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

beforeAll(async () => {
  emu = await startEmulator({
    deterministic: { seed: "folio-metrics-backfill", start: new Date(SYNC_DAY * 1000) },
  });
  stripe = emu.stripe();
  const price = async (amount: number, interval: "month" | "year") =>
    (
      await stripe.prices.create({
        currency: "usd",
        unit_amount: amount,
        recurring: { interval },
        product_data: { name: `${amount}/${interval}` },
      })
    ).id;
  const basic = await price(1000, "month");
  const pro = await price(3000, "month");
  const annual = await price(24000, "year");
  const customer = async (name: string, start: number) => {
    const { customer: c, testClock } = await customerOnTestClock(stripe, start, name);
    await attachDefaultCard(stripe, c.id);
    ids[name] = c.id;
    return { customer: c.id, clock: testClock.id };
  };

  // Since January 2025, still paying.
  const loyal = await customer("loyal", at(2025, 1));
  await stripe.subscriptions.create({ customer: loyal.customer, items: [{ price: basic }] });
  await advanceTo(stripe, loyal.clock, SYNC_DAY);
  // A 14-day trial from March 1st that converted.
  const trial = await customer("trial", at(2025, 3));
  await stripe.subscriptions.create({
    customer: trial.customer,
    items: [{ price: pro }],
    trial_period_days: 14,
  });
  await advanceTo(stripe, trial.clock, SYNC_DAY);
  // Annual from February, canceled at once on July 1st.
  const annualC = await customer("annual", at(2025, 2));
  const a = await stripe.subscriptions.create({
    customer: annualC.customer,
    items: [{ price: annual }],
  });
  await advanceTo(stripe, annualC.clock, at(2025, 7));
  await stripe.subscriptions.cancel(a.id);
  await advanceTo(stripe, annualC.clock, SYNC_DAY);
  // Monthly from April, asked on September 10th to cancel at the period's end (October 1st).
  const leaving = await customer("leaving", at(2025, 4));
  const l = await stripe.subscriptions.create({
    customer: leaving.customer,
    items: [{ price: basic }],
  });
  await advanceTo(stripe, leaving.clock, at(2025, 9, 10));
  await stripe.subscriptions.update(l.id, { cancel_at_period_end: true });
  await advanceTo(stripe, leaving.clock, SYNC_DAY);
}, 240_000);

afterAll(async () => {
  await emu?.stop();
  await dropTestDatabases();
});

it(
  "a year of history synced in one go is dated by Stripe's times, not the sync's",
  { timeout: 240_000 },
  async () => {
    const db = await createTestDb();
    const clock = manualClock(SYNC_DAY * 1000);
    await syncAll({ db, stripe, clock, hooks: recordHooks });

    const names = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
    const moves = (
      await db.select().from(mrrMovements).orderBy(asc(mrrMovements.at), asc(mrrMovements.id))
    ).map((m) => [
      names.get(m.stripeCustomerId),
      m.kind,
      m.amount,
      new Date(m.at).toISOString().slice(0, 10),
    ]);
    expect(moves).toEqual([
      ["loyal", "new", 1000, "2025-01-01"],
      ["annual", "new", 2000, "2025-02-01"],
      ["trial", "new", 3000, "2025-03-15"],
      ["leaving", "new", 1000, "2025-04-01"],
      ["annual", "churn", -2000, "2025-07-01"],
      ["leaving", "churn", -1000, "2025-10-01"],
    ]);
    // Nothing is dated on the day of the sync.
    const history = await db.select().from(subscriptionHistory);
    expect(history.filter((h) => h.effectiveAt.getTime() >= SYNC_DAY * 1000 && h.mrr > 0)).toEqual(
      [],
    );

    const series = await mrrSeries(
      { db, clock },
      {
        currency: "usd",
        from: new Date(at(2025, 1) * 1000),
        to: new Date(SYNC_DAY * 1000),
        bucket: "month",
      },
    );
    expect(series.buckets.map((b) => b.mrr)).toEqual([
      1000, 3000, 6000, 7000, 7000, 7000, 5000, 5000, 5000, 4000, 4000, 4000,
    ]);
    expect(series.buckets.at(-1)!.customers).toBe(2);
    // And Stripe, valued directly, agrees.
    expect((await reconcileMrr({ db, clock, stripe }, {})).differences).toEqual([]);
  },
);
