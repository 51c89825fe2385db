import {
  closeDb,
  jobs,
  mrrDaily,
  mrrMovements,
  subscriptionHistory,
  users,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { asc } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { startJobWorker } from "../jobs/worker.ts";
import { updateSetting } from "../settings.ts";
import { subscriptionMrr } from "./mrr.ts";
import { continueMovementsRebuild, movementsRebuildStatus } from "./rebuild.ts";
import { rebuildMovementsJob } from "./rebuild-job.ts";
import { METRIC_SETTINGS_KEY, rebuildMovements } from "./store.ts";

// Saving the recognition settings recomputes every customer's movements in the background
// (docs/METRICS.md, "Recognition settings"): the save only records the request; chunks of
// customers follow, each committing movements and mrr_daily together.

const DAY = 86_400_000;
const JAN1 = Date.UTC(2026, 0, 1);
const day = (n: number) => JAN1 + n * DAY;
const staff = { type: "staff" as const, userId: "user_finance", role: "finance" as const };
let db: Db;
const clock = manualClock(day(90));

type Row = typeof subscriptionHistory.$inferInsert;
function row(customer: string, at: number, status: string, extra: Partial<Row> = {}): Row {
  const state = {
    status,
    currency: "usd",
    items: [
      {
        subscriptionItemId: `si_${customer}`,
        priceId: "price_pro",
        productId: "prod_pro",
        quantity: 1,
        unitAmount: 1000,
        interval: "month",
        intervalCount: 1,
        usageType: "licensed" as const,
      },
    ],
    discounts: [],
    cancelAtPeriodEnd: false,
    cancelAt: null,
    paused: false,
    ...extra,
  };
  return {
    subscriptionId: `sub_${customer}`,
    stripeCustomerId: customer,
    eventId: `evt_${customer}_${at}`,
    eventType: "customer.subscription.updated",
    ...state,
    interval: "month",
    intervalCount: 1,
    canceledAt: null,
    endedAt: null,
    trialEnd: null,
    fingerprint: `${customer}:${at}`,
    mrr: subscriptionMrr(state, at),
    effectiveAt: new Date(at),
    recordedAt: new Date(at),
  };
}

/** Each customer's movements as [kind, day]. */
async function movements() {
  const rows = await db
    .select()
    .from(mrrMovements)
    .orderBy(asc(mrrMovements.stripeCustomerId), asc(mrrMovements.at));
  const out: Record<string, Array<[string, number]>> = {};
  for (const m of rows)
    (out[m.stripeCustomerId] ??= []).push([m.kind, (m.at.getTime() - JAN1) / DAY]);
  return out;
}

/** mrr_daily must stay the per-day sum of mrr_movements after every committed chunk. */
async function expectDailyInStep() {
  const daily = new Map<string, number>();
  for (const m of await db.select().from(mrrMovements)) {
    const key = `${Math.floor(m.at.getTime() / DAY)}|${m.kind}`;
    daily.set(key, (daily.get(key) ?? 0) + m.amount);
  }
  const stored = new Map<string, number>();
  for (const d of await db.select().from(mrrDaily))
    if (d.movements !== 0) stored.set(`${d.day.getTime() / DAY}|${d.kind}`, d.amount);
  expect(stored).toEqual(daily);
}

const save = (value: unknown) =>
  updateSetting({ db, clock, actor: staff }, METRIC_SETTINGS_KEY, value);

beforeEach(async () => {
  db = await createTestDb();
  const at = clock.now();
  await db.insert(users).values({
    id: staff.userId,
    email: "finance@example.com",
    name: "Finance",
    passwordHash: "x",
    role: "finance",
    createdAt: at,
    updatedAt: at,
  });
  await db.insert(subscriptionHistory).values([
    // Asks on day 10 to cancel at the period's end (day 31).
    row("cus_a", day(0), "active"),
    row("cus_a", day(10), "active", { cancelAtPeriodEnd: true }),
    row("cus_a", day(31), "canceled", { cancelAtPeriodEnd: true }),
    // past_due from day 20 until Stripe cancels it on day 59.
    row("cus_b", day(0), "active"),
    row("cus_b", day(20), "past_due"),
    row("cus_b", day(59), "canceled"),
    // Pays throughout: no setting changes it.
    row("cus_c", day(0), "active"),
  ]);
  await rebuildMovements({ db, clock });
});
afterEach(() => closeDb(db));
afterAll(dropTestDatabases);

describe("saving the recognition settings", () => {
  const defaults = {
    cus_a: [
      ["new", 0],
      ["churn", 31],
    ],
    cus_b: [
      ["new", 0],
      ["churn", 59],
    ],
    cus_c: [["new", 0]],
  };

  it("recomputes every customer in the background, chunk by chunk, and says so meanwhile", async () => {
    expect(await movements()).toEqual(defaults);
    await save({ pastDueChurnDays: 7, churnAtCancelRequest: true });
    // The save itself recomputes nothing; the Revenue page shows "recomputing".
    expect(await movements()).toEqual(defaults);
    expect(await movementsRebuildStatus({ db })).toMatchObject({
      recomputing: true,
      customersDone: 0,
    });

    // One chunk of one customer: cus_a follows the new settings, the others not yet.
    const first = await continueMovementsRebuild({ db, clock }, { batch: 1, maxMs: 0 });
    expect(first).toMatchObject({ recomputing: true, customersDone: 1, customersTotal: 3 });
    expect((await movements()).cus_a).toEqual([
      ["new", 0],
      ["churn", 10],
    ]);
    expect((await movements()).cus_b).toEqual(defaults.cus_b);
    await expectDailyInStep();

    // Saved again mid-way: the rebuild starts over, cus_a included, with the latest settings.
    await save({ pastDueChurnDays: 14, churnAtCancelRequest: false });
    expect(await movementsRebuildStatus({ db })).toMatchObject({ customersDone: 0 });
    const done = await continueMovementsRebuild({ db, clock }, { batch: 2 });
    expect(done).toMatchObject({ recomputing: false, customersDone: 3, customersTotal: 3 });
    expect(done.finishedAt).toEqual(clock.now());
    expect(await movements()).toEqual({
      cus_a: defaults.cus_a,
      cus_b: [
        ["new", 0],
        ["churn", 34],
      ],
      cus_c: defaults.cus_c,
    });
    await expectDailyInStep();
  });

  it("queues the rebuild as a job with the save, and the job worker carries it to the end", async () => {
    await save({ pastDueChurnDays: 7, churnAtCancelRequest: true });
    expect(await db.select({ kind: jobs.kind }).from(jobs)).toEqual([
      { kind: "metrics.rebuild_movements" },
    ]);
    const silent = { warn: () => {}, error: () => {} };
    const worker = startJobWorker({ db, clock, log: silent, stripe: null }, [rebuildMovementsJob], {
      autoStart: false,
    });
    expect(await worker.drain()).toMatchObject({ succeeded: 1, failed: 0, dead: 0 });
    expect(await movementsRebuildStatus({ db })).toMatchObject({
      recomputing: false,
      customersDone: 3,
    });
    expect((await movements()).cus_a).toEqual([
      ["new", 0],
      ["churn", 10],
    ]);
    // Finished: the run queued no continuation.
    expect(await worker.drain()).toMatchObject({ succeeded: 0 });
    await worker.stop();
  });

  it("asks for no rebuild when the value saved is the one in force", async () => {
    await save({ pastDueChurnDays: null, churnAtCancelRequest: false });
    expect(await movementsRebuildStatus({ db })).toMatchObject({
      recomputing: false,
      requestedAt: null,
    });
    expect(await continueMovementsRebuild({ db, clock })).toMatchObject({ recomputing: false });
    expect(await movements()).toEqual(defaults);
  });
});
