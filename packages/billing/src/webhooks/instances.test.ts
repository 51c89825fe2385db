import { auditLog, closeDb, createDb, webhookEvents, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases, testDialect } from "@folio/db/testing";
import { asc, isNotNull } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../audit/audit.ts";
import { syncActor } from "../audit/actor.ts";
import { manualClock } from "../clock.ts";
import type { SyncHook } from "../sync/hooks.ts";
import { prng, shuffle } from "../sync/testing.ts";
import { deliver } from "./testing.ts";
import { startWebhookWorker } from "./worker.ts";

// Several Folio instances draining one inbox. On PostgreSQL each worker has its own connection
// pool (as two servers would); on SQLite they share the one connection of the process.

afterAll(dropTestDatabases, 120_000);

const offline = new Stripe("sk_test_offline", {
  host: "127.0.0.1",
  port: 9,
  protocol: "http",
  maxNetworkRetries: 0,
});

const T0 = Date.UTC(2026, 5, 1, 12);
const OBJECTS = 12;
const ROUNDS = 8;

/** Round `r` of customer `c`: one name change per event, seconds apart per customer. */
function event(c: number, r: number) {
  return JSON.stringify({
    id: `evt_${c}_${r}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    // Interleaved across customers, increasing per customer.
    created: T0 / 1000 - 1000 + r * 20 + c,
    livemode: false,
    type: "customer.updated",
    data: {
      object: {
        id: `cus_${c}`,
        object: "customer",
        created: T0 / 1000 - 2000,
        livemode: false,
        email: `c${c}@example.com`,
        name: `round ${r}`,
        balance: 0,
        currency: null,
        delinquent: false,
        metadata: {},
        phone: null,
      },
    },
  });
}

/** Records each applied change through the apply transaction (rolled back with it), after a
 * random pause before it so the workers interleave; `stall` also moves the clock on (a slow
 * instance whose claims lapse meanwhile). */
function recordingHook(random: () => number, stall?: () => void): SyncHook {
  return {
    types: ["customer"],
    prepare: () =>
      new Promise((resolve) =>
        setTimeout(() => {
          stall?.();
          resolve(null);
        }, random() * 3),
      ),
    write: (tx, change) =>
      audit(tx, syncActor(change.event), {
        action: "test.applied",
        target: `customer:${change.object.id}`,
        after: { eventId: change.event.id, created: change.event.created.getTime() },
        at: change.event.created,
      }),
  };
}

async function twoHandles(): Promise<{ a: Db; b: Db; close: () => Promise<void> }> {
  const { db, config } = await createTestDb({ file: true });
  if (config.dialect !== "postgres") return { a: db, b: db, close: () => closeDb(db) };
  const b = await createDb(config);
  return { a: db, b, close: async () => void (await Promise.all([closeDb(db), closeDb(b)])) };
}

// Several instances share a database only on PostgreSQL (SQLite: one instance per file).
describe.skipIf(testDialect() === "sqlite")("two workers, two holders, one inbox", () => {
  it.each([
    [1, false, 1],
    [2, false, 1],
    [3, false, 1],
    [4, true, 1],
    [5, true, 1],
    [6, true, 1],
    // Several objects applied side by side within each worker (lanes).
    [7, false, 3],
    [8, true, 3],
  ])(
    "apply every event exactly once and each object's events in order (seed %i, lapsing claims: %s, lanes: %i)",
    async (seed, lapsing, concurrency) => {
      const random = prng(seed);
      const { a, b, close } = await twoHandles();
      try {
        const clock = manualClock(T0);
        const events = Array.from({ length: OBJECTS }, (_, c) =>
          Array.from({ length: ROUNDS }, (_, r) => event(c, r)),
        ).flat();
        // Delivered in any order, some twice, half to each instance.
        const copies = shuffle([...events, ...events.filter(() => random() < 0.3)], random);
        await deliver(
          { db: a, clock },
          copies.filter((_, i) => i % 2 === 0),
        );
        await deliver(
          { db: b, clock },
          copies.filter((_, i) => i % 2 === 1),
        );

        // With lapsing claims, a stalled apply often outlives its 1 s lease: the other instance
        // takes the event over, and the stalled one must then leave it alone.
        const hook = recordingHook(
          random,
          lapsing ? () => clock.advance(Math.floor(random() * 800)) : undefined,
        );
        const options = {
          autoStart: false,
          batchSize: 5,
          leaseMs: lapsing ? 1000 : 120_000,
          concurrency,
        };
        const first = startWebhookWorker(
          { db: a, stripe: offline, clock, hooks: [hook] },
          { ...options, holder: "instance-a" },
        );
        const second = startWebhookWorker(
          { db: b, stripe: offline, clock, hooks: [hook] },
          { ...options, holder: "instance-b" },
        );
        // Drained side by side, as their loops would, until neither finds anything to do.
        const totals = { a: 0, b: 0, failed: 0 };
        for (;;) {
          const [ra, rb] = await Promise.all([first.drain(), second.drain()]);
          totals.a += ra.applied;
          totals.b += rb.applied;
          totals.failed += ra.failed + rb.failed + ra.dead + rb.dead;
          if (ra.applied + rb.applied === 0) break;
        }
        // Both worked: neither waited for the other to finish.
        expect(totals.a, "instance a applied some").toBeGreaterThan(0);
        expect(totals.b, "instance b applied some").toBeGreaterThan(0);
        expect(totals.a + totals.b).toBe(events.length);
        expect(totals.failed).toBe(0);
        await Promise.all([first.stop(), second.stop()]);

        const inbox = await a.select().from(webhookEvents);
        expect(inbox).toHaveLength(events.length);
        expect(inbox.every((e) => e.status === "applied" && e.attempts === 1)).toBe(true);
        expect(
          await a.select().from(webhookEvents).where(isNotNull(webhookEvents.claimedBy)),
        ).toEqual([]);

        // Exactly once: one committed hook write per event.
        const applied = await a.select().from(auditLog).orderBy(asc(auditLog.id));
        const ids = applied.map((r) => (r.after as { eventId: string }).eventId);
        expect(ids.length).toBe(events.length);
        expect(new Set(ids).size).toBe(events.length);
        // In order per object: committed in `created` order for each customer.
        for (let c = 0; c < OBJECTS; c++) {
          const mine = applied
            .filter((r) => r.target === `customer:cus_${c}`)
            .map((r) => (r.after as { created: number }).created);
          expect(mine, `customer ${c}`).toEqual([...mine].sort((x, y) => x - y));
          expect(mine).toHaveLength(ROUNDS);
        }
      } finally {
        await close();
      }
    },
    120_000,
  );
});
