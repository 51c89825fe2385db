import { manualClock } from "@folio/billing";
import { createDb, users } from "@folio/db";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "./auth/password.ts";
import { DEMO_PASSWORD, formatDemoAccounts, isDemoMode, seedDemo } from "./demo.ts";
import { insertUser, testEnv } from "./test/helpers.ts";

describe("demo seeding", () => {
  it("seeds the five demo accounts once on a fresh database", async () => {
    const db = createDb(":memory:");
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
    const admin = db.select().from(users).get();
    expect(await verifyPassword(admin?.passwordHash ?? "", DEMO_PASSWORD)).toBe(true);

    const second = await seedDemo({ db, clock });
    expect(second.seeded).toBe(false);
    expect(db.select().from(users).all()).toHaveLength(5);

    const table = formatDemoAccounts(first);
    expect(table).toContain("admin@folio.test");
    expect(table).toContain("folio-demo");
  });

  it("writes all demo accounts or none, so a failed first start seeds in full next time", async () => {
    const db = createDb(":memory:");
    const clock = manualClock();
    // The fourth insert fails (a full disk, a crash) after three went in.
    db.$client.exec(`create trigger fail_demo before insert on users
      when new.email = 'finance@folio.test' begin select raise(abort, 'disk I/O error'); end`);
    await expect(seedDemo({ db, clock })).rejects.toThrow(/disk I\/O error/);
    expect(db.select().from(users).all()).toHaveLength(0);

    db.$client.exec("drop trigger fail_demo");
    const retry = await seedDemo({ db, clock });
    expect(retry.seeded).toBe(true);
    expect(retry.accounts).toHaveLength(5);
  });

  it("leaves a database that already has users alone", async () => {
    const db = createDb(":memory:");
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
