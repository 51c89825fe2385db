// Revenue metrics bench (issue 10): N subscriptions with M months of history → the MRR series
// (month and day buckets), movements and KPIs, timed on a fresh database. Run:
//   pnpm --filter @folio/bench bench:mrr [-- --subs 100000 --months 24 --postgres postgres://…]
// History rows are written directly (as the history hook would store them); the movements are
// derived by the engine's own rebuild, then each query is run 5 times and the median reported.
import { parseArgs } from "node:util";
import {
  closeDb,
  createDb,
  mrrMovements,
  stripeSubscriptions,
  subscriptionHistory,
  withTransaction,
  type Db,
} from "@folio/db";
import {
  continueMovementsRebuild,
  DEFAULT_METRIC_SETTINGS,
  explainMovements,
  explainMrr,
  metricKpis,
  mrrSeries,
  prng,
  rebuildMovements,
  refreshCustomerMovements,
  requestMovementsRebuild,
  subscriptionMrr,
} from "@folio/billing";
import { count } from "drizzle-orm";
import { benchDatabase } from "../webhook-ingest/database.ts";

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    subs: { type: "string", default: "100000" },
    months: { type: "string", default: "24" },
    seed: { type: "string", default: "42" },
    postgres: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const SUBS = Number(opts.subs);
const MONTHS = Number(opts.months);
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const FROM = Date.UTC(2026 - Math.floor(MONTHS / 12), 11 - (MONTHS % 12), 1);
const PLANS = [1000, 3000, 9000]; // monthly unit amounts; annual plans bill 10 × monthly a year

type Row = typeof subscriptionHistory.$inferInsert;
type StripeSub = typeof stripeSubscriptions.$inferInsert;

/** The mirror row trial conversion reads (only subscriptions that had a trial need one). */
function trialSubscription(rows: Row[]): StripeSub | null {
  const trial = rows.find((r) => r.status === "trialing");
  if (!trial?.trialEnd) return null;
  const last = rows.at(-1)!;
  return {
    id: trial.subscriptionId,
    livemode: false,
    stripeCreated: trial.effectiveAt,
    raw: {} as StripeSub["raw"],
    versionTs: last.effectiveAt,
    syncedAt: last.effectiveAt,
    customerId: trial.stripeCustomerId,
    status: last.status,
    currency: trial.currency,
    cancelAtPeriodEnd: false,
    trialStart: trial.effectiveAt,
    trialEnd: trial.trialEnd,
    endedAt: last.endedAt ?? null,
  };
}

/** One subscription's history: trial or not, plan and seat changes, maybe a cancellation. */
function historyOf(i: number, random: () => number): Row[] {
  const sub = `sub_${i}`;
  // A fifth of customers hold two subscriptions.
  const customer = `cus_${i % 5 === 4 ? i - 1 : i}`;
  const currency = random() < 0.8 ? "usd" : "eur";
  const annual = random() < 0.2;
  let plan = Math.floor(random() * PLANS.length);
  let seats = 1 + Math.floor(random() * 3);
  let t = FROM + Math.floor(random() * (NOW - FROM - 7 * DAY));
  const rows: Row[] = [];
  const push = (status: string, at: number, extra: Partial<Row> = {}) => {
    const items = [
      {
        subscriptionItemId: `si_${i}`,
        priceId: `price_${plan}_${annual ? "y" : "m"}_${currency}`,
        productId: `prod_${plan}`,
        quantity: seats,
        unitAmount: annual ? PLANS[plan]! * 10 : PLANS[plan]!,
        interval: annual ? "year" : "month",
        intervalCount: 1,
        usageType: "licensed" as const,
      },
    ];
    const state = {
      status,
      currency,
      items,
      discounts: [],
      cancelAtPeriodEnd: false,
      cancelAt: null,
      paused: false,
    };
    rows.push({
      subscriptionId: sub,
      stripeCustomerId: customer,
      eventId: `evt_${i}_${rows.length}`,
      eventType: "customer.subscription.updated",
      ...state,
      interval: items[0]!.interval,
      intervalCount: 1,
      canceledAt: null,
      endedAt: null,
      trialEnd: null,
      fingerprint: `${i}:${rows.length}`,
      mrr: subscriptionMrr(state, at),
      effectiveAt: new Date(at),
      recordedAt: new Date(at),
      ...extra,
    });
  };
  if (random() < 0.3) {
    push("trialing", t, { trialEnd: new Date(t + 14 * DAY) });
    t += 14 * DAY;
    if (random() < 0.3) {
      push("canceled", t, { endedAt: new Date(t) });
      return rows;
    }
  }
  push("active", t);
  for (;;) {
    t += (20 + Math.floor(random() * 70)) * DAY;
    if (t >= NOW) return rows;
    const r = random();
    if (r < 0.12) {
      push("canceled", t, { endedAt: new Date(t), canceledAt: new Date(t) });
      return rows;
    } else if (r < 0.3) {
      plan = Math.min(PLANS.length - 1, plan + 1);
      push("active", t);
    } else if (r < 0.4) {
      plan = Math.max(0, plan - 1);
      push("active", t);
    } else if (r < 0.7) {
      seats = Math.max(1, seats + (random() < 0.6 ? 1 : -1));
      push("active", t);
    } else if (r < 0.75) {
      push("past_due", t);
    }
  }
}

async function timed<T>(label: string, fn: () => Promise<T>, runs = 5) {
  const times: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(58)} median ${median.toFixed(1).padStart(8)} ms  (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)})`,
  );
  return { result, median };
}

async function load(db: Db) {
  const random = prng(Number(opts.seed));
  let batch: Row[] = [];
  let trials: StripeSub[] = [];
  let rows = 0;
  const flush = async () => {
    const chunk = batch;
    const subs = trials;
    batch = [];
    trials = [];
    await withTransaction(db, async (tx) => {
      for (let i = 0; i < chunk.length; i += 400)
        await tx.insert(subscriptionHistory).values(chunk.slice(i, i + 400));
      for (let i = 0; i < subs.length; i += 400)
        await tx.insert(stripeSubscriptions).values(subs.slice(i, i + 400));
    });
  };
  for (let i = 0; i < SUBS; i++) {
    const h = historyOf(i, random);
    rows += h.length;
    batch.push(...h);
    const trial = trialSubscription(h);
    if (trial) trials.push(trial);
    if (batch.length >= 20_000) await flush();
  }
  await flush();
  return rows;
}

const database = await benchDatabase(opts.postgres ?? process.env.DATABASE_URL, {
  keep: opts.keep ?? false,
});
console.log(`MRR bench: ${SUBS} subscriptions, ${MONTHS} months, ${database.label}`);
const db = await createDb(database.config);
try {
  let start = performance.now();
  const rows = await load(db);
  console.log(
    `history: ${rows} rows written in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  start = performance.now();
  const built = await rebuildMovements({
    db,
    clock: { now: () => new Date(NOW) },
    settings: DEFAULT_METRIC_SETTINGS,
  });
  console.log(
    `movements: ${built.movements} for ${built.customers} customers, full rebuild ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  const deps = { db, clock: { now: () => new Date(NOW) }, settings: DEFAULT_METRIC_SETTINGS };
  const range = { currency: "usd", from: new Date(FROM), to: new Date(NOW) };
  const lastMonth = { currency: "usd", from: new Date(Date.UTC(2026, 10, 1)), to: new Date(NOW) };

  // Warm up (JIT, SQLite page cache) before timing.
  await mrrSeries(deps, { ...range, bucket: "month" });
  await metricKpis(deps, lastMonth);
  const monthly = await timed(`mrrSeries month buckets, ${MONTHS} months`, () =>
    mrrSeries(deps, { ...range, bucket: "month" }),
  );
  const kpis = await timed("metricKpis (last month vs the one before)", () =>
    metricKpis(deps, lastMonth),
  );
  const dashboard = await timed("dashboard: monthly series + KPIs together", () =>
    Promise.all([mrrSeries(deps, { ...range, bucket: "month" }), metricKpis(deps, lastMonth)]),
  );
  const daily = await timed(`mrrSeries day buckets, ${MONTHS} months`, () =>
    mrrSeries(deps, { ...range, bucket: "day" }),
  );
  await timed("mrrSeries week buckets", () => mrrSeries(deps, { ...range, bucket: "week" }));
  const explained = await timed("explainMovements: last month's new MRR, first page of 100", () =>
    explainMovements(deps, { ...lastMonth, kind: "new", limit: 100 }),
  );
  const lastPage = await timed(
    "explainMovements: every page of the same bar, in turn",
    async () => {
      let page = await explainMovements(deps, { ...lastMonth, kind: "new", limit: 100 });
      while (page.nextCursor)
        page = await explainMovements(deps, {
          ...lastMonth,
          kind: "new",
          limit: 100,
          cursor: page.nextCursor,
        });
      return page;
    },
    1,
  );
  const explainedMrr = await timed("explainMrr: MRR at the end, first page of 100", () =>
    explainMrr(deps, { currency: "usd", at: new Date(NOW), limit: 100 }),
  );
  // After one new event: the history hook recomputes that customer's movements only.
  const one = await timed(
    "after one event: refreshCustomerMovements(1 customer)",
    () =>
      withTransaction(db, (tx) => refreshCustomerMovements(tx, "cus_4", DEFAULT_METRIC_SETTINGS)),
    20,
  );
  // Saving the recognition settings: the background rebuild, one chunk (250 customers, one
  // transaction) per call, as the server's job runs it. The longest chunk is how long it can keep
  // another writer (a webhook) waiting on SQLite.
  await withTransaction(db, (tx) => requestMovementsRebuild(tx, new Date(NOW)));
  const chunks: number[] = [];
  const rebuildStart = performance.now();
  for (let recomputing = true; recomputing;) {
    const start = performance.now();
    recomputing = (await continueMovementsRebuild(deps, { maxMs: 0 })).recomputing;
    chunks.push(performance.now() - start);
  }
  const background = (performance.now() - rebuildStart) / 1000;
  chunks.sort((a, b) => a - b);
  console.log(
    `background rebuild: ${chunks.length} chunks in ${background.toFixed(1)} s; chunk median ${chunks[chunks.length >> 1]!.toFixed(1)} ms, max ${chunks.at(-1)!.toFixed(1)} ms`,
  );
  const last = monthly.result.buckets.at(-1)!;
  const total = (await db.select({ n: count() }).from(mrrMovements).get())?.n;
  console.log(
    JSON.stringify({
      subs: SUBS,
      months: MONTHS,
      historyRows: rows,
      movements: total,
      mrrUsd: last.mrr,
      customersUsd: last.customers,
      monthlyMs: monthly.median,
      kpisMs: kpis.median,
      dashboardMs: dashboard.median,
      dailyMs: daily.median,
      explainCount: explained.result.count,
      explainFirstPageMs: explained.median,
      explainLastPageMs: lastPage.median,
      explainMrrCount: explainedMrr.result.count,
      explainMrrFirstPageMs: explainedMrr.median,
      backgroundRebuildS: background,
      rebuildChunkMaxMs: chunks.at(-1),
      oneEventMs: one.median,
      nrr: kpis.result.netRevenueRetention.value,
    }),
  );
} finally {
  await closeDb(db);
  await database.drop();
}
