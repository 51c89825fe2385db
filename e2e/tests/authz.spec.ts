import { request as playwrightRequest } from "@playwright/test";
import { folio } from "../support/cli.ts";
import {
  callProcedure,
  DEMO_PASSWORD,
  expect,
  openDatabase,
  test,
  uniqueEmail,
} from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";

/**
 * What a refused `staff.setDisabled` could have touched: the target's account row and its
 * sessions. Scoped to one account of this test's own, since other tests sign in in parallel.
 */
function snapshot(server: ServerInfo, userId: string) {
  const db = openDatabase(server);
  try {
    return {
      user: db
        .prepare("select id, email, role, disabled, updated_at from users where id = ?")
        .get(userId),
      sessions: db
        .prepare("select id, secret_hash, expires_at from sessions where user_id = ? order by id")
        .all(userId),
    };
  } finally {
    db.close();
  }
}

function userId(server: ServerInfo, email: string): string {
  const db = openDatabase(server);
  try {
    const row = db.prepare("select id from users where email = ?").get(email) as
      { id: string } | undefined;
    if (!row) throw new Error(`${email} missing from the database`);
    return row.id;
  } finally {
    db.close();
  }
}

const PASSWORD = "a-long-enough-password";

test.describe("authorization over raw HTTP", () => {
  test("a staff mutation answers 401 without a session and 403 for a customer, and changes nothing", async ({
    server,
  }) => {
    // The account the refused calls try to disable, signed in so it has a session to lose.
    const email = uniqueEmail("target");
    folio(server, ["user:create", "--email", email, "--role", "support", "--password", PASSWORD]);
    const target = { userId: userId(server, email), disabled: true };

    const anonymous = await playwrightRequest.newContext();
    const customer = await playwrightRequest.newContext();
    const victim = await playwrightRequest.newContext();
    try {
      const victimSignIn = await callProcedure(victim, server, "auth.signIn", {
        email,
        password: PASSWORD,
      });
      expect(victimSignIn.status()).toBe(200);

      const signIn = await callProcedure(customer, server, "auth.signIn", {
        email: "customer@folio.test",
        password: DEMO_PASSWORD,
      });
      expect(signIn.status()).toBe(200);

      const before = snapshot(server, target.userId);
      expect(before.sessions).toHaveLength(1);

      const noSession = await callProcedure(anonymous, server, "admin.staff.setDisabled", target);
      expect(noSession.status()).toBe(401);
      expect(await noSession.json()).toMatchObject({ error: { data: { code: "UNAUTHORIZED" } } });

      const asCustomer = await callProcedure(customer, server, "admin.staff.setDisabled", target);
      expect(asCustomer.status()).toBe(403);
      expect(await asCustomer.json()).toMatchObject({ error: { data: { code: "FORBIDDEN" } } });

      // The staff list (a query, so GET) is refused the same way.
      expect(
        (await callProcedure(anonymous, server, "admin.staff.list", undefined, "GET")).status(),
      ).toBe(401);
      expect(
        (await callProcedure(customer, server, "admin.staff.list", undefined, "GET")).status(),
      ).toBe(403);

      // Support reads webhooks but may not retry them: the permission, not the role, decides.
      const support = await playwrightRequest.newContext();
      try {
        await callProcedure(support, server, "auth.signIn", {
          email: "support@folio.test",
          password: DEMO_PASSWORD,
        });
        const retry = await callProcedure(support, server, "admin.webhooks.retry", {
          id: "evt_any",
        });
        expect(retry.status()).toBe(403);
        expect(await retry.json()).toMatchObject({ error: { data: { code: "FORBIDDEN" } } });
      } finally {
        await support.dispose();
      }

      expect(snapshot(server, target.userId)).toEqual(before);
    } finally {
      await anonymous.dispose();
      await customer.dispose();
      await victim.dispose();
    }
  });
});
