import { manualClock, verifyPassword } from "@folio/billing";
import { auditLog, closeDb, dialectOf, users, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, formatDemoAccounts, isDemoMode, seedDemo } from "./demo.ts";
import { insertUser, testEnv } from "./test/helpers.ts";

const dbs: Db[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => closeDb(db)));
});
afterAll(dropTestDatabases);

async function testDb(): Promise<Db> {
  const db = await createTestDb();
  dbs.push(db);
  return db;
}

/** Makes inserting `email` into users fail inside the transaction (a full disk, a crash). */
async function failInsertsOf(db: Db, email: string): Promise<() => Promise<void>> {
  if (dialectOf(db) === "sqlite") {
    await db.run(
      sql.raw(`create trigger fail_demo before insert on users
        when new.email = '${email}' begin select raise(abort, 'disk I/O error'); end`),
    );
    return async () => void (await db.run(sql`drop trigger fail_demo`));
  }
  await db.run(
    sql.raw(`create function fail_demo() returns trigger language plpgsql as $$
      begin if new.email = '${email}' then raise exception 'disk I/O error'; end if; return new; end $$`),
  );
  await db.run(
    sql.raw(
      "create trigger fail_demo before insert on users for each row execute function fail_demo()",
    ),
  );
  return async () => {
    await db.run(sql`drop trigger fail_demo on users`);
    await db.run(sql`drop function fail_demo()`);
  };
}

describe("demo seeding", () => {
  it("seeds the five demo accounts once on a fresh database, audited", async () => {
    const db = await testDb();
    const clock = manualClock();
    const first = await seedDemo({ db, clock });
    expect(first.seeded).toBe(true);
    expect(first.accounts.map((a) => [a.email, a.role])).toEqual([
      ["admin@folio.test", "admin"],
      ["support@folio.test", "support"],
      ["fulfillment@folio.test", "fulfillment"],
      ["finance@folio.test", "finance"],
      ["customer@folio.test", "customer"],
    ]);
    const admin = await db
      .select()
      .from(users)
      .where(sql`${users.email} = 'admin@folio.test'`)
      .get();
    expect(await verifyPassword(admin?.passwordHash ?? "", DEMO_PASSWORD)).toBe(true);
    const audited = await db.select().from(auditLog);
    expect(audited).toHaveLength(5);
    expect(audited.every((a) => a.actorType === "job" && a.actorId === "demo-seed")).toBe(true);

    const second = await seedDemo({ db, clock });
    expect(second.seeded).toBe(false);
    expect(await db.select().from(users)).toHaveLength(5);

    const table = formatDemoAccounts(first);
    expect(table).toContain("admin@folio.test");
    expect(table).toContain("folio-demo");
  });

  it("writes all demo accounts or none, so a failed first start seeds in full next time", async () => {
    const db = await testDb();
    const clock = manualClock();
    // The fourth insert fails after three went in.
    const heal = await failInsertsOf(db, "finance@folio.test");
    const error = await seedDemo({ db, clock }).catch((err: unknown) => err);
    // Drizzle wraps the driver's error ("Failed query: …"); the trigger's message is its cause.
    expect(String((error as Error).cause ?? error)).toMatch(/disk I\/O error/);
    expect(await db.select().from(users)).toHaveLength(0);

    await heal();
    const retry = await seedDemo({ db, clock });
    expect(retry.seeded).toBe(true);
    expect(retry.accounts).toHaveLength(5);
  });

  it("seeds once when several instances start together on one empty database", async () => {
    const db = await testDb();
    const clock = manualClock();
    const results = await Promise.all([seedDemo({ db, clock }), seedDemo({ db, clock })]);
    expect(results.filter((r) => r.seeded)).toHaveLength(1);
    expect(results.every((r) => r.accounts.length === 5)).toBe(true);
    expect(await db.select().from(users)).toHaveLength(5);
  });

  it("leaves a database that already has users alone", async () => {
    const db = await testDb();
    await insertUser(db, "admin", { email: "real@example.com" });
    const result = await seedDemo({ db, clock: manualClock() });
    expect(result).toEqual({ seeded: false, accounts: [] });
    expect(formatDemoAccounts(result)).toBe("");
  });

  it("is demo mode only without a Stripe secret key", () => {
    expect(isDemoMode(testEnv())).toBe(true);
    expect(isDemoMode({ ...testEnv(), STRIPE_SECRET_KEY: "sk_test_123" })).toBe(false);
  });
});
