import {
  auditLog,
  billingCustomers,
  closeDb,
  creditLedger,
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  users,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../audit/actor.ts";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { convergenceProblems, prng, recordEvents, shuffle } from "./testing.ts";
import { storeStripeResult } from "./write-path.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "write-path" } });
  stripe = emu.stripe();
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 60_000);
beforeEach(() => emu.reset());
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDb(db).catch(() => undefined);
});

const staff: Actor = { type: "staff", userId: "usr_staff", role: "support", ip: "203.0.113.9" };

async function fresh() {
  const db = await createTestDb();
  opened.push(db);
  const clock = manualClock(emu.now() * 1000);
  const deps = { db, stripe, clock, hooks: recordHooks };
  const worker = startWebhookWorker(deps, { autoStart: false });
  return { db, clock, deps, worker };
}

const customerRow = (db: Db, id: string) =>
  db.select().from(stripeCustomers).where(eq(stripeCustomers.id, id)).get();

describe("storeStripeResult (the Stripe write path)", { timeout: 60_000 }, () => {
  it("stores what Stripe returned at once, with the audit row; the webhooks then converge without doubling anything", async () => {
    const { db, clock, deps, worker } = await fresh();
    const at = clock.now();
    await db.insert(users).values({
      id: "usr_ada",
      email: "ada@example.com",
      name: "Ada",
      passwordHash: "x",
      createdAt: at,
      updatedAt: at,
    });
    const created = await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      metadata: { folio_user_id: "usr_ada" },
    });
    await storeStripeResult(deps, { object: created, actor: staff });
    emu.advanceClock(1);

    // A staff rename through the SDK, stored with its audit row and a write of the command's own.
    const renamed = await stripe.customers.update(created.id, { name: "Ada Lovelace" });
    let alsoRan = 0;
    await storeStripeResult(deps, {
      object: renamed,
      actor: staff,
      audit: {
        action: "customer.renamed",
        target: `customer:${created.id}`,
        before: { name: "Ada" },
        after: { name: "Ada Lovelace" },
        reason: "asked by phone",
      },
      also: async (tx) => {
        alsoRan++;
        const row = await tx
          .select({ name: stripeCustomers.name })
          .from(stripeCustomers)
          .where(eq(stripeCustomers.id, created.id))
          .get();
        // Inside the same transaction: the mirror row is already the new one.
        expect(row?.name).toBe("Ada Lovelace");
      },
    });
    expect(alsoRan).toBe(1);
    const row = await customerRow(db, created.id);
    expect(row).toMatchObject({ name: "Ada Lovelace", versionEventId: null, deletedAt: null });
    const renames = await db.select().from(auditLog).where(eq(auditLog.action, "customer.renamed"));
    expect(renames).toEqual([
      expect.objectContaining({
        actorType: "staff",
        actorId: "usr_staff",
        target: `customer:${created.id}`,
        before: { name: "Ada" },
        after: { name: "Ada Lovelace" },
        reason: "asked by phone",
        ip: "203.0.113.9",
        at: clock.now(),
      }),
    ]);
    // Hooks ran on the stored object: the customer is linked to its user already.
    expect(await db.select().from(billingCustomers)).toMatchObject([
      { userId: "usr_ada", stripeCustomerId: created.id },
    ]);

    // Store credit granted through the API: the ledger has it at once.
    emu.advanceClock(1);
    const credit = await stripe.customers.createBalanceTransaction(created.id, {
      amount: -500,
      currency: "usd",
    });
    await storeStripeResult(deps, {
      object: credit,
      actor: staff,
      audit: {
        action: "credit.granted",
        target: `customer:${created.id}`,
        after: { amount: -500 },
      },
    });
    expect(await db.select().from(creditLedger)).toMatchObject([
      { balanceTransactionId: credit.id, amount: -500, userId: "usr_ada", eventId: null },
    ]);
    const auditBefore = await db.select().from(auditLog);

    // Then the webhooks arrive, shuffled and duplicated.
    const events = await recordEvents(stripe);
    const random = prng(7);
    await deliver(
      { db, clock },
      shuffle(
        events.flatMap((e) => (random() < 0.5 ? [e, e] : [e])),
        random,
      ),
    );
    const result = await worker.drain();
    expect(result.failed + result.dead).toBe(0);
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    expect(await db.select().from(auditLog)).toEqual(auditBefore);
    expect(await db.select().from(billingCustomers)).toHaveLength(1);
    expect(await db.select().from(creditLedger)).toHaveLength(1);
    expect(await db.select().from(stripeCustomerBalanceTransactions)).toHaveLength(1);
    expect((await customerRow(db, created.id))?.name).toBe("Ada Lovelace");
  });

  it("an object older than what is stored does not overwrite it; the audit row is still written", async () => {
    const { db, clock, deps, worker } = await fresh();
    const created = await stripe.customers.create({ email: "old@example.com", name: "first" });
    emu.advanceClock(5);
    await stripe.customers.update(created.id, { name: "second" });
    await deliver({ db, clock }, await recordEvents(stripe));
    await worker.drain();
    expect((await customerRow(db, created.id))?.name).toBe("second");

    // A command that got `created` back long ago stores it only now.
    await storeStripeResult(deps, {
      object: created,
      actor: staff,
      audit: { action: "customer.created", target: `customer:${created.id}` },
    });
    expect((await customerRow(db, created.id))?.name).toBe("second");
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "customer.created")),
    ).toHaveLength(1);
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  });

  it("a deletion stub from the API tombstones the stored customer, keeping its content", async () => {
    const { db, deps } = await fresh();
    const created = await stripe.customers.create({ email: "gone@example.com", name: "Gone" });
    await storeStripeResult(deps, { object: created, actor: staff });
    emu.advanceClock(1);
    const deleted = await stripe.customers.del(created.id);
    await storeStripeResult(deps, {
      object: deleted,
      actor: staff,
      audit: { action: "customer.deleted", target: `customer:${created.id}` },
    });
    expect(await customerRow(db, created.id)).toMatchObject({ name: "Gone" });
    expect((await customerRow(db, created.id))?.deletedAt).not.toBeNull();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    // Never stored: nothing to tombstone, but the audit row is kept.
    const other = await stripe.customers.create({ email: "never@example.com" });
    await storeStripeResult(deps, {
      object: await stripe.customers.del(other.id),
      actor: staff,
      audit: { action: "customer.deleted", target: `customer:${other.id}` },
    });
    expect(await customerRow(db, other.id)).toBeUndefined();
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "customer.deleted")),
    ).toHaveLength(2);
  });

  it("refuses to run inside a transaction (it may call Stripe) and objects Folio does not mirror", async () => {
    const { db, deps } = await fresh();
    const { withTransaction } = await import("@folio/db");
    const c = await stripe.customers.create({ email: "tx@example.com" });
    await expect(
      withTransaction(db, () => storeStripeResult(deps, { object: c, actor: staff })),
    ).rejects.toThrow(/outside withTransaction/);
    await expect(
      storeStripeResult(deps, { object: { id: "tax_1", object: "tax_id" }, actor: staff }),
    ).rejects.toThrow(/does not mirror "tax_id"/);
  });
});
