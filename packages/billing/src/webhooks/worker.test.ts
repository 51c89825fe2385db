import { claimInboxEvents, stripeCustomers, webhookEvents } from "@folio/db";
import { createTestDb, dropTestDatabases, testDialect } from "@folio/db/testing";
import { eq, isNotNull } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import type { SyncHook } from "../sync/hooks.ts";
import { deliver } from "./testing.ts";
import { backoffMs, DEFAULT_LEASE_MS, startWebhookWorker, type WebhookWorker } from "./worker.ts";

// Customer events need no parents, so these run without any Stripe: the client points at a
// closed port and any call would fail the test.
const offline = new Stripe("sk_test_offline", {
  host: "127.0.0.1",
  port: 9,
  protocol: "http",
  maxNetworkRetries: 0,
});

const T0 = Date.UTC(2026, 5, 1, 12);

function customerEvent(id: string, created: number, name: string, customer = "cus_w1") {
  return JSON.stringify({
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    type: "customer.updated",
    data: {
      object: {
        id: customer,
        object: "customer",
        created: T0 / 1000 - 100,
        livemode: false,
        email: `${customer}@example.com`,
        name,
        balance: 0,
        currency: null,
        delinquent: false,
        metadata: {},
        phone: null,
      },
    },
  });
}

afterAll(dropTestDatabases);
const workers: WebhookWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
});

async function setup(hooks: SyncHook[] = [], options = {}) {
  const db = await createTestDb();
  const clock = manualClock(T0);
  const logs: string[] = [];
  const logger = {
    warn: (_o: object, m?: string) => logs.push(`warn ${m}`),
    error: (_o: object, m?: string) => logs.push(`error ${m}`),
  };
  const start = (more: Parameters<typeof startWebhookWorker>[1] = {}) => {
    const w = startWebhookWorker(
      { db, stripe: offline, clock, hooks, logger },
      { autoStart: false, ...options, ...more },
    );
    workers.push(w);
    return w;
  };
  const worker = start();
  const inbox = (id: string) =>
    db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
  return { db, clock, worker, logs, start, inbox };
}

describe("webhook worker", () => {
  it("backs off exponentially up to a cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
  });

  it("applies oldest created first, ties by event id", async () => {
    const seen: string[] = [];
    const { db, clock, worker } = await setup([
      { write: (_tx, change) => Promise.resolve(void seen.push(change.event.id ?? "")) },
    ]);
    const s = T0 / 1000 - 50;
    await deliver({ db, clock }, [
      customerEvent("evt_c", s + 2, "c", "cus_c"),
      customerEvent("evt_b", s + 1, "b", "cus_b"),
      customerEvent("evt_a2", s + 1, "a", "cus_a"),
      customerEvent("evt_0", s, "0", "cus_0"),
    ]);
    expect(await worker.drain()).toEqual({ applied: 4, ignored: 0, failed: 0, dead: 0 });
    expect(seen).toEqual(["evt_0", "evt_a2", "evt_b", "evt_c"]);
  });

  it("retries a failing event with backoff and dead-letters it after the budget", async () => {
    let failures = 0;
    const { db, clock, worker, logs, inbox } = await setup(
      [
        {
          types: ["customer"],
          write: () => {
            failures++;
            return Promise.reject(new Error("ledger unavailable"));
          },
        },
      ],
      { maxAttempts: 3, baseBackoffMs: 1000 },
    );
    await deliver({ db, clock }, [customerEvent("evt_f", T0 / 1000 - 5, "x")]);
    const row = () => inbox("evt_f");

    expect(await worker.drain()).toMatchObject({ failed: 1 });
    expect(await row()).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "Error: ledger unavailable",
      nextAttemptAt: new Date(T0 + 1000),
      lastFailedAt: new Date(T0),
    });
    // Rolled back: the mirror row written before the hook threw is not there.
    expect(await db.select().from(stripeCustomers)).toEqual([]);
    expect(await worker.drain()).toMatchObject({ failed: 0 }); // not due yet
    clock.advance(1000);
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    expect((await row())?.nextAttemptAt).toEqual(new Date(T0 + 1000 + 2000));
    clock.advance(2000);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    expect(await row()).toMatchObject({ status: "dead", attempts: 3, nextAttemptAt: null });
    clock.advance(3_600_000);
    expect(await worker.drain()).toEqual({ applied: 0, ignored: 0, failed: 0, dead: 0 });
    expect(failures).toBe(3);
    expect(logs).toEqual([
      "warn webhook event failed; will retry",
      "warn webhook event failed; will retry",
      "error webhook event dead-lettered",
    ]);
  });

  it("its own loop applies a stored event as soon as it is woken, not at the next poll", async () => {
    const { db, clock, start } = await setup();
    const worker = start({ autoStart: true, pollMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    await deliver({ db, clock }, [customerEvent("evt_w", T0 / 1000 - 1, "woken")]);
    const started = Date.now();
    worker.wake();
    while (!(await db.select().from(stripeCustomers).get()) && Date.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await db.select().from(stripeCustomers).get())?.name).toBe("woken");
    expect(Date.now() - started).toBeLessThan(1000);
    await worker.stop();
    // Stopped: nothing more is applied.
    await deliver({ db, clock }, [customerEvent("evt_after", T0 / 1000, "late")]);
    worker.wake();
    await new Promise((r) => setTimeout(r, 30));
    expect((await db.select().from(stripeCustomers).get())?.name).toBe("woken");
  });

  it("an event type that became unhandled is marked ignored, not failed", async () => {
    const { db, clock, worker } = await setup();
    await deliver({ db, clock }, [customerEvent("evt_x", T0 / 1000, "x")]);
    await db.update(webhookEvents).set({ type: "customer.tax_id.created" });
    expect(await worker.drain()).toMatchObject({ ignored: 1, failed: 0 });
    expect((await db.select().from(webhookEvents).get())?.status).toBe("ignored");
  });

  it("re-plans at once when another writer changed the object between plan and write", async () => {
    let interfered = false;
    const { db, clock, worker } = await setup([
      {
        types: ["customer"],
        // Runs between planning and the transaction: a concurrent sync stores the customer.
        prepare: async (deps) => {
          if (!interfered) {
            interfered = true;
            await deps.db.insert(stripeCustomers).values({
              id: "cus_w1",
              livemode: false,
              raw: { id: "cus_w1", object: "customer" },
              versionTs: new Date(1),
              syncedAt: new Date(T0),
            });
          }
          return null;
        },
        write: () => Promise.resolve(),
      },
    ]);
    await deliver({ db, clock }, [customerEvent("evt_r", T0 / 1000 - 5, "from the event")]);
    expect(await worker.drain()).toEqual({ applied: 1, ignored: 0, failed: 0, dead: 0 });
    expect(interfered).toBe(true);
    expect((await db.select().from(stripeCustomers).get())?.name).toBe("from the event");
    expect(await db.select().from(webhookEvents).get()).toMatchObject({
      attempts: 1,
      lastError: null,
    });
  });

  it("stops without applying or claiming more, and gives back the claims it held", async () => {
    const { db, clock, start } = await setup();
    let stopping: Promise<void> | undefined;
    const first = start({
      holder: "first",
      onApplying: (id) => {
        if (id !== null) stopping ??= first.stop();
      },
    });
    await deliver(
      { db, clock },
      [1, 2, 3].map((n) => customerEvent(`evt_s${n}`, T0 / 1000 - 10 + n, `v${n}`, `cus_s${n}`)),
    );
    expect(await first.drain()).toMatchObject({ applied: 1 });
    await stopping;
    const claimed = await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(isNotNull(webhookEvents.claimedBy));
    expect(claimed).toEqual([]);
    // Another worker takes the rest at once, without waiting for a lease to lapse.
    expect(await start({ holder: "second" }).drain()).toMatchObject({ applied: 2 });
  });
});

// Claims are recorded only where several instances share a database (PostgreSQL); SQLite has
// one instance per file and its claims are reads (see @folio/db inbox.ts).
describe.skipIf(testDialect() === "sqlite")(
  "webhook worker claims (several instances on one PostgreSQL database)",
  () => {
    it("events claimed by an instance that died wait for its lease, then are applied once", async () => {
      const { db, clock, worker, inbox } = await setup();
      await deliver(
        { db, clock },
        [1, 2, 3].map((n) => customerEvent(`evt_k${n}`, T0 / 1000 - 10 + n, `v${n}`)),
      );
      // An instance claimed them and was killed (kill -9: no release).
      const taken = await claimInboxEvents(db, {
        holder: "killed",
        now: clock.now(),
        leaseMs: DEFAULT_LEASE_MS,
        limit: 10,
      });
      expect(taken).toHaveLength(3);
      expect(await worker.drain()).toEqual({ applied: 0, ignored: 0, failed: 0, dead: 0 });
      clock.advance(DEFAULT_LEASE_MS - 1);
      expect((await worker.drain()).applied).toBe(0);
      clock.advance(1);
      expect(await worker.drain()).toEqual({ applied: 3, ignored: 0, failed: 0, dead: 0 });
      expect(await inbox("evt_k3")).toMatchObject({
        status: "applied",
        attempts: 1,
        claimedBy: null,
      });
      expect((await db.select().from(stripeCustomers).get())?.name).toBe("v3");
    });

    it("a worker whose claim lapsed mid-apply leaves the event to the one that took it over", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inPrepare = new Promise<void>((resolve) => (entered = resolve));
      const writes: string[] = [];
      let prepares = 0;
      const { db, clock, start, inbox } = await setup([
        {
          types: ["customer"],
          // The first apply stalls after planning (a slow Stripe call) past its lease.
          prepare: async () => {
            if (prepares++ === 0) {
              entered();
              await gate;
            }
            return null;
          },
          write: (_tx, change) => Promise.resolve(void writes.push(change.event.id ?? "")),
        },
      ]);
      await deliver({ db, clock }, [customerEvent("evt_l", T0 / 1000 - 5, "once")]);
      const slow = start({ holder: "slow" });
      const slowDrain = slow.drain();
      await inPrepare;
      clock.advance(DEFAULT_LEASE_MS + 1);
      expect(await start({ holder: "other" }).drain()).toMatchObject({ applied: 1 });
      release();
      expect(await slowDrain).toEqual({ applied: 0, ignored: 0, failed: 0, dead: 0 });
      expect(writes).toEqual(["evt_l"]);
      expect(await inbox("evt_l")).toMatchObject({ status: "applied", attempts: 1 });
    });

    it("a lost claim is not recorded as a failure over the instance that holds it now", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inPrepare = new Promise<void>((resolve) => (entered = resolve));
      let calls = 0;
      const { db, clock, start, inbox } = await setup([
        {
          types: ["customer"],
          prepare: async () => {
            if (calls++ === 0) {
              entered();
              await gate;
              throw new Error("Stripe timed out");
            }
            return null;
          },
          write: () => Promise.resolve(),
        },
      ]);
      await deliver({ db, clock }, [customerEvent("evt_m", T0 / 1000 - 5, "m")]);
      const slow = start({ holder: "slow" }).drain();
      await inPrepare;
      clock.advance(DEFAULT_LEASE_MS + 1);
      // The other instance claims it (and is about to apply it) when the slow one fails.
      await claimInboxEvents(db, { holder: "other", now: clock.now(), leaseMs: 60_000, limit: 1 });
      release();
      expect(await slow).toEqual({ applied: 0, ignored: 0, failed: 0, dead: 0 });
      expect(await inbox("evt_m")).toMatchObject({
        status: "pending",
        attempts: 0,
        claimedBy: "other",
      });
    });

    it("a supervisor's diedApplying fails that event and frees the dead worker's other claims", async () => {
      const { db, clock, start, inbox } = await setup();
      await deliver(
        { db, clock },
        [1, 2, 3].map((n) => customerEvent(`evt_d${n}`, T0 / 1000 - 10 + n, `v${n}`, `cus_d${n}`)),
      );
      await claimInboxEvents(db, {
        holder: "crashed-thread",
        now: clock.now(),
        leaseMs: DEFAULT_LEASE_MS,
        limit: 10,
      });
      const restarted = start({ holder: "restarted", diedApplying: "evt_d1" });
      expect(await restarted.drain()).toMatchObject({ applied: 2, failed: 0 });
      expect(await inbox("evt_d1")).toMatchObject({
        status: "failed",
        attempts: 1,
        claimedBy: null,
        lastError: "Error: the apply worker died while applying this event",
      });
    });
  },
);
