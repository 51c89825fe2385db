import { auditLog, closeDb, sessions, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { setUserDisabled } from "./set-disabled.ts";
import { clock, insertAccount, insertSession, operator, staffActor } from "./testing.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const code = (e: unknown) => (e instanceof DomainError ? e.code : e);
const disabledOf = async (id: string) =>
  (await db.select({ d: users.disabled }).from(users).where(eq(users.id, id)).get())?.d;
const sessionsOf = async (id: string) =>
  (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, id))).length;

describe("setUserDisabled", () => {
  it("disables an account, ends its sessions and audits it in the same transaction", async () => {
    await insertAccount(db, "usr_admin", "admin");
    await insertAccount(db, "usr_support", "support");
    await insertSession(db, "s1", "usr_support");
    await insertSession(db, "s2", "usr_support");
    await insertSession(db, "s_admin", "usr_admin");
    const ctx = { db, clock, actor: staffActor("usr_admin") };

    const result = await setUserDisabled(ctx, {
      user: { id: "usr_support" },
      disabled: true,
      reason: "left the company",
      staffOnly: true,
    });
    expect(result).toEqual({
      id: "usr_support",
      email: "usr_support@folio.test",
      role: "support",
      disabled: true,
      changed: true,
      sessionsEnded: 2,
    });
    expect(await disabledOf("usr_support")).toBe(true);
    expect(await sessionsOf("usr_support")).toBe(0);
    expect(await sessionsOf("usr_admin")).toBe(1);
    expect(await db.select().from(auditLog)).toEqual([
      {
        id: expect.any(Number) as number,
        actorType: "staff",
        actorId: "usr_admin",
        action: "staff.disabled",
        target: "user:usr_support",
        before: { disabled: false },
        after: { disabled: true },
        reason: "left the company",
        ip: "198.51.100.7",
        at: clock.now(),
      },
    ]);

    // Again: nothing changes, nothing more is audited.
    expect(
      await setUserDisabled(ctx, { user: { id: "usr_support" }, disabled: true }),
    ).toMatchObject({ changed: false, sessionsEnded: 0 });
    expect(await db.select().from(auditLog)).toHaveLength(1);

    await setUserDisabled(ctx, { user: { id: "usr_support" }, disabled: false });
    expect(await disabledOf("usr_support")).toBe(false);
    expect(
      await db
        .select({ action: auditLog.action, before: auditLog.before, after: auditLog.after })
        .from(auditLog)
        .orderBy(auditLog.id),
    ).toEqual([
      { action: "staff.disabled", before: { disabled: false }, after: { disabled: true } },
      { action: "staff.enabled", before: { disabled: true }, after: { disabled: false } },
    ]);
  });

  it("refuses to disable your own account, and changes nothing", async () => {
    await insertAccount(db, "usr_a1", "admin");
    await insertAccount(db, "usr_a2", "admin");
    await insertSession(db, "s1", "usr_a1");
    const err = await setUserDisabled(
      { db, clock, actor: staffActor("usr_a1") },
      { user: { id: "usr_a1" }, disabled: true },
    ).catch((e: unknown) => e);
    expect(code(err)).toBe("PRECONDITION_FAILED");
    expect((err as Error).message).toMatch(/your own account/);
    expect(await disabledOf("usr_a1")).toBe(false);
    expect(await sessionsOf("usr_a1")).toBe(1);
    expect(await db.select().from(auditLog)).toEqual([]);
  });

  it("never disables the last enabled admin, whoever asks", async () => {
    await insertAccount(db, "usr_a1", "admin");
    await insertAccount(db, "usr_a2", "admin");
    await insertAccount(db, "usr_old", "admin", { disabled: true });
    const ctx = { db, clock, actor: operator };

    await setUserDisabled(ctx, { user: { email: "USR_A2@folio.test" }, disabled: true });
    expect(await disabledOf("usr_a2")).toBe(true);

    // A disabled admin does not count: usr_a1 is the last one.
    const err = await setUserDisabled(ctx, { user: { id: "usr_a1" }, disabled: true }).catch(
      (e: unknown) => e,
    );
    expect(code(err)).toBe("PRECONDITION_FAILED");
    expect((err as Error).message).toMatch(/only enabled admin/);
    expect(await disabledOf("usr_a1")).toBe(false);
    const rows = await db.select().from(auditLog);
    expect(rows.map((r) => [r.actorType, r.actorId, r.action, r.target, r.ip])).toEqual([
      ["operator", "ops", "staff.disabled", "user:usr_a2", null],
    ]);
  });

  it("lets only one of two admins disabling each other at the same moment win", async () => {
    await insertAccount(db, "usr_a1", "admin");
    await insertAccount(db, "usr_a2", "admin");
    const results = await Promise.allSettled([
      setUserDisabled(
        { db, clock, actor: staffActor("usr_a1") },
        { user: { id: "usr_a2" }, disabled: true },
      ),
      setUserDisabled(
        { db, clock, actor: staffActor("usr_a2") },
        { user: { id: "usr_a1" }, disabled: true },
      ),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const enabled = await db.select({ id: users.id }).from(users).where(eq(users.disabled, false));
    expect(enabled).toHaveLength(1);
    expect(await db.select().from(auditLog)).toHaveLength(1);
  });

  it("finds customers only when not restricted to staff", async () => {
    await insertAccount(db, "usr_admin", "admin");
    await insertAccount(db, "usr_cust", "customer");
    await insertSession(db, "s1", "usr_cust");
    const ctx = { db, clock, actor: staffActor("usr_admin") };
    const err = await setUserDisabled(ctx, {
      user: { id: "usr_cust" },
      disabled: true,
      staffOnly: true,
    }).catch((e: unknown) => e);
    expect(code(err)).toBe("NOT_FOUND");
    expect(await disabledOf("usr_cust")).toBe(false);

    await setUserDisabled(
      { db, clock, actor: operator },
      { user: { email: "usr_cust@folio.test" }, disabled: true },
    );
    expect(await disabledOf("usr_cust")).toBe(true);
    expect(await sessionsOf("usr_cust")).toBe(0);
    expect((await db.select().from(auditLog))[0]).toMatchObject({
      action: "customer.disabled",
      target: "user:usr_cust",
    });
  });

  it("reports unknown accounts and refuses customers and sync as actors", async () => {
    await insertAccount(db, "usr_cust", "customer");
    await insertAccount(db, "usr_other", "support");
    const missing = await setUserDisabled(
      { db, clock, actor: operator },
      { user: { email: "nobody@folio.test" }, disabled: true },
    ).catch((e: unknown) => e);
    expect(code(missing)).toBe("NOT_FOUND");
    expect((missing as Error).message).toMatch(/nobody@folio\.test/);
    for (const actor of [
      { type: "customer" as const, userId: "usr_cust" },
      { type: "sync" as const, eventId: "evt_1", source: "customer.updated" },
    ]) {
      const err = await setUserDisabled(
        { db, clock, actor },
        { user: { id: "usr_other" }, disabled: true },
      ).catch((e: unknown) => e);
      expect(code(err)).toBe("FORBIDDEN");
    }
    expect(await disabledOf("usr_other")).toBe(false);
  });
});
