import { continueMovementsRebuild, recordHooks, syncAll } from "@folio/billing";
import { auditLog } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

// admin.revenue.* on a small business built in the emulator and backfilled into the store:
// two USD customers and one EUR customer over Q1 2026. Figures are worked out by hand below.

const at = (iso: string) => Date.parse(`${iso}T12:00:00Z`) / 1000;

let emu: EmulatorHandle;
let stripe: Stripe;
let env: Awaited<ReturnType<typeof setup>>;
let usd: { a: string; b: string };
let eur: string;

/** Moves the emulator to `iso` (running renewals on the way) and backfills what Stripe has. */
async function moveTo(iso: string) {
  emu.advanceClock(at(iso) - emu.now());
  env.clock.set(emu.now() * 1000);
  await syncAll({ db: env.db, stripe, clock: env.clock, hooks: recordHooks });
}

async function monthly(currency: string, unitAmount: number) {
  return stripe.prices.create({
    currency,
    unit_amount: unitAmount,
    recurring: { interval: "month" },
    product_data: { name: `Team ${currency.toUpperCase()}` },
  });
}

beforeAll(async () => {
  emu = await startEmulator({
    deterministic: { seed: "folio-revenue-router", start: "2026-01-05T12:00:00Z" },
  });
  stripe = emu.stripe();
  env = await setup();
  env.clock.set(emu.now() * 1000);

  const team = await monthly("usd", 2000);
  const teamEur = await monthly("eur", 3000);
  const a = await customerWithCard(env, stripe);
  const b = await customerWithCard(env, stripe);
  const c = await customerWithCard(env, stripe);
  usd = { a: a.customerId, b: b.customerId };
  eur = c.customerId;

  // 5 Jan: A and B take Team at $20, C at €30 → new $40, new €30.
  const subA = await stripe.subscriptions.create({ customer: usd.a, items: [{ price: team.id }] });
  const subB = await stripe.subscriptions.create({ customer: usd.b, items: [{ price: team.id }] });
  await stripe.subscriptions.create({ customer: eur, items: [{ price: teamEur.id }] });
  await moveTo("2026-01-05");

  // 10 Feb: A goes to 3 seats → expansion +$40 (MRR $80).
  await moveTo("2026-02-10");
  await stripe.subscriptions.update(subA.id, {
    items: [{ id: subA.items.data[0]!.id, quantity: 3 }],
    proration_behavior: "none",
  });
  await moveTo("2026-02-10");

  // 15 Mar: B cancels at once → churn −$20 (MRR $60).
  await moveTo("2026-03-15");
  await stripe.subscriptions.cancel(subB.id);
  await moveTo("2026-03-15");

  await moveTo("2026-04-02");
}, 120_000);

afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 60_000);

async function finance() {
  return env.caller(await insertUser(env.db, "finance"), { stripe });
}

const Q1 = { from: "2026-01-01", to: "2026-04-01" };

describe("admin.revenue figures", () => {
  it("lists currencies by MRR and reports each on its own", async () => {
    const api = await finance();
    expect(await api.admin.revenue.currencies()).toEqual(["usd", "eur"]);
    const eurSeries = await api.admin.revenue.series({ currency: "eur", ...Q1, bucket: "month" });
    expect(eurSeries.buckets.map((b) => b.mrr)).toEqual([3000, 3000, 3000]);
  });

  it("gives the monthly series with its movements", async () => {
    const api = await finance();
    const series = await api.admin.revenue.series({ currency: "USD", ...Q1, bucket: "month" });
    expect(series.currency).toBe("usd");
    expect(
      series.buckets.map(({ start, end, mrr, customers, new: n, expansion, churn, netNew }) => ({
        start,
        end,
        mrr,
        customers,
        new: n,
        expansion,
        churn,
        netNew,
      })),
    ).toEqual([
      {
        start: "2026-01-01T00:00:00.000Z",
        end: "2026-02-01T00:00:00.000Z",
        mrr: 4000,
        customers: 2,
        new: 4000,
        expansion: 0,
        churn: 0,
        netNew: 4000,
      },
      {
        start: "2026-02-01T00:00:00.000Z",
        end: "2026-03-01T00:00:00.000Z",
        mrr: 8000,
        customers: 2,
        new: 0,
        expansion: 4000,
        churn: 0,
        netNew: 4000,
      },
      {
        start: "2026-03-01T00:00:00.000Z",
        end: "2026-04-01T00:00:00.000Z",
        mrr: 6000,
        customers: 1,
        new: 0,
        expansion: 0,
        churn: -2000,
        netNew: -2000,
      },
    ]);
  });

  it("explains a movements bar and an MRR point: the rows add up to the figure", async () => {
    const api = await finance();
    const churn = await api.admin.revenue.explainMovements({
      currency: "usd",
      from: "2026-03-01",
      to: "2026-04-01",
      kind: "churn",
    });
    expect(churn.total).toBe(-2000);
    expect(churn.rows).toHaveLength(1);
    expect(churn.rows[0]).toMatchObject({
      customer: { stripeCustomerId: usd.b },
      kind: "churn",
      amount: -2000,
      mrrBefore: 2000,
      mrrAfter: 0,
    });
    expect(churn.rows[0]!.at.startsWith("2026-03-15")).toBe(true);

    const all = await api.admin.revenue.explainMovements({ currency: "usd", ...Q1 });
    expect(all.total).toBe(4000 + 4000 - 2000);
    expect(all.rows.reduce((sum, r) => sum + r.amount, 0)).toBe(all.total);

    const mrr = await api.admin.revenue.explainMrr({ currency: "usd", at: "2026-04-01" });
    expect(mrr.total).toBe(6000);
    expect(mrr.rows.map((r) => [r.customer.stripeCustomerId, r.amount])).toEqual([[usd.a, 6000]]);
  });

  it("pages an explanation while its total and count cover the whole list", async () => {
    const api = await finance();
    const seen: Array<[string, number]> = [];
    let cursor: string | undefined;
    do {
      const page = await api.admin.revenue.explainMovements({
        currency: "usd",
        ...Q1,
        limit: 1,
        cursor,
      });
      expect([page.total, page.count]).toEqual([6000, 4]);
      expect(page.rows).toHaveLength(1);
      seen.push(...page.rows.map((r): [string, number] => [r.at, r.amount]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Newest first, each row once: churn (Mar 15), expansion (Feb 10), the two sign-ups (Jan 5).
    expect(seen.map(([, amount]) => amount)).toEqual([-2000, 4000, 2000, 2000]);
    expect(seen.reduce((sum, [, amount]) => sum + amount, 0)).toBe(6000);

    const feb = { currency: "usd", at: "2026-03-01", limit: 1 };
    const first = await api.admin.revenue.explainMrr(feb);
    expect([first.total, first.count, first.rows.map((r) => r.amount)]).toEqual([8000, 2, [6000]]);
    const second = await api.admin.revenue.explainMrr({ ...feb, cursor: first.nextCursor! });
    expect([second.rows.map((r) => r.amount), second.nextCursor]).toEqual([[2000], null]);

    const forged = api.admin.revenue.explainMovements({ currency: "usd", ...Q1, cursor: "x" });
    expect(await codeOf(forged)).toBe("BAD_REQUEST");
  });

  it("gives KPIs with the previous period, plan mix and churn", async () => {
    const api = await finance();
    const kpis = await api.admin.revenue.kpis({
      currency: "usd",
      from: "2026-03-01",
      to: "2026-04-01",
    });
    expect(kpis.mrr).toEqual({ value: 6000, previous: 8000 });
    expect(kpis.churnedMrr.value).toBe(-2000);
    expect(kpis.activeSubscribers).toEqual({ value: 1, previous: 2 });

    const plans = await api.admin.revenue.planMix({ currency: "usd" });
    expect(plans).toEqual([
      expect.objectContaining({ productName: "Team USD", mrr: 6000, subscriptions: 1 }),
    ]);
    const reasons = await api.admin.revenue.churnReasons({ currency: "usd", ...Q1 });
    expect(reasons.reduce((sum, r) => sum + r.mrr, 0)).toBe(-2000);
  });

  it("says what is wrong with a range, in words", async () => {
    const api = await finance();
    const tooLong = api.admin.revenue.series({
      currency: "usd",
      from: "2024-01-01",
      to: "2026-01-02",
      bucket: "day",
    });
    await expect(tooLong).rejects.toThrow(/at most 24 months/);
    expect(await codeOf(tooLong)).toBe("BAD_REQUEST");
    const backwards = api.admin.revenue.kpis({
      currency: "usd",
      from: "2026-03-01",
      to: "2026-02-01",
    });
    expect(await codeOf(backwards)).toBe("BAD_REQUEST");
    const badCurrency = api.admin.revenue.kpis({ currency: "dollars", ...Q1 });
    await expect(badCurrency).rejects.toThrow(/three-letter/);
    const badMonth = api.admin.revenue.closeMonth({ month: "2026-13" });
    expect(await codeOf(badMonth)).toBe("BAD_REQUEST");
    // 24 months exactly is allowed.
    await api.admin.revenue.series({
      currency: "usd",
      from: "2024-04-01",
      to: "2026-04-01",
      bucket: "month",
    });
  });
});

describe("admin.revenue closed months", () => {
  it("closes an ended month once, audited, and lists it with its figures", async () => {
    const closer = await insertUser(env.db, "finance");
    const api = env.caller(closer, { stripe });
    const closed = await api.admin.revenue.closeMonth({ month: "2026-02" });
    expect(closed.map((m) => [m.currency, m.mrr])).toEqual(
      expect.arrayContaining([
        ["usd", 8000],
        ["eur", 3000],
      ]),
    );
    expect(await codeOf(api.admin.revenue.closeMonth({ month: "2026-02" }))).toBe("CONFLICT");
    // April has not ended on 2 April.
    expect(await codeOf(api.admin.revenue.closeMonth({ month: "2026-04" }))).toBe("BAD_REQUEST");

    const listed = await api.admin.revenue.closedMonths();
    expect(listed.filter((m) => m.month === "2026-02")).toHaveLength(2);
    const audits = await env.db.select().from(auditLog);
    expect(audits.some((r) => r.actorType === "staff" && r.target.includes("2026-02"))).toBe(true);
    expect(listed[0]?.closedBy).toEqual({ name: closer.name, email: closer.email });
    // Nothing changed since: each currency says so with no figures and no customers.
    const restated = await api.admin.revenue.restatements({ month: "2026-02" });
    expect(restated.map((r) => [r.currency, r.figures, r.customers])).toEqual(
      expect.arrayContaining([
        ["usd", [], []],
        ["eur", [], []],
      ]),
    );
    expect(await codeOf(api.admin.revenue.restatements({ month: "2026-01" }))).toBe("NOT_FOUND");
  });
});

describe("admin.revenue recognition settings", () => {
  it("shows the movements as recomputing from the save until the background rebuild is done", async () => {
    const admin = env.caller(await insertUser(env.db, "admin"));
    const api = await finance();
    expect(await api.admin.revenue.rebuildStatus()).toMatchObject({ recomputing: false });
    await admin.admin.settings.update({
      key: "metrics.recognition",
      value: { pastDueChurnDays: 7, churnAtCancelRequest: true },
    });
    expect(await api.admin.revenue.rebuildStatus()).toMatchObject({
      recomputing: true,
      customersDone: 0,
    });
    await continueMovementsRebuild({ db: env.db, clock: env.clock });
    expect(await api.admin.revenue.rebuildStatus()).toMatchObject({
      recomputing: false,
      customersDone: 3,
      customersTotal: 3,
    });
    // Nothing here was past_due or asked to cancel ahead: the same figures.
    const series = await api.admin.revenue.series({ currency: "usd", ...Q1, bucket: "month" });
    expect(series.buckets.map((b) => b.mrr)).toEqual([4000, 8000, 6000]);
    await admin.admin.settings.update({
      key: "metrics.recognition",
      value: { pastDueChurnDays: null, churnAtCancelRequest: false },
    });
    await continueMovementsRebuild({ db: env.db, clock: env.clock });
  });
});

describe("admin.revenue reconciliation", () => {
  it("finds Folio's MRR equal to Stripe's for every customer", async () => {
    const api = await finance();
    const r = await api.admin.revenue.reconciliation({});
    expect(r.differences).toEqual([]);
    expect(r.totals).toEqual(
      expect.arrayContaining([
        { currency: "usd", folioMrr: 6000, stripeMrr: 6000 },
        { currency: "eur", folioMrr: 3000, stripeMrr: 3000 },
      ]),
    );
  });

  it("needs a Stripe connection and says so", async () => {
    const api = env.caller(await insertUser(env.db, "admin"));
    await expect(api.admin.revenue.reconciliation({})).rejects.toThrow(/not connected to Stripe/);
  });
});
