import { recordUsage } from "@folio/billing";
import { meters } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

// Credits granted by staff, drawn down by usage, read back by the customer (their own only) and by
// staff across customers; support is held to its credit limit.
describe("portal.usage and admin.wallets", () => {
  it("shows each customer their own wallet, and staff everyone's, filtered", async () => {
    const { db, clock, caller } = await setup();
    const now = clock.now();
    await db.insert(meters).values({
      key: "api_calls",
      name: "API calls",
      unitLabel: "call",
      aggregation: "count",
      createdAt: now,
      updatedAt: now,
    });
    const [a, b] = [await insertUser(db, "customer"), await insertUser(db, "customer")];
    const finance = caller(await insertUser(db, "finance"));
    const support = caller(await insertUser(db, "support"));
    for (const [user, units] of [
      [a, 100],
      [b, 50],
    ] as const) {
      await finance.admin.wallets.grant({
        attemptId: crypto.randomUUID(),
        userId: user.id,
        units,
        reason: "Welcome credits",
      });
    }
    const events = [0, 1, 2].map((i) => ({
      customer: a.id,
      meter: "api_calls",
      idempotencyKey: `k${i}`,
    }));
    await recordUsage({ db, clock }, events);

    const mine = await caller(a).portal.usage.overview();
    expect(mine.credits.balance).toBe(97);
    expect(mine.meters).toEqual([
      expect.objectContaining({ meter: "api_calls", used: 3, creditsUsed: 3 }),
    ]);
    const history = await caller(a).portal.usage.transactions({});
    expect(history.items.map((t) => [t.type, t.units])).toEqual([
      ["usage", -1],
      ["usage", -1],
      ["usage", -1],
      ["grant", 100],
    ]);
    expect(history.items[0]).toMatchObject({ meter: "API calls", balanceAfter: 97 });
    const theirs = await caller(b).portal.usage.transactions({});
    expect(theirs.items.map((t) => t.units)).toEqual([50]);

    const grants = await finance.admin.wallets.transactions({ type: "grant" });
    expect(grants.items.map((t) => t.userId).sort()).toEqual([a.id, b.id].sort());
    const byEmail = await finance.admin.wallets.transactions({ customer: b.email });
    expect(byEmail.items.map((t) => t.units)).toEqual([50]);
    expect((await finance.admin.wallets.forCustomer({ userId: a.id })).credits.balance).toBe(97);
    const usage = await finance.admin.wallets.transactions({ type: "usage" });
    expect(usage.items[0]).toMatchObject({ meterKey: "api_calls", meterName: "API calls" });

    expect(
      await codeOf(
        support.admin.wallets.grant({
          attemptId: crypto.randomUUID(),
          userId: b.id,
          units: 5_000,
          reason: "Too generous",
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(caller(a).admin.wallets.transactions({}))).toBe("FORBIDDEN");
    await support.admin.wallets.debit({
      attemptId: crypto.randomUUID(),
      userId: b.id,
      units: 20,
      reason: "Credits given twice",
    });
    expect((await caller(b).portal.usage.overview()).credits.balance).toBe(30);
  });
});
