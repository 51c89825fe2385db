import { auditLog, closeDb, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { changeUserRole } from "./change-role.ts";
import { setUserDisabled } from "./set-disabled.ts";
import { clock, insertAccount, operator, staffActor } from "./testing.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const code = (e: unknown) => (e instanceof DomainError ? e.code : e);
const roleOf = async (id: string) =>
  (await db.select({ role: users.role }).from(users).where(eq(users.id, id)).get())?.role;

describe("changeUserRole", () => {
  it("changes a staff role, audited with before/after and reason", async () => {
    await insertAccount(db, "usr_admin", "admin");
    await insertAccount(db, "usr_s", "support");
    const ctx = { db, clock, actor: staffActor("usr_admin") };
    expect(
      await changeUserRole(ctx, {
        user: { id: "usr_s" },
        role: "finance",
        reason: "moved teams",
        staffOnly: true,
      }),
    ).toEqual({ id: "usr_s", email: "usr_s@folio.test", role: "finance", changed: true });
    expect(await roleOf("usr_s")).toBe("finance");
    expect(await db.select().from(auditLog)).toMatchObject([
      {
        actorType: "staff",
        actorId: "usr_admin",
        action: "staff.role_changed",
        target: "user:usr_s",
        before: { role: "support" },
        after: { role: "finance" },
        reason: "moved teams",
        ip: "198.51.100.7",
      },
    ]);
    // Same role again: nothing to do, nothing audited.
    expect(await changeUserRole(ctx, { user: { id: "usr_s" }, role: "finance" })).toMatchObject({
      changed: false,
    });
    expect(await db.select().from(auditLog)).toHaveLength(1);
  });

  it("refuses your own role and the last admin's, and staff screens cannot make customers", async () => {
    await insertAccount(db, "usr_a1", "admin");
    await insertAccount(db, "usr_s", "support");
    await insertAccount(db, "usr_c", "customer");
    const asAdmin = { db, clock, actor: staffActor("usr_a1") };

    const own = await changeUserRole(asAdmin, { user: { id: "usr_a1" }, role: "support" }).catch(
      (e: unknown) => e,
    );
    expect(code(own)).toBe("PRECONDITION_FAILED");

    const last = await changeUserRole(
      { db, clock, actor: operator },
      { user: { id: "usr_a1" }, role: "finance" },
    ).catch((e: unknown) => e);
    expect(code(last)).toBe("PRECONDITION_FAILED");
    expect((last as Error).message).toMatch(/only enabled admin/);

    const demote = await changeUserRole(asAdmin, {
      user: { id: "usr_s" },
      role: "customer",
      staffOnly: true,
    }).catch((e: unknown) => e);
    expect(code(demote)).toBe("BAD_REQUEST");
    const customer = await changeUserRole(asAdmin, {
      user: { id: "usr_c" },
      role: "support",
      staffOnly: true,
    }).catch((e: unknown) => e);
    expect(code(customer)).toBe("NOT_FOUND");

    expect([await roleOf("usr_a1"), await roleOf("usr_s"), await roleOf("usr_c")]).toEqual([
      "admin",
      "support",
      "customer",
    ]);
    expect(await db.select().from(auditLog)).toEqual([]);

    // With a second admin, the first may step down (by someone else's hand).
    await changeUserRole(asAdmin, { user: { id: "usr_s" }, role: "admin" });
    await changeUserRole(
      { db, clock, actor: staffActor("usr_s") },
      { user: { id: "usr_a1" }, role: "support" },
    );
    expect(await roleOf("usr_a1")).toBe("support");
  });

  // Two admins, each taking the other's admin role (or account) at the same moment: the
  // accounts lock serializes them, so the second sees the first's change and refuses.
  it.each([
    ["demote each other", "role", "role"],
    ["one demotes while the other disables", "role", "disable"],
  ] as const)(
    "never leaves zero admins when two admins %s at once",
    async (_name, first, second) => {
      await insertAccount(db, "usr_a1", "admin");
      await insertAccount(db, "usr_a2", "admin");
      const act = (how: "role" | "disable", by: string, target: string) =>
        how === "role"
          ? changeUserRole(
              { db, clock, actor: staffActor(by) },
              { user: { id: target }, role: "support", staffOnly: true },
            )
          : setUserDisabled(
              { db, clock, actor: staffActor(by) },
              { user: { id: target }, disabled: true, staffOnly: true },
            );
      const results = await Promise.allSettled([
        act(first, "usr_a1", "usr_a2"),
        act(second, "usr_a2", "usr_a1"),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = results.find((r) => r.status === "rejected")!;
      expect(code(refused.reason)).toBe("PRECONDITION_FAILED");
      const admins = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, "admin"), eq(users.disabled, false)));
      expect(admins).toHaveLength(1);
      expect(await db.select().from(auditLog)).toHaveLength(1);
    },
  );
});
