import { createDb, stripeCustomers, webhookEvents } from "@folio/db";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import type { SyncHook } from "../sync/hooks.ts";
import { deliver } from "../sync/testing.ts";
import { backoffMs, startWebhookWorker } from "./worker.ts";

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

function setup(hooks: SyncHook[] = [], options = {}) {
  const db = createDb(":memory:");
  const clock = manualClock(T0);
  const logs: string[] = [];
  const logger = {
    warn: (_o: object, m?: string) => logs.push(`warn ${m}`),
    error: (_o: object, m?: string) => logs.push(`error ${m}`),
  };
  const worker = startWebhookWorker(
    { db, stripe: offline, clock, hooks, logger },
    { autoStart: false, ...options },
  );
  return { db, clock, worker, logs };
}

describe("webhook worker", () => {
  it("backs off exponentially up to a cap", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
  });

  it("applies oldest created first, ties by event id", async () => {
    const seen: string[] = [];
    const { db, clock, worker } = setup([
      { write: (_tx, change) => void seen.push(change.event.id ?? "") },
    ]);
    const s = T0 / 1000 - 50;
    deliver({ db, clock }, [
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
    const { db, clock, worker, logs } = setup(
      [
        {
          types: ["customer"],
          write: () => {
            failures++;
            throw new Error("ledger unavailable");
          },
        },
      ],
      { maxAttempts: 3, baseBackoffMs: 1000 },
    );
    deliver({ db, clock }, [customerEvent("evt_f", T0 / 1000 - 5, "x")]);
    const row = () => db.select().from(webhookEvents).where(eq(webhookEvents.id, "evt_f")).get();

    expect(await worker.drain()).toMatchObject({ failed: 1 });
    expect(row()).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "Error: ledger unavailable",
      nextAttemptAt: new Date(T0 + 1000),
      lastFailedAt: new Date(T0),
    });
    // Rolled back: the mirror row written before the hook threw is not there.
    expect(db.select().from(stripeCustomers).all()).toEqual([]);
    expect(await worker.drain()).toMatchObject({ failed: 0 }); // not due yet
    clock.advance(1000);
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    expect(row()?.nextAttemptAt).toEqual(new Date(T0 + 1000 + 2000));
    clock.advance(2000);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    expect(row()).toMatchObject({ status: "dead", attempts: 3, nextAttemptAt: null });
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
    const db = createDb(":memory:");
    const clock = manualClock(T0);
    const worker = startWebhookWorker({ db, stripe: offline, clock }, { pollMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    deliver({ db, clock }, [customerEvent("evt_w", T0 / 1000 - 1, "woken")]);
    const started = Date.now();
    worker.wake();
    while (!db.select().from(stripeCustomers).get() && Date.now() - started < 2000) {
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(db.select().from(stripeCustomers).get()?.name).toBe("woken");
    expect(Date.now() - started).toBeLessThan(1000);
    await worker.stop();
    // Stopped: nothing more is applied.
    deliver({ db, clock }, [customerEvent("evt_after", T0 / 1000, "late")]);
    worker.wake();
    await new Promise((r) => setTimeout(r, 30));
    expect(db.select().from(stripeCustomers).get()?.name).toBe("woken");
  });

  it("an event type that became unhandled is marked ignored, not failed", async () => {
    const { db, clock, worker } = setup();
    deliver({ db, clock }, [customerEvent("evt_x", T0 / 1000, "x")]);
    db.update(webhookEvents).set({ type: "customer.tax_id.created" }).run();
    expect(await worker.drain()).toMatchObject({ ignored: 1, failed: 0 });
    expect(db.select().from(webhookEvents).get()?.status).toBe("ignored");
  });

  it("re-plans at once when another writer changed the object between plan and write", async () => {
    let interfered = false;
    const { db, clock, worker } = setup([
      {
        types: ["customer"],
        // Runs between planning and the transaction: a concurrent sync stores the customer.
        prepare: (deps) => {
          if (!interfered) {
            interfered = true;
            deps.db.$client
              .prepare(
                "insert into stripe_customers (id, livemode, raw, version_ts, synced_at, balance) values (?, 0, ?, ?, ?, 0)",
              )
              .run("cus_w1", JSON.stringify({ id: "cus_w1", object: "customer" }), 1, T0);
          }
          return Promise.resolve(null);
        },
        write: () => undefined,
      },
    ]);
    deliver({ db, clock }, [customerEvent("evt_r", T0 / 1000 - 5, "from the event")]);
    expect(await worker.drain()).toEqual({ applied: 1, ignored: 0, failed: 0, dead: 0 });
    expect(interfered).toBe(true);
    expect(db.select().from(stripeCustomers).get()?.name).toBe("from the event");
    expect(db.select().from(webhookEvents).get()).toMatchObject({ attempts: 1, lastError: null });
  });
});
