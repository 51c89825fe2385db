import { manualClock, seedOrder } from "@folio/billing";
import { closeDb, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../app.ts";
import { insertUser, sessionCookieFor, testEnv } from "../../test/helpers.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(dropTestDatabases);

const url = (input: unknown) =>
  `/api/export/orders.csv?input=${encodeURIComponent(JSON.stringify(input))}`;

describe("GET /api/export/orders.csv", () => {
  it("exports the orders the list's filters match, in the list's order, for orders.read only", async () => {
    const db: Db = await createTestDb();
    cleanups.push(() => closeDb(db));
    const clock = manualClock(Date.UTC(2026, 11, 7));
    const app = await buildApp({ env: testEnv(), db, clock });
    cleanups.push(() => app.close());
    const a = await seedOrder(db, { amountTotal: 1000, email: "ada@example.com" });
    const b = await seedOrder(db, { amountTotal: 2500, task: "shipped" });
    await seedOrder(db, {
      amountTotal: 900,
      items: [{ description: "E-book", quantity: 1, unitAmount: 900 }],
    });

    const cookie = await sessionCookieFor(db, clock, (await insertUser(db, "finance")).id);
    const res = await app.inject({
      url: url({ fulfilmentState: "pending", sort: { by: "amountTotal", direction: "asc" } }),
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    const lines = res.body.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe(
      "Order,Placed (UTC),E-mail,Ship-to name,Currency,Total (minor units),Refunded (minor units),Payment,Fulfilment,Payment intent,Stripe customer",
    );
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([a.orderId]);
    expect(lines[1]).toContain(",ada@example.com,");

    const all = await app.inject({
      url: url({ sort: { by: "amountTotal", direction: "desc" } }),
      headers: { cookie },
    });
    expect(
      all.body
        .slice(1)
        .trim()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).toEqual([b.orderId, a.orderId, expect.any(String)]);

    const packer = await sessionCookieFor(db, clock, (await insertUser(db, "fulfillment")).id);
    expect((await app.inject({ url: url({}), headers: { cookie: packer } })).statusCode).toBe(403);
  });
});
