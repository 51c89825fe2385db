import { auditLog, closeDb, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { createUser, createUsers } from "./create-user.ts";
import { findUserByEmail } from "./find-user.ts";
import { verifyPassword } from "./password.ts";
import { clock, insertAccount, operator, staffActor } from "./testing.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const code = (e: unknown) => (e instanceof DomainError ? e.code : e);
const password = "correct horse battery";

describe("createUser", () => {
  it("creates a staff account from the CLI with an argon2id hash, audited", async () => {
    const user = await createUser(
      { db, clock, actor: operator },
      { email: "  Sam@Folio.Test ", name: " Sam Support ", password, role: "support" },
    );
    expect(user).toEqual({
      id: expect.any(String) as string,
      email: "sam@folio.test",
      name: "Sam Support",
      role: "support",
    });
    const stored = await findUserByEmail(db, "SAM@folio.test");
    expect(stored).toMatchObject({ id: user.id, role: "support", disabled: false });
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored!.passwordHash, password)).toBe(true);
    expect(await verifyPassword(stored!.passwordHash, "wrong password")).toBe(false);
    expect(await db.select().from(auditLog)).toEqual([
      {
        id: expect.any(Number) as number,
        actorType: "operator",
        actorId: "ops",
        action: "staff.created",
        target: `user:${user.id}`,
        before: null,
        after: { email: "sam@folio.test", name: "Sam Support", role: "support" },
        reason: null,
        ip: null,
        at: clock.now(),
      },
    ]);
  });

  it("signs up a customer as themselves (the audit row names the new user and their IP)", async () => {
    const user = await createUser(
      { db, clock, actor: { type: "self", ip: "192.0.2.4" } },
      { email: "casey@example.test", name: "Casey", password, role: "customer" },
    );
    expect(await db.select().from(auditLog)).toMatchObject([
      {
        actorType: "customer",
        actorId: user.id,
        action: "customer.created",
        target: `user:${user.id}`,
        ip: "192.0.2.4",
      },
    ]);
    const err = await createUser(
      { db, clock, actor: { type: "self" } },
      { email: "sneaky@example.test", name: "S", password, role: "admin" },
    ).catch((e: unknown) => e);
    expect(code(err)).toBe("FORBIDDEN");
  });

  it("refuses an email in use in any case with CONFLICT, writing nothing", async () => {
    await insertAccount(db, "usr_taken", "customer", { email: "taken@example.test" });
    const err = await createUser(
      { db, clock, actor: { type: "self" } },
      { email: "Taken@Example.test", name: "T", password, role: "customer" },
    ).catch((e: unknown) => e);
    expect(code(err)).toBe("CONFLICT");
    expect((err as Error).message).toMatch(/taken@example\.test already exists\. Sign in/);
    expect(await db.select().from(users)).toHaveLength(1);
    expect(await db.select().from(auditLog)).toEqual([]);
  });

  it("maps a unique violation from a concurrent sign-up to CONFLICT", async () => {
    const input = { email: "race@example.test", name: "R", password, role: "customer" as const };
    const results = await Promise.allSettled([
      createUser({ db, clock, actor: { type: "self" } }, input),
      createUser({ db, clock, actor: { type: "self" } }, input),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const failed = results.find((r) => r.status === "rejected")!;
    expect(code(failed.reason)).toBe("CONFLICT");
    expect(await db.select().from(users)).toHaveLength(1);
    expect(await db.select().from(auditLog)).toHaveLength(1);
  });

  it("rejects invalid input with BAD_REQUEST and customers creating accounts with FORBIDDEN", async () => {
    const short = await createUser(
      { db, clock, actor: operator },
      { email: "a@example.test", name: "A", password: "short", role: "support" },
    ).catch((e: unknown) => e);
    expect(code(short)).toBe("BAD_REQUEST");
    expect((short as Error).message).toMatch(/^password: Use at least 10 characters/);
    const byCustomer = await createUser(
      { db, clock, actor: { type: "customer", userId: "usr_c" } },
      { email: "b@example.test", name: "B", password, role: "support" },
    ).catch((e: unknown) => e);
    expect(code(byCustomer)).toBe("FORBIDDEN");
    expect(await db.select().from(users)).toEqual([]);
  });
});

describe("createUsers", () => {
  it("creates every account or none", async () => {
    const actor = { type: "job" as const, name: "demo-seed" };
    const batch = [
      { email: "admin@folio.test", name: "Ada", password, role: "admin" as const },
      { email: "support@folio.test", name: "Sam", password, role: "support" as const },
    ];
    const dup = await createUsers({ db, clock, actor }, [...batch, batch[0]!]).catch(
      (e: unknown) => e,
    );
    expect(code(dup)).toBe("CONFLICT");
    expect(await db.select().from(users)).toEqual([]);

    const created = await createUsers({ db, clock, actor }, batch);
    expect(created.map((u) => u.email)).toEqual(["admin@folio.test", "support@folio.test"]);
    expect(
      (await db.select().from(auditLog).orderBy(auditLog.id)).map((r) => [
        r.actorType,
        r.actorId,
        r.action,
      ]),
    ).toEqual([
      ["job", "demo-seed", "staff.created"],
      ["job", "demo-seed", "staff.created"],
    ]);
    // A staff actor is fine too (the router checks the permission).
    await createUser(
      { db, clock, actor: staffActor("usr_x") },
      { email: "fern@folio.test", name: "Fern", password, role: "fulfillment" },
    );
    expect(await db.select().from(users)).toHaveLength(3);
  });
});
