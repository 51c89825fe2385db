import {
  closeDb,
  jobs,
  usageCounters,
  usageEvents,
  walletEntries,
  wallets,
  withTransaction,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { subscription } from "../records/fixtures.ts";
import { grantCredits } from "../wallets/staff.ts";
import { usagePlanHook } from "./plan-hook.ts";
import { entitlements, usageByDay } from "./entitlements.ts";
import { recordUsage, type UsageEventResult } from "./record.ts";
import { addUsageCustomer, seedUsageCatalog, subscribeInMirror } from "./testing.ts";

const DAY = 86_400_000;
const start = new Date(Date.UTC(2026, 2, 10));
const admin = { type: "staff", userId: "usr_admin", role: "admin" } as const;

let db: Db;
let clock: ReturnType<typeof manualClock>;
let n = 0;

beforeEach(async () => {
  db = await createTestDb();
  clock = manualClock(start.getTime() + DAY);
  await seedUsageCatalog(db, clock);
});
afterEach(() => closeDb(db));

const ev = (customer: string, quantity: number, over: Record<string, unknown> = {}) => ({
  customer,
  meter: "tokens",
  quantity,
  idempotencyKey: `k${++n}`,
  ...over,
});
const record = (events: unknown[]) => recordUsage({ db, clock }, events);
const one = async (e: unknown) => (await record([e]))[0]!;
const grant = (userId: string, units: number) =>
  grantCredits(
    { db, clock, actor: admin },
    { attemptId: crypto.randomUUID(), userId, units, reason: "test credits" },
  );

async function customerOn(plan: string, credits = 0) {
  const id = await addUsageCustomer(db, clock);
  await subscribeInMirror(db, id, plan, start);
  if (credits > 0) await grant(id, credits);
  return id;
}

const split = (r: UsageEventResult) =>
  r.status === "rejected" ? r.error.code : [r.included, r.credits, r.overage];

async function counter(userId: string) {
  return db
    .select()
    .from(usageCounters)
    .where(and(eq(usageCounters.userId, userId), eq(usageCounters.meterKey, "tokens")));
}

async function balance(userId: string) {
  return (await db.select().from(wallets).where(eq(wallets.userId, userId)).get())?.balance ?? 0;
}

/** The ledger explains the balance: its entries sum to it. */
async function ledgerSum(userId: string) {
  const row = await db
    .select({ s: sql<number>`coalesce(sum(${walletEntries.units}), 0)` })
    .from(walletEntries)
    .where(eq(walletEntries.userId, userId))
    .get();
  return Number(row!.s);
}

describe("draw-down order", () => {
  it("takes the allowance first, then credits, then refuses on a credits plan", async () => {
    const id = await customerOn("credits", 5);
    expect(split(await one(ev(id, 8)))).toEqual([8, 0, 0]);
    expect(split(await one(ev(id, 4)))).toEqual([2, 2, 0]);
    expect(split(await one(ev(id, 3)))).toEqual([0, 3, 0]);
    const refused = await one(ev(id, 1));
    expect(refused).toMatchObject({
      status: "rejected",
      error: { code: "limit_reached", field: "quantity" },
    });
    expect(await balance(id)).toBe(0);
    expect(await ledgerSum(id)).toBe(0);
    expect(await counter(id)).toMatchObject([
      { quantity: 15, includedUsed: 10, creditsUsed: 5, overageQuantity: 0 },
    ]);
  });

  it("covers an event whole or refuses it whole", async () => {
    const id = await customerOn("credits", 2);
    const r = await one(ev(id, 13));
    expect(r.status).toBe("rejected");
    expect(await db.select().from(usageEvents).where(eq(usageEvents.userId, id))).toEqual([]);
    expect(await balance(id)).toBe(2);
  });

  it("never touches credits on a blocked plan", async () => {
    const id = await customerOn("blocked", 50);
    expect(split(await one(ev(id, 10)))).toEqual([10, 0, 0]);
    const r = await one(ev(id, 1));
    expect(r).toMatchObject({ status: "rejected", error: { code: "limit_reached" } });
    if (r.status === "rejected") expect(r.error.message).toMatch(/does not allow more tokens/);
    expect(await balance(id)).toBe(50);
  });

  it("bills past allowance and credits as overage on a metered plan", async () => {
    const id = await customerOn("metered", 3);
    expect(split(await one(ev(id, 20)))).toEqual([10, 3, 7]);
    expect(await counter(id)).toMatchObject([{ overageQuantity: 7, overageReported: 0 }]);
  });

  it("has no limit on an unlimited plan, and charges credits without a plan", async () => {
    const big = await customerOn("unlimited");
    expect(split(await one(ev(big, 1_000_000)))).toEqual([1_000_000, 0, 0]);
    const none = await addUsageCustomer(db, clock);
    await grant(none, 4);
    expect(split(await one(ev(none, 4)))).toEqual([0, 4, 0]);
    expect((await one(ev(none, 1))).status).toBe("rejected");
  });
});

describe("idempotency", () => {
  it("returns the first result for a replayed key and changes nothing", async () => {
    const id = await customerOn("credits", 5);
    const first = await one(ev(id, 12, { idempotencyKey: "same" }));
    const again = await record([
      ev(id, 12, { idempotencyKey: "same" }),
      ev(id, 1, { idempotencyKey: "same" }),
    ]);
    expect(again.map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
    expect(again[0]).toMatchObject({
      eventId: (first as { eventId: number }).eventId,
      included: 10,
      credits: 2,
    });
    expect(await balance(id)).toBe(3);
    expect(await counter(id)).toMatchObject([{ quantity: 12 }]);
  });

  it("treats a key repeated inside one batch as one event", async () => {
    const id = await customerOn("credits");
    const r = await record([
      ev(id, 2, { idempotencyKey: "twice" }),
      ev(id, 2, { idempotencyKey: "twice" }),
    ]);
    expect(r.map((x) => x.status)).toEqual(["recorded", "duplicate"]);
    expect((r[1] as { eventId: number }).eventId).toBe((r[0] as { eventId: number }).eventId);
    expect(await counter(id)).toMatchObject([{ quantity: 2 }]);
  });
});

describe("periods", () => {
  it("resets the allowance at the period boundary, even before the renewal is synced", async () => {
    const id = await customerOn("blocked");
    expect((await one(ev(id, 10))).status).toBe("recorded");
    expect((await one(ev(id, 1))).status).toBe("rejected");
    clock.set(Date.UTC(2026, 3, 10) + 1000); // one month on: the mirror still says March–April
    const r = await one(ev(id, 10));
    expect(r).toMatchObject({ status: "recorded", periodStart: new Date(Date.UTC(2026, 3, 10)) });
    const rows = await counter(id);
    expect(rows.map((c) => [c.periodStart.toISOString(), c.includedUsed])).toEqual([
      ["2026-03-10T00:00:00.000Z", 10],
      ["2026-04-10T00:00:00.000Z", 10],
    ]);
    const late = await one(ev(id, 1, { timestamp: new Date(Date.UTC(2026, 3, 9)).toISOString() }));
    expect(late).toMatchObject({ status: "rejected", error: { code: "limit_reached" } });
  });

  it("follows a plan change inside the period (usage so far still counts)", async () => {
    const id = await customerOn("blocked", 5);
    expect((await one(ev(id, 10))).status).toBe("recorded");
    expect((await one(ev(id, 1))).status).toBe("rejected");
    await subscribeInMirror(db, id, "metered", start);
    const change = {
      type: "subscription",
      object: subscription({ customer: `cus_${id}` }),
      previous: null,
      event: { id: "evt_plan", type: "customer.subscription.updated", created: clock.now() },
      clock,
    } as const;
    await withTransaction(db, (tx) => usagePlanHook.write(tx, change, undefined));
    expect(split(await one(ev(id, 7)))).toEqual([0, 5, 2]);
    expect(await counter(id)).toMatchObject([
      { overage: "metered", includedUsed: 10, quantity: 17 },
    ]);
  });

  it("answers entitlements from the counters and the wallet", async () => {
    const id = await customerOn("credits", 7);
    let e = await entitlements({ db, clock }, `ext_${id}`);
    expect(e.meters.find((m) => m.meter === "tokens")).toMatchObject({
      included: 10,
      used: 0,
      includedRemaining: 10,
    });
    await one(ev(id, 4));
    e = await entitlements({ db, clock }, id);
    expect(e.credits.balance).toBe(7);
    expect(e.meters.find((m) => m.meter === "tokens")).toMatchObject({
      included: 10,
      used: 4,
      includedRemaining: 6,
      overage: "credits",
      periodStart: start,
    });
    expect(
      await usageByDay(db, {
        userId: id,
        meterKey: "tokens",
        from: start,
        to: new Date(clock.now().getTime() + DAY),
      }),
    ).toEqual([{ day: new Date(start.getTime() + DAY), quantity: 4 }]);
  });
});

describe("bad input", () => {
  const now = () => clock.now().getTime();
  const cases: [string, (id: string) => Record<string, unknown>, string, string][] = [
    ["unknown customer", () => ev("usr_nobody", 1), "customer", "unknown_customer"],
    ["unknown meter", (id) => ev(id, 1, { meter: "nope" }), "meter", "unknown_meter"],
    ["negative quantity", (id) => ev(id, -1), "quantity", "invalid"],
    ["fractional quantity", (id) => ev(id, 1.5), "quantity", "invalid"],
    ["quantity ≠ 1 on a count meter", (id) => ev(id, 2, { meter: "calls" }), "quantity", "invalid"],
    [
      "timestamp 36 days old",
      (id) => ev(id, 1, { timestamp: Math.floor((now() - 36 * DAY) / 1000) }),
      "timestamp",
      "invalid",
    ],
    [
      "timestamp in the future",
      (id) => ev(id, 1, { timestamp: new Date(now() + 3_600_000).toISOString() }),
      "timestamp",
      "invalid",
    ],
    [
      "unparseable timestamp",
      (id) => ev(id, 1, { timestamp: "yesterday" }),
      "timestamp",
      "invalid",
    ],
    [
      "no idempotency key",
      (id) => ({ ...ev(id, 1), idempotencyKey: "" }),
      "idempotencyKey",
      "invalid",
    ],
    ["no customer", () => ({ meter: "tokens", idempotencyKey: "x" }), "customer", "invalid"],
  ];
  it.each(cases)(
    "refuses %s, naming the field, and records nothing",
    async (_, make, field, code) => {
      const id = await customerOn("unlimited");
      const r = await one(make(id));
      expect(r).toMatchObject({ status: "rejected", error: { field, code } });
      expect(await db.select().from(usageEvents)).toEqual([]);
    },
  );

  it("records the good events of a batch and reports each bad one", async () => {
    const id = await customerOn("unlimited");
    const r = await record([
      ev(id, 1),
      ev(id, -3),
      "not an object",
      ev(id, 2, { meter: "nope" }),
      ev(id, 5),
    ]);
    expect(r.map((x) => (x.status === "rejected" ? x.error.field : x.status))).toEqual([
      "recorded",
      "quantity",
      "event",
      "meter",
      "recorded",
    ]);
    expect(await counter(id)).toMatchObject([{ quantity: 6 }]);
  });
});

describe("concurrency", () => {
  it("never overspends: 50 concurrent calls against 10 included + 30 credits", async () => {
    const id = await customerOn("credits", 30);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => record([ev(id, 1, { idempotencyKey: `c${i}` })])),
    );
    const statuses = results.map((r) => r[0]!.status);
    expect(statuses.filter((s) => s === "recorded")).toHaveLength(40);
    expect(statuses.filter((s) => s === "rejected")).toHaveLength(10);
    expect(await balance(id)).toBe(0);
    expect(await ledgerSum(id)).toBe(0);
    expect(await counter(id)).toMatchObject([{ quantity: 40, includedUsed: 10, creditsUsed: 30 }]);
  });

  it("keeps several customers apart under concurrent mixed batches", async () => {
    const a = await customerOn("credits", 20);
    const b = await customerOn("metered", 5);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        record([ev(a, 1, { idempotencyKey: `a${i}` }), ev(b, 1, { idempotencyKey: `b${i}` })]),
      ),
    );
    expect(await counter(a)).toMatchObject([{ quantity: 30, includedUsed: 10, creditsUsed: 20 }]);
    expect(await counter(b)).toMatchObject([
      { quantity: 50, includedUsed: 10, creditsUsed: 5, overageQuantity: 35 },
    ]);
    expect([await balance(a), await balance(b)]).toEqual([0, 0]);
  });
});

describe("usage alert e-mails", () => {
  /** The e-mail jobs of one kind, oldest first, as [key suffix, payload]. */
  async function mails(kind: "low_balance" | "usage_limit_reached") {
    const rows = await db
      .select()
      .from(jobs)
      .where(eq(jobs.kind, `email.${kind}`))
      .orderBy(jobs.createdAt, jobs.id);
    return rows.map((j) => [j.key.slice(`email.${kind}:`.length), j.payload]);
  }

  it("enqueues one low-balance e-mail per crossing, even from concurrent calls, and a top-up re-arms it", async () => {
    const id = await customerOn("credits", 100); // low below 20
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => record([ev(id, 1, { idempotencyKey: `c${i}` })])),
    );
    expect(await balance(id)).toBe(10);
    await record([ev(id, 2), ev(id, 3)]); // further usage below the threshold
    const [crossed] = await db
      .select({ id: usageEvents.id })
      .from(walletEntries)
      .innerJoin(usageEvents, eq(usageEvents.id, walletEntries.usageEventId))
      .where(and(eq(walletEntries.userId, id), eq(walletEntries.balanceAfter, 19)));
    expect(await mails("low_balance")).toEqual([
      [`usage:${crossed!.id}`, { userId: id, balance: 19, threshold: 20 }],
    ]);

    await grant(id, 50); // 55, low below 10: armed again
    await record(Array.from({ length: 50 }, () => ev(id, 1))); // one batch down to 5
    await record([ev(id, 1)]);
    // Both were enqueued at the same (manual) clock time: compare them as a set.
    const payloads = (await mails("low_balance")).map(([, p]) => JSON.stringify(p)).sort();
    expect(payloads).toEqual(
      [
        { userId: id, balance: 19, threshold: 20 },
        { userId: id, balance: 5, threshold: 10 },
      ]
        .map((p) => JSON.stringify(p))
        .sort(),
    );
  });

  it("mails nothing for usage the allowance covers or a customer who never added credits", async () => {
    const id = await customerOn("credits", 100);
    await record([ev(id, 10)]);
    const none = await customerOn("metered");
    await record([ev(none, 30)]);
    expect(await mails("low_balance")).toEqual([]);
  });

  it("enqueues limit-reached once per meter and period on a blocked plan, and again next period", async () => {
    const id = await customerOn("blocked");
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => record([ev(id, 1, { idempotencyKey: `b${i}` })])),
    );
    expect(results.filter((r) => r[0]!.status === "recorded")).toHaveLength(10);
    const [first] = await counter(id);
    const periodEnd = Date.UTC(2026, 3, 10);
    expect(await mails("usage_limit_reached")).toEqual([
      [`${first!.id}`, { userId: id, meterKey: "tokens", included: 10, periodEnd }],
    ]);

    clock.set(periodEnd + DAY);
    expect(split(await one(ev(id, 10)))).toEqual([10, 0, 0]);
    expect(split(await one(ev(id, 1)))).toBe("limit_reached");
    expect((await mails("usage_limit_reached")).map(([, p]) => p)).toEqual([
      { userId: id, meterKey: "tokens", included: 10, periodEnd },
      { userId: id, meterKey: "tokens", included: 10, periodEnd: Date.UTC(2026, 4, 10) },
    ]);
  });

  it("says nothing when usage on a metered or credits plan goes past the allowance", async () => {
    await record([ev(await customerOn("metered"), 12), ev(await customerOn("credits", 5), 12)]);
    expect(await mails("usage_limit_reached")).toEqual([]);
  });
});
