import { seriousAxeViolations } from "../support/axe.ts";
import { saveScreenshots } from "../support/screenshots.ts";
import { expect, signIn, test } from "../support/fixtures.ts";

test.describe("admin customers", () => {
  test("support finds the demo customer, opens their page and reads the timeline; resync shows what changed", async ({
    page,
  }) => {
    // A long journey (three axe passes, a resync against the emulator): triple the timeout.
    test.slow();
    await signIn(page, "support@folio.test");
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Customers" })
      .click();
    await expect(page).toHaveURL(/\/admin\/customers$/);
    const table = page.getByRole("table");
    await expect(table.getByRole("link", { name: "customer@folio.test" })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The search is in the URL, so the view survives a reload.
    await page.getByLabel("Search customers").fill("CUSTOMER@folio");
    await page.getByLabel("Search customers").press("Enter");
    await expect(page).toHaveURL(/search=CUSTOMER%40folio/);
    await page.reload();
    await expect(page.getByLabel("Search customers")).toHaveValue("CUSTOMER@folio");
    await expect(table.locator("tbody tr")).toHaveCount(1);
    await expect(table).toContainText("Active");
    await saveScreenshots(page, "admin-customers-list");

    await table.getByRole("link", { name: "customer@folio.test" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Credit balance" })).toBeVisible();
    const timeline = page.getByRole("list", { name: "Customer timeline, newest first" });
    // The demo customer has a subscription, a goodwill credit, an order and a credit pack: all in
    // one list, the oldest behind "Show older entries".
    await expect(timeline).toContainText("Credit pack bought");
    await page.getByRole("button", { name: "Show older entries" }).click();
    await expect(timeline).toContainText("Credit added");
    await expect(timeline).toContainText("Order placed");
    await expect(timeline).toContainText("Subscription active");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-customer-page");

    await page.getByRole("button", { name: "Resync from Stripe" }).click();
    const dialog = page.getByRole("dialog", { name: "Resync from Stripe" });
    await dialog.getByLabel(/Reason/).fill("Checking the e2e journey");
    await dialog.getByRole("button", { name: "Resync now" }).click();
    await expect(dialog.getByRole("status")).toContainText(/Fetched \d+ objects? from Stripe/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-customer-resync");
    await dialog.getByRole("button", { name: "Done" }).click();

    // The resync is a staff action on the customer: it is on the timeline with its reason.
    await expect(timeline).toContainText("customer.resynced");
    await expect(timeline).toContainText("Checking the e2e journey");
  });

  test("an unknown customer id says so instead of failing", async ({ page }) => {
    await signIn(page, "finance@folio.test");
    await page.goto("/admin/customers/not-a-customer");
    await expect(page.getByRole("heading", { name: "No such customer" })).toBeVisible();
    await expect(page.getByRole("link", { name: "All customers" })).toBeVisible();
  });
});
