import { auditLog, billingCustomers, closeDb, stripeCustomers, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc, eq, like } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "./clock.ts";
import { ensureStripeCustomer } from "./customers.ts";
import { DomainError } from "./errors.ts";
import { recordHooks } from "./records/index.ts";
import { convergenceProblems, recordEvents } from "./sync/testing.ts";
import { deliver } from "./webhooks/testing.ts";
import { startWebhookWorker } from "./webhooks/worker.ts";

// ensureStripeCustomer through the Stripe write path, against the emulator: the mirror, the link
// and the audit row are there as soon as it returns; the webhooks that follow converge.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "customers" } });
  stripe = emulator.stripe();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await emulator.reset();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await closeDb(db);
});

const casey = { id: "usr_casey", email: "casey@example.test", name: "Casey Customer" };

async function addUser(user = casey) {
  const at = clock.now();
  await db.insert(users).values({ ...user, passwordHash: "x", createdAt: at, updatedAt: at });
}

/** Delivers every event the emulator recorded (twice each) and applies them. */
async function deliverWebhooks() {
  await emulator.flushWebhooks();
  const events = await recordEvents(stripe);
  await deliver({ db, clock }, [...events, ...events]);
  const worker = startWebhookWorker(
    { db, stripe, clock, hooks: recordHooks },
    { autoStart: false },
  );
  const result = await worker.drain();
  await worker.stop();
  expect(result.failed + result.dead).toBe(0);
}

describe("ensureStripeCustomer", () => {
  it("creates the customer once and stores it, the link and the audit row at once", async () => {
    await addUser();
    const create = vi.spyOn(stripe.customers, "create");
    const deps = { db, stripe, clock };

    const id = await ensureStripeCustomer(deps, casey);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]).toEqual([
      { email: casey.email, name: casey.name, metadata: { folio_user_id: casey.id } },
      { idempotencyKey: `folio-customer-${casey.id}` },
    ]);

    // No webhook delivered yet: the write path stored what Stripe returned.
    expect(await db.select().from(stripeCustomers).where(eq(stripeCustomers.id, id))).toEqual([
      expect.objectContaining({
        email: casey.email,
        name: casey.name,
        metadata: { folio_user_id: casey.id },
        versionEventId: null,
        deletedAt: null,
      }),
    ]);
    expect(await db.select().from(billingCustomers)).toEqual([
      { userId: casey.id, stripeCustomerId: id, createdAt: clock.now() },
    ]);
    const audited = await db
      .select()
      .from(auditLog)
      .where(like(auditLog.action, "billing_customer.%"))
      .orderBy(asc(auditLog.id));
    expect(audited.map((r) => [r.actorType, r.actorId, r.action, r.target, r.after])).toEqual([
      [
        "customer",
        casey.id,
        "billing_customer.created",
        `user:${casey.id}`,
        { stripeCustomerId: id },
      ],
      [
        "customer",
        casey.id,
        "billing_customer.linked",
        `user:${casey.id}`,
        { stripeCustomerId: id },
      ],
    ]);

    // Second call: the link answers, Stripe is not asked again.
    expect(await ensureStripeCustomer(deps, casey)).toBe(id);
    expect(create).toHaveBeenCalledTimes(1);

    // The webhooks that follow (duplicated) converge and double nothing.
    await deliverWebhooks();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    expect(await db.select().from(billingCustomers)).toHaveLength(1);
    expect(await db.select().from(stripeCustomers)).toHaveLength(1);
    expect(
      await db.select().from(auditLog).where(like(auditLog.action, "billing_customer.%")),
    ).toHaveLength(2);
    expect(await ensureStripeCustomer(deps, casey)).toBe(id);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("records the acting operator or job when it is not the user", async () => {
    await addUser();
    await ensureStripeCustomer(
      { db, stripe, clock, actor: { type: "job", name: "demo-seed" } },
      casey,
    );
    const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.actorType, r.actorId, r.action])).toEqual([
      ["job", "demo-seed", "billing_customer.created"],
      ["job", "demo-seed", "billing_customer.linked"],
    ]);
  });

  it("two concurrent calls agree on one customer (one idempotency key per user)", async () => {
    await addUser();
    const deps = { db, stripe, clock };
    const [a, b] = await Promise.all([
      ensureStripeCustomer(deps, casey),
      ensureStripeCustomer(deps, casey),
    ]);
    expect(a).toBe(b);
    expect(await db.select().from(billingCustomers)).toHaveLength(1);
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "billing_customer.linked")),
    ).toHaveLength(1);
    expect((await stripe.customers.list({ limit: 10 })).data).toHaveLength(1);
  });

  it("refuses unknown users before calling Stripe", async () => {
    const create = vi.spyOn(stripe.customers, "create");
    const err = await ensureStripeCustomer({ db, stripe, clock }, casey).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("NOT_FOUND");
    expect(create).not.toHaveBeenCalled();
    expect(await db.select().from(stripeCustomers)).toEqual([]);
  });
});
