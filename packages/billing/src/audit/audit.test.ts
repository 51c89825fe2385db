import { auditLog, closeDb, withTransaction, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actorId, syncActor, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const at = new Date(Date.UTC(2026, 0, 2, 12));

/** Drizzle wraps the driver's error ("Failed query: …"); the database's reason is a cause. */
function refusedAsAppendOnly(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (/append-only/.test(e.message)) return true;
  return false;
}

describe("actors", () => {
  it("names each kind of actor by the id the audit log stores", () => {
    const cases: Array<[Actor, string | null]> = [
      [{ type: "customer", userId: "usr_c" }, "usr_c"],
      [{ type: "staff", userId: "usr_s", role: "admin", ip: "203.0.113.9" }, "usr_s"],
      [syncActor({ id: "evt_1", type: "customer.updated" }), "evt_1"],
      [syncActor({ id: null, type: "sync" }), "sync"],
      [{ type: "operator", name: "root" }, "root"],
      [{ type: "job", name: "prune-inbox" }, "prune-inbox"],
    ];
    for (const [actor, id] of cases) expect(actorId(actor)).toBe(id);
  });
});

describe("audit", () => {
  it("appends a row with the actor, target, before/after, reason, IP and time", async () => {
    const admin: Actor = { type: "staff", userId: "usr_admin", role: "admin", ip: "203.0.113.9" };
    await withTransaction(db, (tx) =>
      audit(tx, admin, {
        action: "staff.disabled",
        target: "user:usr_support",
        before: { disabled: false },
        after: { disabled: true },
        reason: "left the company",
        at,
      }),
    );
    await audit(db, syncActor({ id: "evt_9", type: "checkout.session.completed" }), {
      action: "order.created",
      target: "order:ord_1",
      after: { items: 2 },
      at,
    });
    expect(await db.select().from(auditLog).orderBy(auditLog.id)).toEqual([
      {
        id: expect.any(Number) as number,
        actorType: "staff",
        actorId: "usr_admin",
        action: "staff.disabled",
        target: "user:usr_support",
        before: { disabled: false },
        after: { disabled: true },
        reason: "left the company",
        ip: "203.0.113.9",
        at,
      },
      {
        id: expect.any(Number) as number,
        actorType: "sync",
        actorId: "evt_9",
        action: "order.created",
        target: "order:ord_1",
        before: null,
        after: { items: 2 },
        reason: null,
        ip: null,
        at,
      },
    ]);
  });

  it("commits and rolls back with the action it records", async () => {
    const operator: Actor = { type: "operator", name: "ops" };
    await expect(
      withTransaction(db, async (tx) => {
        await audit(tx, operator, { action: "staff.created", target: "user:usr_x", at });
        throw new Error("the action failed");
      }),
    ).rejects.toThrow("the action failed");
    expect(await db.select().from(auditLog)).toEqual([]);
  });

  it("is append-only: the database refuses updates and deletes", async () => {
    await audit(db, { type: "job", name: "test" }, { action: "x.done", target: "x:1", at });
    await expect(
      db.update(auditLog).set({ reason: "rewritten" }).where(eq(auditLog.action, "x.done")),
    ).rejects.toSatisfy(refusedAsAppendOnly);
    await expect(db.delete(auditLog)).rejects.toSatisfy(refusedAsAppendOnly);
    expect(await db.select({ reason: auditLog.reason }).from(auditLog)).toEqual([{ reason: null }]);
  });
});
