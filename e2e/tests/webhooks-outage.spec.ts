import Database from "better-sqlite3";
import { seriousAxeViolations } from "../support/axe.ts";
import { expect, signIn, test } from "../support/fixtures.ts";
import { saveScreenshots } from "../support/screenshots.ts";

test("the webhooks page says since when Stripe has been unreachable", async ({ page, server }) => {
  const since = "2026-01-01T09:30:00.000Z";
  const id = "evt_e2e_stripe_unreachable";
  const db = new Database(server.databasePath, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  try {
    // An event waiting on Stripe, as the worker records it. Claimed by an instance whose lease
    // outlives the test, so this server's worker leaves it alone (it would apply or re-fail it).
    const far = Date.parse("2100-01-01T00:00:00Z");
    db.prepare(
      `insert into webhook_events (id, type, api_version, created, livemode, object_id, object_type,
         payload, status, attempts, next_attempt_at, last_error, last_failed_at, received_at,
         claimed_by, claim_expires_at)
       values (?, 'customer.updated', null, ?, 0, 'cus_e2e_outage', 'customer', '{}', 'failed', 3,
         ?, ?, ?, ?, 'another-instance', ?)`,
    ).run(
      id,
      Date.parse(since),
      far,
      `Stripe unreachable since ${since}: StripeConnectionError: An error occurred with our connection to Stripe.`,
      Date.now(),
      Date.parse(since),
      far,
    );

    await signIn(page, "support@folio.test");
    await page.goto("/admin/webhooks");
    const alert = page
      .getByRole("region", { name: "Webhook health" })
      .getByRole("alert")
      .filter({ hasText: "Stripe unreachable since" });
    await expect(alert).toBeVisible();
    await expect(alert.locator("time")).toHaveAttribute("datetime", since);
    await saveScreenshots(page, "webhooks-stripe-unreachable");
    expect(await seriousAxeViolations(page)).toEqual([]);
  } finally {
    db.prepare("delete from webhook_events where id = ?").run(id);
    db.close();
  }
});
