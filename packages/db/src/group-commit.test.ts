import { count, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import {
  closeDb,
  commitTogether,
  createDb,
  insertOrIgnore,
  webhookEvents,
  withTransaction,
} from "./index.ts";
import { createTestDb, dropTestDatabases } from "./testing.ts";

afterAll(dropTestDatabases);

const event = (id: string) => ({
  id,
  type: "customer.updated",
  apiVersion: null,
  created: new Date(1_800_000_000_000),
  livemode: false,
  objectId: "cus_1",
  objectType: "customer",
  payload: "{}",
  status: "pending" as const,
  attempts: 0,
  nextAttemptAt: new Date(1_800_000_000_000),
  lastError: null,
  lastFailedAt: null,
  receivedAt: new Date(1_800_000_000_000),
  appliedAt: null,
});

describe("commitTogether (group commit of webhook deliveries)", () => {
  it("resolves each caller with its own result once the shared transaction has committed", async () => {
    const { db, config } = await createTestDb({ file: true });
    const other = await createDb(config);
    try {
      const results = await Promise.all(
        ["evt_a", "evt_b", "evt_a", "evt_c"].map((id) =>
          commitTogether(db, (tx) => insertOrIgnore(tx, webhookEvents, event(id))),
        ),
      );
      // The second evt_a saw the first one's row: the same transaction, in call order.
      expect(results).toEqual([true, true, false, true]);
      // Committed by the time the callers heard back: another connection sees every row.
      expect(await other.select({ n: count() }).from(webhookEvents).get()).toEqual({ n: 3 });
    } finally {
      await closeDb(other);
      await closeDb(db);
    }
  });

  it("fails only the caller whose write failed; the others are still committed", async () => {
    const db = await createTestDb();
    const failing = commitTogether(db, async (tx) => {
      await insertOrIgnore(tx, webhookEvents, event("evt_bad"));
      throw new Error("disk full");
    });
    const fine = commitTogether(db, (tx) => insertOrIgnore(tx, webhookEvents, event("evt_ok")));
    await expect(failing).rejects.toThrow("disk full");
    await expect(fine).resolves.toBe(true);
    const ids = await db.select({ id: webhookEvents.id }).from(webhookEvents);
    expect(ids).toEqual([{ id: "evt_ok" }]);
  });

  it("inside a transaction, joins it instead (commits or rolls back with it)", async () => {
    const db = await createTestDb();
    await expect(
      withTransaction(db, async (tx) => {
        await commitTogether(tx, (t) => insertOrIgnore(t, webhookEvents, event("evt_in")));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(
      await db.select().from(webhookEvents).where(eq(webhookEvents.id, "evt_in")).get(),
    ).toBeUndefined();
  });
});
