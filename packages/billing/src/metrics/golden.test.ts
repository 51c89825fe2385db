import { mrrDaily, mrrMovements, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { attachDefaultCard } from "../portal/testing.ts";
import { recordHooks } from "../records/index.ts";
import { frozenAccountClient, prng, recordEvents, shuffle } from "../sync/testing.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import type { Explanation } from "./api.ts";
import { closeMonth, closedMonths, restatements } from "./close.ts";
import { explainMovements, explainMrr } from "./explain.ts";
import { metricKpis } from "./kpis.ts";
import { reconcileMrr } from "./reconcile.ts";
import { mrrSeries } from "./series.ts";
import { DEFAULT_METRIC_SETTINGS } from "./settings.ts";
import { rebuildMovements } from "./store.ts";

// Golden tests driven through Stripe (the emulator) and its webhooks: each customer below acts
// out one case of docs/METRICS.md, and the movements Folio derives from the recorded events are
// compared with answers worked out by hand. Day numbers count from 2026-01-01 00:00 UTC.

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400;
const day = (ms: number) => Math.round(((ms - T0) / 86_400_000) * 100) / 100;

let emu: EmulatorHandle;
let stripe: Stripe;
let events: Stripe.Event[];
const ids: Record<string, string> = {};
const ended: Record<string, number> = {};

async function subscribe(
  s: Stripe,
  name: string,
  params: Omit<Stripe.SubscriptionCreateParams, "customer">,
) {
  let customer = ids[name];
  if (!customer) {
    customer = (await s.customers.create({ email: `${name}@example.test`, name })).id;
    ids[name] = customer;
    await attachDefaultCard(s, customer);
  }
  return s.subscriptions.create({ customer, ...params });
}

beforeAll(async () => {
  emu = await startEmulator({
    deterministic: { seed: "folio-metrics-golden", start: new Date(T0) },
  });
  const s = emu.stripe();
  const price = async (
    name: string,
    amount: number,
    recurring: Stripe.PriceCreateParams.Recurring,
    currency = "usd",
  ) =>
    (
      await s.prices.create({
        currency,
        unit_amount: amount,
        recurring,
        product_data: { name },
      })
    ).id;
  const basic = await price("Basic", 1000, { interval: "month" });
  const pro = await price("Pro", 3000, { interval: "month" });
  const annual = await price("Annual", 24000, { interval: "year" });
  const quarterly = await price("Quarterly", 6000, { interval: "month", interval_count: 3 });
  const seat = await price("Seat", 500, { interval: "month" });
  const proEur = await price("Pro EUR", 2500, { interval: "month" }, "eur");
  const forever = await s.coupons.create({ percent_off: 20, duration: "forever" });
  const once = await s.coupons.create({ percent_off: 50, duration: "once" });
  const repeating = await s.coupons.create({
    percent_off: 25,
    duration: "repeating",
    duration_in_months: 2,
  });
  const to = (d: number) => emu.setClock(T0 / 1000 + d * DAY);

  // Day 0
  const a = await subscribe(s, "upgrade", { items: [{ price: basic }] });
  await subscribe(s, "annual", { items: [{ price: annual }] });
  await subscribe(s, "quarterly", { items: [{ price: quarterly }] });
  const d = await subscribe(s, "seats", { items: [{ price: seat, quantity: 2 }] });
  await subscribe(s, "trial", { items: [{ price: pro }], trial_period_days: 14 });
  const f = await subscribe(s, "lapse", { items: [{ price: pro }], trial_period_days: 7 });
  const g = await subscribe(s, "period-end", { items: [{ price: basic }] });
  const h = await subscribe(s, "immediate", { items: [{ price: basic }] });
  const i = await subscribe(s, "reactivate", { items: [{ price: basic }] });
  await subscribe(s, "forever", { items: [{ price: pro }], discounts: [{ coupon: forever.id }] });
  await subscribe(s, "once", { items: [{ price: pro }], discounts: [{ coupon: once.id }] });
  await subscribe(s, "repeating", {
    items: [{ price: pro }],
    discounts: [{ coupon: repeating.id }],
  });
  const m1 = await subscribe(s, "recovers", { items: [{ price: basic }] });
  await subscribe(s, "churns", { items: [{ price: basic }] });
  const n1 = await subscribe(s, "two-subs", { items: [{ price: basic }] });
  await subscribe(s, "euro", { items: [{ price: proEur }] });
  // Day 2: a second subscription for the same customer.
  to(2);
  await s.subscriptions.create({ customer: ids["two-subs"]!, items: [{ price: pro }] });
  // Day 3: the trial is canceled before it converts.
  to(3);
  await s.subscriptions.cancel(f.id);
  // Day 5: a cancellation at period end (with the portal's survey), an immediate one, one that
  // will come back.
  to(5);
  await s.subscriptions.update(g.id, {
    cancel_at_period_end: true,
    cancellation_details: { feedback: "too_expensive", comment: "Budget cut" },
  });
  await s.subscriptions.cancel(h.id, { cancellation_details: { feedback: "switched_service" } });
  await s.subscriptions.cancel(i.id);
  // Day 10 / 15 / 20: seats up, a mid-month upgrade, seats down, the customer comes back.
  to(10);
  const seatItem = d.items.data[0]!.id;
  await s.subscriptions.update(d.id, { items: [{ id: seatItem, quantity: 5 }] });
  to(15);
  await s.subscriptions.update(a.id, { items: [{ id: a.items.data[0]!.id, price: pro }] });
  to(20);
  await s.subscriptions.update(d.id, { items: [{ id: seatItem, quantity: 3 }] });
  await s.subscriptions.create({ customer: ids["reactivate"]!, items: [{ price: basic }] });
  // Day 25: two customers' cards start failing before the day-31 renewal.
  to(25);
  for (const name of ["recovers", "churns"])
    await attachDefaultCard(s, ids[name]!, "pm_card_chargeCustomerFail");
  // Renewals fail on day 31; "recovers" fixes its card and pays on day 33.
  to(33);
  await attachDefaultCard(s, ids["recovers"]!);
  const open = (await s.subscriptions.retrieve(m1.id)).latest_invoice as string;
  await s.invoices.pay(open);
  // Day 40: one of two subscriptions ends; day 70: the repeating coupon has run out.
  to(40);
  await s.subscriptions.cancel(n1.id);
  to(70);
  events = await recordEvents(s);
  for await (const sub of s.subscriptions.list({ status: "all", limit: 100 }))
    if (sub.ended_at) ended[sub.id] = sub.ended_at * 1000;
  stripe = frozenAccountClient((config) => emu.stripe(undefined, config)).stripe;
}, 180_000);

afterAll(async () => {
  await emu?.stop();
  await dropTestDatabases();
});

const NOW = T0 + 70 * 86_400_000;

async function applied(list: readonly Stripe.Event[]): Promise<Db> {
  const db = await createTestDb();
  const clock = manualClock(NOW);
  const worker = startWebhookWorker(
    { db, stripe, clock, hooks: recordHooks },
    { autoStart: false },
  );
  await deliver({ db, clock }, list);
  expect(await worker.drain()).toMatchObject({ failed: 0, dead: 0 });
  return db;
}

async function movements(db: Db) {
  const rows = await db
    .select()
    .from(mrrMovements)
    .orderBy(asc(mrrMovements.at), asc(mrrMovements.stripeCustomerId), asc(mrrMovements.id));
  return rows.map(({ id: _id, ...r }) => r);
}

/** mrr_daily, kept by deltas event after event, equals the movements summed per day. */
async function expectDailyInStep(db: Db) {
  const sums = new Map<string, [number, number]>();
  for (const m of await db.select().from(mrrMovements)) {
    const key = `${m.currency}|${Math.floor(m.at.getTime() / 86_400_000) * 86_400_000}|${m.kind}`;
    const [a, n] = sums.get(key) ?? [0, 0];
    sums.set(key, [a + m.amount, n + 1]);
  }
  const daily = new Map(
    (await db.select().from(mrrDaily))
      .filter((d) => d.amount !== 0 || d.movements !== 0)
      .map((d) => [`${d.currency}|${d.day.getTime()}|${d.kind}`, [d.amount, d.movements]]),
  );
  expect(daily).toEqual(sums);
}

/** Every page of an explanation, three rows at a time (the keyset on real ties), joined. */
async function everyPage(
  explain: (page: { limit: number; cursor?: string }) => Promise<Explanation>,
): Promise<Explanation> {
  const first = await explain({ limit: 3 });
  const rows = [...first.rows];
  for (let next = first.nextCursor; next !== null;) {
    const page = await explain({ limit: 3, cursor: next });
    expect([page.total, page.count]).toEqual([first.total, first.count]);
    rows.push(...page.rows);
    next = page.nextCursor;
  }
  expect(rows).toHaveLength(first.count);
  return { ...first, rows, nextCursor: null };
}

const byName = (rows: Awaited<ReturnType<typeof movements>>) => {
  const names = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
  const out: Record<string, Array<[string, number, number]>> = {};
  for (const r of rows)
    (out[names.get(r.stripeCustomerId)!] ??= []).push([r.kind, r.amount, day(r.at.getTime())]);
  return out;
};

describe("revenue metrics from a recorded Stripe account", { timeout: 300_000 }, () => {
  let golden: Awaited<ReturnType<typeof movements>>;
  let db: Db;

  it("derives the hand-computed movements for each case", async () => {
    db = await applied(events);
    golden = await movements(db);
    await expectDailyInStep(db);
    const got = byName(golden);
    const churnDay = (name: string) =>
      day(
        Math.max(
          ...Object.entries(ended)
            .filter(([sub]) =>
              golden.some(
                (m) => m.subscriptionIds.includes(sub) && m.stripeCustomerId === ids[name],
              ),
            )
            .map(([, at]) => at),
        ),
      );
    expect(got).toEqual({
      // Mid-month upgrade: $10 → $30 on day 15 is +$20 expansion (prorations are not MRR).
      upgrade: [
        ["new", 1000, 0],
        ["expansion", 2000, 15],
      ],
      // $240 a year = $20 a month; $60 a quarter = $20 a month.
      annual: [["new", 2000, 0]],
      quarterly: [["new", 2000, 0]],
      // 2 → 5 → 3 seats at $5.
      seats: [
        ["new", 1000, 0],
        ["expansion", 1500, 10],
        ["contraction", -1000, 20],
      ],
      // A trial is worth nothing until it converts on day 14; a lapsed one never moves MRR.
      trial: [["new", 3000, 14]],
      // Cancel at period end: churn when the period ends (day 31), not when asked (day 5).
      "period-end": [
        ["new", 1000, 0],
        ["churn", -1000, 31],
      ],
      immediate: [
        ["new", 1000, 0],
        ["churn", -1000, 5],
      ],
      reactivate: [
        ["new", 1000, 0],
        ["churn", -1000, 5],
        ["reactivation", 1000, 20],
      ],
      // Forever 20 % off $30 = $24; a once-coupon is not MRR; 25 % off for two months = $22.50,
      // back to $30 when it runs out (with the invoice of day 59, no price change).
      forever: [["new", 2400, 0]],
      once: [["new", 3000, 0]],
      repeating: [
        ["new", 2250, 0],
        ["expansion", 750, 59],
      ],
      // past_due counts until Stripe cancels: recovered = no movement; churned when it ends.
      recovers: [["new", 1000, 0]],
      churns: [
        ["new", 1000, 0],
        ["churn", -1000, churnDay("churns")],
      ],
      // Two subscriptions: the second is expansion, ending one is contraction, not churn.
      "two-subs": [
        ["new", 1000, 0],
        ["expansion", 3000, 2],
        ["contraction", -1000, 40],
      ],
      // EUR is its own series.
      euro: [["new", 2500, 0]],
    });
    expect(golden.filter((m) => m.currency === "eur").map((m) => m.stripeCustomerId)).toEqual([
      ids["euro"],
    ]);
  });

  it("the same events delivered shuffled (and twice) give identical movements", async () => {
    for (const seed of [1, 2]) {
      const list = shuffle(seed === 1 ? events : [...events, ...events], prng(seed));
      const shuffled = await applied(list);
      expect(await movements(shuffled), `seed ${seed}`).toEqual(golden);
      await expectDailyInStep(shuffled);
    }
  });

  it("the series, KPIs and explanations agree with the movements, and with Stripe", async () => {
    const deps = { db, clock: manualClock(NOW) };
    const range = { currency: "usd", from: new Date(T0), to: new Date(NOW) };
    const series = await mrrSeries(deps, { ...range, bucket: "month" });
    // January: new 1000·7 + 2000·2 + 3000 + 2400 + 3000 + 2250 + 1000 (two-subs) = 22650;
    // expansion 2000 + 1500 + 3000 = 6500; contraction −1000; churn −1000 (immediate) −1000
    // (reactivate) −1000 (period-end, day 31 = Feb 1 → February); reactivation 1000.
    expect(series.buckets[0]).toMatchObject({
      new: 22650,
      expansion: 6500,
      contraction: -1000,
      churn: -2000,
      reactivation: 1000,
      mrr: 27150,
    });
    for (const b of series.buckets) {
      for (const kind of ["new", "expansion", "contraction", "churn", "reactivation"] as const) {
        const explained = await everyPage((page) =>
          explainMovements(deps, { currency: "usd", from: b.start, to: b.end, kind, ...page }),
        );
        expect(explained.total).toBe(b[kind]);
        expect(explained.rows.reduce((s, r) => s + r.amount, 0)).toBe(b[kind]);
      }
      const mrr = await everyPage((page) =>
        explainMrr(deps, { currency: "usd", at: b.end, ...page }),
      );
      expect(mrr.total).toBe(b.mrr);
      expect(mrr.rows).toHaveLength(b.customers);
      expect(mrr.rows.reduce((s, r) => s + r.amount, 0)).toBe(b.mrr);
      expect(new Set(mrr.rows.map((r) => r.customer.stripeCustomerId)).size).toBe(b.customers);
    }
    const kpis = await metricKpis(deps, {
      currency: "usd",
      from: new Date(Date.UTC(2026, 1, 1)),
      to: new Date(Date.UTC(2026, 2, 1)),
    });
    expect(kpis.mrr.previous).toBe(27150);
    expect(kpis.mrr.value).toBe(series.buckets[1]!.mrr);
    // February: 13 customers paying on Feb 1; "period-end" and "churns" churn (−2000), "two-subs"
    // contracts (−1000), nothing is added.
    expect(kpis.mrr.value).toBe(24150);
    expect(kpis.activeSubscribers).toEqual({ value: 11, previous: 13 });
    expect(kpis.customerChurnRate.value).toBeCloseTo(2 / 13);
    expect(kpis.grossMrrChurnRate.value).toBeCloseTo(3000 / 27150);
    expect(kpis.netRevenueRetention.value).toBeCloseTo(24150 / 27150);
    expect(kpis.arpa.value).toBe(Math.round(24150 / 11));
    // January's trials: "trial" converted (day 14), "lapse" was canceled while trialing (day 3).
    expect(kpis.trialConversionRate.previous).toBe(0.5);
    // No trial ends in February (both periods are read in one go and split by when each ended).
    expect(kpis.trialConversionRate.value).toBeNull();
    // Stripe's subscriptions today, valued by the same definition, agree customer by customer.
    const rec = await reconcileMrr({ ...deps, stripe }, {});
    expect(rec.differences).toEqual([]);
    expect(rec.totals.find((t) => t.currency === "usd")).toMatchObject({
      folioMrr: series.buckets.at(-1)!.mrr,
    });
  });

  it("recognition settings: churn at the cancellation request; past_due churns after 7 days", async () => {
    const settings = { pastDueChurnDays: 7, churnAtCancelRequest: true };
    await rebuildMovements({ db, clock: manualClock(NOW), settings });
    const got = byName(await movements(db));
    expect(got["period-end"]).toEqual([
      ["new", 1000, 0],
      ["churn", -1000, 5],
    ]);
    // Recovered within 7 days: no movement. Still failing 7 days after going past_due: churn then.
    expect(got["recovers"]).toEqual([["new", 1000, 0]]);
    expect(got["churns"]![1]![0]).toBe("churn");
    expect(got["churns"]![1]![2]).toBeCloseTo(31 + 7, 0);
    await rebuildMovements({ db, clock: manualClock(NOW), settings: DEFAULT_METRIC_SETTINGS });
    expect(await movements(db)).toEqual(golden);
    await expectDailyInStep(db);
  });
});

describe("closed months", { timeout: 300_000 }, () => {
  it("a late webhook does not rewrite a closed month; the restatement says what and why", async () => {
    // Its own account, applied as it happens (a fetch must not see the future).
    const own = await startEmulator({
      deterministic: { seed: "folio-metrics-close", start: new Date(T0) },
    });
    try {
      const s = own.stripe();
      const basic = await s.prices.create({
        currency: "usd",
        unit_amount: 1000,
        recurring: { interval: "month" },
        product_data: { name: "Basic" },
      });
      const subscribeNew = async (email: string) => {
        const c = await s.customers.create({ email });
        await attachDefaultCard(s, c.id);
        return s.subscriptions.create({ customer: c.id, items: [{ price: basic.id }] });
      };
      await subscribeNew("stays@example.test");
      const leaving = await subscribeNew("leaves@example.test");
      const db = await createTestDb();
      const clock = manualClock(T0);
      const worker = startWebhookWorker(
        { db, stripe: s, clock, hooks: recordHooks },
        { autoStart: false },
      );
      const seen = new Set<string>();
      const fresh = async () => (await recordEvents(s)).filter((e) => !seen.has(e.id));
      const apply = async (list: Stripe.Event[]) => {
        list.forEach((e) => seen.add(e.id));
        await deliver({ db, clock }, list);
        expect(await worker.drain()).toMatchObject({ failed: 0, dead: 0 });
      };
      await apply(await fresh());
      // Day 10 the second customer cancels; Stripe's webhooks for it are delayed past the close.
      own.setClock(T0 / 1000 + 10 * DAY);
      await s.subscriptions.cancel(leaving.id);
      const late = await fresh();
      late.forEach((e) => seen.add(e.id));
      own.setClock(T0 / 1000 + 35 * DAY);
      clock.set(T0 + 35 * 86_400_000);
      await apply(await fresh());

      const actor = { type: "staff", userId: "usr_finance", role: "finance" } as const;
      const [closed] = await closeMonth({ db, clock, actor }, { month: "2026-01" });
      expect(closed).toMatchObject({
        currency: "usd",
        mrr: 2000,
        customers: 2,
        new: 2000,
        churn: 0,
      });
      await expect(closeMonth({ db, clock, actor }, { month: "2026-01" })).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await expect(closeMonth({ db, clock, actor }, { month: "2026-02" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });

      clock.advance(60_000);
      await apply(late);
      // The snapshot stands; the live figures moved, and the restatement says who and why.
      expect(await closedMonths({ db, clock })).toEqual([closed]);
      const [restated] = await restatements({ db, clock }, { month: "2026-01" });
      expect(restated!.figures).toEqual({
        mrr: { closed: 2000, now: 1000 },
        customers: { closed: 2, now: 1 },
        churn: { closed: 0, now: -1000 },
      });
      expect(restated!.customers).toMatchObject([
        {
          customer: { email: "leaves@example.test" },
          closedMrr: 1000,
          nowMrr: 0,
          causes: [
            {
              subscriptionId: leaving.id,
              eventType: "customer.subscription.deleted",
              eventId: late.find((e) => e.type === "customer.subscription.deleted")!.id,
            },
          ],
        },
      ]);
    } finally {
      await own.stop();
    }
  });
});
