import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { folio } from "../support/cli.ts";
import { expect, signIn, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshots } from "../support/screenshots.ts";

const PASSWORD = "a-long-enough-password";

const adminNav = (page: Page) => page.getByRole("navigation", { name: "Admin" });

test.describe("admin: staff, audit log and home", () => {
  // Several sign-ins, two browser contexts and axe per test: more than the default budget when
  // the machine is busy.
  test.describe.configure({ timeout: 240_000 });

  test("an admin adds a staff member, who signs in and sees their role's sections", async ({
    page,
    browser,
    server,
  }) => {
    const email = uniqueEmail("flo");
    await signIn(page, "admin@folio.test");
    await page.goto("/admin/staff");
    await page.getByRole("button", { name: "Add staff member" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Flo Fulfilment");
    await dialog.getByLabel("E-mail").fill(email);
    await dialog.getByRole("combobox").click();
    await page.getByRole("option", { name: /^Fulfillment/ }).click();
    await dialog.getByRole("button", { name: "Generate a password" }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-staff-create-dialog");
    await dialog.getByRole("button", { name: "Add staff member" }).click();
    await expect(dialog.getByRole("heading", { name: "Staff member added" })).toBeVisible();
    const password = (await dialog.getByTestId("initial-password").textContent())!.trim();
    expect(password).toHaveLength(16);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("row", { name: new RegExp(email) })).toContainText("Active");

    const flo = await browser.newContext({ baseURL: server.baseURL });
    const floPage = await flo.newPage();
    await signIn(floPage, email, password);
    await expect(floPage).toHaveURL(/\/admin$/);
    const links = adminNav(floPage).getByRole("link");
    await expect(links.filter({ hasText: "Fulfilment" })).toBeVisible();
    for (const hidden of ["Customers", "Orders", "Staff", "Audit log", "Webhooks"]) {
      await expect(links.filter({ hasText: new RegExp(`^${hidden}$`) })).toHaveCount(0);
    }
    await flo.close();

    // The creation is on the audit log, as the admin, and exports with the same filter.
    await page.goto(`/admin/audit?action=${encodeURIComponent('"staff.created"')}`);
    const entry = page.getByRole("row", { name: new RegExp(email) });
    await expect(entry).toContainText("staff.created");
    const exportLink = page.getByRole("link", { name: "Export CSV" });
    const href = await exportLink.getAttribute("href");
    expect(href).toContain("/api/export/audit.csv?input=");
    const csv = await page.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(email);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-audit");
  });

  test("a deactivated staff member's open page ends up at sign-in", async ({
    page,
    browser,
    server,
  }) => {
    const email = uniqueEmail("sid");
    folio(server, [
      "user:create",
      ...["--email", email, "--role", "support", "--name", "Sid Signout", "--password", PASSWORD],
    ]);
    const sid = await browser.newContext({ baseURL: server.baseURL });
    const sidPage = await sid.newPage();
    await signIn(sidPage, email, PASSWORD);
    await expect(sidPage).toHaveURL(/\/admin$/);

    await signIn(page, "admin@folio.test");
    await page.goto("/admin/staff");
    const row = page.getByRole("row", { name: new RegExp(email) });
    await row.getByRole("button", { name: "Disable Sid Signout" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Disable account" }).click();
    await expect(row).toContainText("Disabled");

    // Sid's tab still shows the console; the next thing it asks the server sends it to sign in.
    await adminNav(sidPage).getByRole("link", { name: "Webhooks" }).click();
    await expect(sidPage).toHaveURL(/\/sign-in/);
    await sid.close();
  });

  for (const role of ["admin", "support", "fulfillment", "finance"] as const) {
    test(`${role}'s home shows what needs their attention, accessibly`, async ({ page }) => {
      await signIn(page, `${role}@folio.test`);
      await expect(page).toHaveURL(/\/admin$/);
      await expect(page.getByRole("region", { name: "Needs attention" })).toBeVisible();
      const cards = page.getByRole("region", { name: "Needs attention" }).getByRole("heading");
      const expected = {
        admin: ["Shipping tasks", "Awaiting approval", "Failed payments", "Stripe webhooks"],
        support: ["Shipping tasks", "Failed payments", "Stripe webhooks"],
        fulfillment: ["Shipping tasks"],
        finance: ["Shipping tasks", "Awaiting approval", "Failed payments"],
      }[role];
      await expect(cards).toHaveText(expected);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await saveScreenshots(page, `admin-home-${role}`);
    });
  }

  test("the staff page is accessible", async ({ page }) => {
    await signIn(page, "admin@folio.test");
    await page.goto("/admin/staff");
    await expect(page.getByRole("table", { name: "Staff accounts" })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-staff");
  });
});
