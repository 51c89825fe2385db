import { stripeCustomers, webhookEvents } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { convergenceProblems, recordEvents } from "../sync/testing.ts";
import { webhookStats } from "./admin.ts";
import { stripeUnreachable, unreachableError, unreachableSince } from "./outage.ts";
import { deliver } from "./testing.ts";
import { startWebhookWorker } from "./worker.ts";

// A Stripe API outage seen from the inbox: the emulator stays up (it recorded the events), the
// worker's client loses its connection to it while the test says so.

let emu: EmulatorHandle;
let events: Stripe.Event[];
const ids = {} as { steady: string; fetched: string; subscription: string };
let down = false;
const stripe = () =>
  emu.stripe(undefined, {
    maxNetworkRetries: 0,
    httpClient: Stripe.createFetchHttpClient((input, init) =>
      down ? Promise.reject(new TypeError("fetch failed: ECONNREFUSED")) : fetch(input, init),
    ),
  });

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-outage" } });
  const s = emu.stripe();
  const price = await s.prices.create({
    currency: "usd",
    unit_amount: 1500,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
  });
  const steady = await s.customers.create({ name: "Steady 1", email: "steady@example.com" });
  const fetched = await s.customers.create({ name: "Fetched 1", email: "fetched@example.com" });
  const pm = await s.paymentMethods.attach("pm_card_visa", { customer: fetched.id });
  const sub = await s.subscriptions.create({
    customer: fetched.id,
    items: [{ price: price.id }],
    default_payment_method: pm.id,
  });
  for (let i = 2; i <= 4; i++) {
    emu.advanceClock(10);
    await s.customers.update(steady.id, { name: `Steady ${i}` });
    await s.customers.update(fetched.id, { name: `Fetched ${i}` });
  }
  Object.assign(ids, { steady: steady.id, fetched: fetched.id, subscription: sub.id });
  events = await recordEvents(s);
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await dropTestDatabases();
});

describe("a Stripe API outage", { timeout: 60_000 }, () => {
  it("classifies connection and server errors as Stripe being unreachable", () => {
    expect(stripeUnreachable({ type: "StripeConnectionError", message: "x" })).toBe(true);
    expect(stripeUnreachable({ type: "StripeAPIError", message: "x", statusCode: 503 })).toBe(true);
    expect(stripeUnreachable({ type: "StripeInvalidRequestError", message: "x" })).toBe(false);
    expect(stripeUnreachable(new Error("ledger unavailable"))).toBe(false);
    const at = new Date(Date.UTC(2026, 11, 6, 23, 30));
    const recorded = unreachableError(at, "StripeConnectionError: no route");
    expect(unreachableSince(recorded)).toEqual(at);
    expect(unreachableSince("Error: ledger unavailable")).toBeNull();
  });

  it("keeps applying what needs no fetch, holds each failing object's later events, dead-letters nothing, and catches up", async () => {
    const db = await createTestDb();
    const t0 = Date.now();
    const clock = manualClock(t0);
    const worker = startWebhookWorker(
      { db, stripe: stripe(), clock, hooks: recordHooks },
      { autoStart: false },
    );
    // The "fetched" customer's first event comes in an API version Folio does not read, so it
    // must be fetched; its later renames need no fetch but must not overtake it. The
    // subscription's events need their customer (unknown until that fetch) fetched too.
    const first = events.find(
      (e) => e.type === "customer.created" && (e.data.object as { id: string }).id === ids.fetched,
    )!;
    const delivered = events.map((e) => (e === first ? { ...e, api_version: "2020-08-27" } : e));

    down = true;
    await deliver({ db, clock }, delivered);
    const names = async () =>
      Object.fromEntries(
        (await db.select().from(stripeCustomers)).map((c) => [c.id, c.name] as const),
      );
    const inbox = () =>
      db.select().from(webhookEvents).orderBy(asc(webhookEvents.created), asc(webhookEvents.id));

    // Ten minutes down, the worker polling every few seconds.
    for (let elapsed = 0; elapsed <= 10 * 60_000; elapsed += 5_000) {
      const r = await worker.drain();
      expect(r.dead).toBe(0);
      clock.advance(5_000);
    }
    // The steady customer is current; the fetched one has none of its renames (they wait).
    expect(await names()).toEqual({ [ids.steady]: "Steady 4" });
    const rows = await inbox();
    expect(rows.filter((r) => r.status === "dead")).toEqual([]);
    expect(rows.filter((r) => r.objectId === ids.steady).map((r) => r.status)).toEqual(
      Array(4).fill("applied"),
    );
    const waiting = rows.filter((r) => r.status === "failed" || r.status === "pending");
    const renames = waiting.filter((r) => r.objectId === ids.fetched);
    expect(renames.map((r) => [r.type, r.attempts > 0])).toEqual([
      ["customer.created", true],
      ...Array.from({ length: 3 }, () => ["customer.updated", false]),
    ]);
    // Per object, only the oldest waiting event was tried; the rest never ran.
    const tried = waiting.filter((r) => r.attempts > 0);
    expect(new Set(tried.map((r) => r.objectId)).size).toBe(tried.length);
    expect(tried.every((r) => r.attempts >= 8)).toBe(true);
    const stats = await webhookStats(db, clock);
    expect(stats.stripeUnreachableSince).toEqual(new Date(t0));
    expect(stats.byStatus.dead).toBe(0);

    // Stripe is back: within the probe interval (not the backed-off hour) the waiting events
    // apply, in each object's order.
    down = false;
    clock.advance(30_000);
    const after = await worker.drain();
    expect(after).toMatchObject({ failed: 0, dead: 0 });
    expect((await inbox()).filter((r) => r.status !== "applied" && r.status !== "ignored")).toEqual(
      [],
    );
    expect(await names()).toEqual({ [ids.steady]: "Steady 4", [ids.fetched]: "Fetched 4" });
    expect((await webhookStats(db, clock)).stripeUnreachableSince).toBeNull();
    expect(await convergenceProblems(db, stripe())).toEqual([]);
    await worker.stop();
  });

  it("dead-letters an event only after Stripe has been unreachable for three days", async () => {
    const db = await createTestDb();
    const t0 = Date.now();
    const clock = manualClock(t0);
    const worker = startWebhookWorker(
      { db, stripe: stripe(), clock, hooks: [] },
      { autoStart: false, maxBackoffMs: 6 * 60 * 60_000 },
    );
    const first = events.find((e) => e.type === "customer.created")!;
    down = true;
    try {
      await deliver({ db, clock }, [{ ...first, api_version: "2020-08-27" }]);
      const row = async () => (await db.select().from(webhookEvents))[0]!;
      let dead = 0;
      while (dead === 0 && clock.now().getTime() - t0 < 4 * 24 * 60 * 60_000) {
        dead += (await worker.drain()).dead;
        clock.advance(60 * 60_000);
      }
      const r = await row();
      expect(r.status).toBe("dead");
      expect(r.attempts).toBeGreaterThan(8);
      expect(r.appliedAt).toBeNull();
      // Dead at the first failure three days after the first one, not before.
      expect(r.lastFailedAt!.getTime() - t0).toBeGreaterThanOrEqual(3 * 24 * 60 * 60_000);
      expect(r.lastFailedAt!.getTime() - t0).toBeLessThan(3 * 24 * 60 * 60_000 + 6 * 60 * 60_000);
      expect(unreachableSince(r.lastError)).toEqual(new Date(t0));
    } finally {
      down = false;
      await worker.stop();
    }
  });
});
