import {
  closeDb,
  creditLedger,
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  webhookEvents,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { syncAll } from "./backfill.ts";
import type { SyncHooks } from "./hooks.ts";
import { convergenceProblems, prng, recordEvents, shuffle } from "./testing.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "customers-sync" } });
  stripe = emu.stripe();
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 120_000);
beforeEach(() => emu.reset());
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDb(db).catch(() => undefined);
});

async function fresh(hooks: SyncHooks = recordHooks) {
  const db = await createTestDb();
  opened.push(db);
  const clock = manualClock(Date.now());
  const worker = startWebhookWorker({ db, stripe, clock, hooks }, { autoStart: false });
  return { db, clock, worker, deps: { db, stripe, clock } };
}

const customerRow = (db: Db, id: string) =>
  db.select().from(stripeCustomers).where(eq(stripeCustomers.id, id)).get();

/** create → update → balance credit → update → delete, one emulator second apart. */
async function customerLifecycle() {
  const c = await stripe.customers.create({ email: "ada@example.com", name: "Ada" });
  emu.advanceClock(1);
  await stripe.customers.update(c.id, { name: "Ada Lovelace" });
  emu.advanceClock(1);
  await stripe.customers.createBalanceTransaction(c.id, { amount: -500, currency: "usd" });
  emu.advanceClock(1);
  await stripe.customers.update(c.id, { metadata: { plan: "pro" } });
  emu.advanceClock(1);
  const keep = await stripe.customers.create({ email: "bob@example.com", name: "Bob" });
  emu.advanceClock(1);
  await stripe.customers.del(c.id);
  return { deleted: c.id, kept: keep.id, events: await recordEvents(stripe) };
}

// Fresh PostgreSQL databases are cloned from a template (a few hundred ms each): allow for it.
describe("customers: any order, duplicates, tombstones", { timeout: 60_000 }, () => {
  it("converges for 100 shuffled, duplicated deliveries and the tombstone holds", async () => {
    const { deleted, kept, events } = await customerLifecycle();
    expect(events.map((e) => e.type)).toEqual([
      "customer.created",
      "customer.updated",
      "customer.updated",
      "customer.updated",
      "customer.created",
      "customer.deleted",
    ]);
    const cache = new Map();
    const runSeed = async (seed: number) => {
      const random = prng(seed);
      const { db, clock, worker } = await fresh();
      try {
        const copies = events.flatMap((e) =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => e),
        );
        await deliver({ db, clock }, shuffle(copies, random));
        await worker.drain();
        expect(await convergenceProblems(db, stripe, { cache }), `seed ${seed}`).toEqual([]);
        expect((await customerRow(db, deleted))?.deletedAt, `seed ${seed}`).not.toBeNull();
        expect((await customerRow(db, kept))?.name).toBe("Bob");
        const statuses = await db.select({ status: webhookEvents.status }).from(webhookEvents);
        expect(statuses.every((e) => e.status === "applied")).toBe(true);
      } finally {
        await closeDb(db);
        opened.splice(opened.indexOf(db), 1);
      }
    };
    // Ten fresh stores at a time: their API round trips overlap.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => runSeed(batch * 10 + i + 1)));
    }
  }, 300_000);

  it("a replayed old update (fresh signature, inbox pruned) cannot revive a deleted customer", async () => {
    const { deleted, events } = await customerLifecycle();
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, events);
    await worker.drain();
    // Same event redelivered: acknowledged as a duplicate.
    expect((await deliver({ db, clock }, [events[1]!]))[0]).toMatchObject({
      ok: true,
      duplicate: true,
    });
    // Even if the inbox forgot it, the version guard keeps the tombstone.
    await db.delete(webhookEvents);
    await deliver({ db, clock }, events.slice(0, 4));
    await worker.drain();
    const row = await customerRow(db, deleted);
    expect(row?.deletedAt).not.toBeNull();
    expect(row?.raw).toMatchObject({ metadata: { plan: "pro" } });
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  });

  it("same-second updates with the stale one last: the tie is resolved from the API", async () => {
    const c = await stripe.customers.create({ email: "tie@example.com", name: "v1" });
    emu.advanceClock(1);
    await stripe.customers.update(c.id, { name: "v2" });
    await stripe.customers.update(c.id, { name: "v3" });
    const events = await recordEvents(stripe);
    const [created, stale, latest] = events;
    expect(stale?.created).toBe(latest?.created);
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, [created!, latest!, stale!]);
    await worker.drain();
    const row = await customerRow(db, c.id);
    expect(row?.name).toBe("v3");
    // Stored as fetched in that second: a later event of the same second ties and fetches again.
    expect(row?.versionEventId).toBeNull();
    expect(row?.versionTs.getTime()).toBe(latest!.created * 1000);
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  });

  it("a fetch does not outrank a change made later in its own second", async () => {
    const c = await stripe.customers.create({ email: "same@example.com", name: "before" });
    const { db, clock, worker, deps } = await fresh();
    await deliver({ db, clock }, await recordEvents(stripe));
    await worker.drain();
    // A fetch in the same emulator second (a backfill here; a tie or parent fetch alike).
    await syncAll(deps);
    const fetched = await customerRow(db, c.id);
    expect(fetched?.versionEventId).toBeNull();
    await stripe.customers.update(c.id, { name: "after" });
    const update = (await recordEvents(stripe)).find((e) => e.type === "customer.updated")!;
    expect(update.created * 1000).toBe(fetched?.versionTs.getTime());
    await deliver({ db, clock }, [update]);
    await worker.drain();
    expect((await customerRow(db, c.id))?.name).toBe("after");
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  });

  it("balance transactions are pulled once when the balance moves and feed the ledger once", async () => {
    const c = await stripe.customers.create({ email: "credit@example.com" });
    emu.advanceClock(1);
    await stripe.customers.createBalanceTransaction(c.id, { amount: -2500, currency: "usd" });
    emu.advanceClock(1);
    await stripe.customers.createBalanceTransaction(c.id, { amount: 1000, currency: "usd" });
    const events = await recordEvents(stripe);
    for (let seed = 1; seed <= 10; seed++) {
      const { db, clock, worker } = await fresh();
      await deliver({ db, clock }, shuffle([...events, ...events], prng(seed)));
      await worker.drain();
      const txns = await db.select().from(stripeCustomerBalanceTransactions);
      expect(txns.map((t) => t.amount).sort()).toEqual([-2500, 1000]);
      const ledger = await db.select().from(creditLedger);
      expect(ledger).toHaveLength(2);
      expect(await convergenceProblems(db, stripe)).toEqual([]);
    }
  });

  it("credit granted then spent (balance back where it was) reaches the ledger in any order", async () => {
    const c = await stripe.customers.create({ email: "roundtrip@example.com" });
    emu.advanceClock(1);
    await stripe.customers.createBalanceTransaction(c.id, { amount: -1000, currency: "usd" });
    emu.advanceClock(1);
    await stripe.customers.createBalanceTransaction(c.id, { amount: 1000, currency: "usd" });
    emu.advanceClock(1);
    await stripe.customers.update(c.id, { metadata: { note: "after" } });
    const events = await recordEvents(stripe);
    const [created, granted, spent, noted] = events;
    expect(events.map((e) => e.type)).toEqual([
      "customer.created",
      "customer.updated",
      "customer.updated",
      "customer.updated",
    ]);
    // Newest first: every later snapshot has the balance the store already holds (0), and the
    // ones that moved it are stale by the time they arrive.
    for (const order of [
      [created!, spent!, granted!, noted!],
      [created!, noted!, spent!, granted!],
    ]) {
      const { db, clock, worker } = await fresh();
      // One at a time, as they arrive (the worker would otherwise sort them by creation).
      for (const e of order) {
        await deliver({ db, clock }, [e]);
        await worker.drain();
      }
      const ledger = await db.select().from(creditLedger);
      expect(ledger.map((l) => l.amount).sort()).toEqual([-1000, 1000]);
      expect(await convergenceProblems(db, stripe)).toEqual([]);
    }
  });

  it("a dropped customer.updated is repaired by syncAll, which reports the diff", async () => {
    const c = await stripe.customers.create({ email: "drop@example.com", name: "before" });
    const gone = await stripe.customers.create({ email: "gone@example.com" });
    emu.advanceClock(1);
    await stripe.customers.update(c.id, { name: "after" });
    const events = await recordEvents(stripe);
    const { db, clock, worker, deps } = await fresh();
    await deliver(
      { db, clock },
      events.filter((e) => e.type !== "customer.updated"),
    );
    await worker.drain();
    expect((await customerRow(db, c.id))?.name).toBe("before");
    // Deleted while we were not listening (and its event lost too).
    await stripe.customers.del(gone.id);
    const progress: string[] = [];
    const summary = await syncAll(
      { ...deps, hooks: recordHooks },
      { onProgress: (p) => progress.push(`${p.kind}:${p.done}:${p.finished}`) },
    );
    expect(summary.customer).toEqual({ created: 0, updated: 1, unchanged: 0, tombstoned: 1 });
    expect(progress).toContain("customer:1:true");
    expect((await customerRow(db, c.id))?.name).toBe("after");
    expect((await customerRow(db, gone.id))?.deletedAt).not.toBeNull();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    // A second run changes nothing.
    const again = await syncAll(deps);
    expect(again.customer).toEqual({ created: 0, updated: 0, unchanged: 1, tombstoned: 0 });
    // And the late delivery of the dropped event is now stale.
    await deliver({ db, clock }, events);
    await worker.drain();
    expect((await customerRow(db, c.id))?.versionEventId).toBeNull();
  });

  it("syncAll --since lists only newer objects and never tombstones on a partial listing", async () => {
    const old = await stripe.customers.create({ email: "old@example.com" });
    emu.advanceClock(3600);
    const since = new Date(emu.now() * 1000);
    const recent = await stripe.customers.create({ email: "new@example.com" });
    const { db, deps } = await fresh();
    const summary = await syncAll(deps, { since });
    expect(summary.customer).toEqual({ created: 1, updated: 0, unchanged: 0, tombstoned: 0 });
    expect((await db.select().from(stripeCustomers)).map((c) => c.id)).toEqual([recent.id]);
    // A full run picks up the rest; deleting `old` in Stripe then tombstones it only on a full run.
    await syncAll(deps);
    await stripe.customers.del(old.id);
    expect((await syncAll(deps, { since })).customer?.tombstoned).toBe(0);
    expect((await customerRow(db, old.id))?.deletedAt).toBeNull();
    expect((await syncAll(deps)).customer?.tombstoned).toBe(1);
    expect((await customerRow(db, old.id))?.deletedAt).not.toBeNull();
  });
});
