import Database from "better-sqlite3";
import { expect, signIn, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";

/** Waits until the emulator's deliveries of the demo catalog have reached the inbox. */
async function firstProductEvent(server: ServerInfo): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      () => {
        const db = new Database(server.databasePath, { readonly: true, fileMustExist: true });
        try {
          const row = db
            .prepare(
              "select id from webhook_events where type = 'product.created' and status = 'applied' order by received_at limit 1",
            )
            .get() as { id: string } | undefined;
          id = row?.id;
          return id;
        } finally {
          db.close();
        }
      },
      { timeout: 30_000 },
    )
    .toBeTruthy();
  return id ?? "";
}

test.describe("webhook inbox", () => {
  test("support reads the inbox; its filters live in the URL; details show the payload", async ({
    page,
    server,
  }) => {
    const eventId = await firstProductEvent(server);
    await signIn(page, "support@folio.test");
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Webhooks" })
      .click();
    await expect(page.getByRole("region", { name: "Webhook health" })).toContainText("Applied");

    await page.getByLabel("Status").click();
    await page.getByRole("option", { name: "Applied" }).click();
    await expect(page).toHaveURL(/status=applied/);

    await page.getByLabel("Event type").fill("product.*");
    await page.getByLabel("Event type").press("Enter");
    await expect(page).toHaveURL(/type=product\.\*/);
    // The previous page stays on screen, marked busy, until the filtered one arrives.
    await expect(page.getByRole("table").locator("tbody")).toHaveAttribute("aria-busy", "false");
    const eventLinks = page.getByRole("table").getByRole("link");
    await expect(eventLinks.first()).toBeVisible();
    for (const name of await eventLinks.allTextContents()) expect(name).toMatch(/^product\./);

    // The view survives a reload because it is all in the URL.
    await page.reload();
    await expect(page.getByLabel("Status")).toHaveText("Applied");
    await expect(page.getByLabel("Event type")).toHaveValue("product.*");

    await page.goto(`/admin/webhooks?event=${eventId}`);
    const sheet = page.getByRole("dialog");
    await expect(sheet).toContainText(eventId);
    await expect(sheet).toContainText("Payload");
    await expect(sheet).toContainText('"object": "product"');
  });

  test("an admin re-queues a dead-lettered event and it is applied again", async ({
    page,
    server,
  }) => {
    const eventId = await firstProductEvent(server);
    // Simulate an event that ran out of retries (the inbox only ever gets there after failures).
    const db = new Database(server.databasePath, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      db.prepare(
        "update webhook_events set status = 'dead', attempts = 8, applied_at = null, last_error = 'simulated failure' where id = ?",
      ).run(eventId);
    } finally {
      db.close();
    }

    await signIn(page, "admin@folio.test");
    await page.goto(`/admin/webhooks?status=dead&event=${eventId}`);
    const sheet = page.getByRole("dialog");
    await expect(sheet).toContainText("Dead-lettered");
    await expect(sheet).toContainText("simulated failure");
    await sheet.getByRole("button", { name: "Retry this event" }).click();
    await expect(page.getByText(`${eventId} is back in the queue`)).toBeVisible();

    // The server's apply worker picks it up again.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("dialog")).toContainText("Applied", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
  });

  test("support may read the inbox but not retry", async ({ page }) => {
    await signIn(page, "support@folio.test");
    await page.goto("/admin/webhooks");
    await expect(page.getByRole("region", { name: "Webhook health" })).toBeVisible();
    await expect(page.getByRole("button", { name: /dead-lettered/ })).toHaveCount(0);
  });
});
