import { request as playwrightRequest } from "@playwright/test";
import { callProcedure, DEMO_PASSWORD, expect, openDatabase, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";

/** Everything a refused staff call could have touched: accounts and who is signed in. */
function snapshot(server: ServerInfo) {
  const db = openDatabase(server);
  try {
    return {
      users: db
        .prepare("select id, email, role, disabled, updated_at from users order by id")
        .all(),
      sessions: db.prepare("select id, user_id from sessions order by id").all(),
    };
  } finally {
    db.close();
  }
}

function adminId(server: ServerInfo): string {
  const db = openDatabase(server);
  try {
    const row = db.prepare("select id from users where email = ?").get("admin@folio.test") as
      { id: string } | undefined;
    if (!row) throw new Error("demo admin missing from the database");
    return row.id;
  } finally {
    db.close();
  }
}

test.describe("authorization over raw HTTP", () => {
  test("a staff mutation answers 401 without a session and 403 for a customer, and changes nothing", async ({
    server,
  }) => {
    const target = { userId: adminId(server), disabled: true };

    const anonymous = await playwrightRequest.newContext();
    const customer = await playwrightRequest.newContext();
    try {
      const signIn = await callProcedure(customer, server, "auth.signIn", {
        email: "customer@folio.test",
        password: DEMO_PASSWORD,
      });
      expect(signIn.status()).toBe(200);

      const before = snapshot(server);

      const noSession = await callProcedure(anonymous, server, "staff.setDisabled", target);
      expect(noSession.status()).toBe(401);
      expect(await noSession.json()).toMatchObject({ error: { data: { code: "UNAUTHORIZED" } } });

      const asCustomer = await callProcedure(customer, server, "staff.setDisabled", target);
      expect(asCustomer.status()).toBe(403);
      expect(await asCustomer.json()).toMatchObject({ error: { data: { code: "FORBIDDEN" } } });

      // The staff list (a query, so GET) is refused the same way.
      expect(
        (await callProcedure(anonymous, server, "staff.list", undefined, "GET")).status(),
      ).toBe(401);
      expect((await callProcedure(customer, server, "staff.list", undefined, "GET")).status()).toBe(
        403,
      );

      expect(snapshot(server)).toEqual(before);
    } finally {
      await anonymous.dispose();
      await customer.dispose();
    }
  });
});
