import { expect, signIn, test } from "../support/fixtures.ts";

// What each demo staff role may open, straight from the permission matrix.
const SIDEBAR_BY_ROLE = [
  {
    email: "admin@folio.test",
    entries: [
      "Customers",
      "Orders",
      "Fulfilment",
      "Refunds",
      "Wallets",
      "Approvals",
      "Revenue",
      "Webhooks",
      "Jobs",
      "Outbound webhooks",
      "Sent mail",
      "Staff",
      "Audit log",
      "Settings",
      "API keys",
    ],
  },
  {
    email: "support@folio.test",
    entries: ["Customers", "Orders", "Refunds", "Wallets", "Webhooks", "Jobs"],
  },
  { email: "fulfillment@folio.test", entries: ["Fulfilment"] },
  {
    email: "finance@folio.test",
    entries: ["Customers", "Orders", "Refunds", "Wallets", "Approvals", "Revenue"],
  },
] as const;

test.describe("staff roles", () => {
  for (const { email, entries } of SIDEBAR_BY_ROLE) {
    test(`${email} lands in the admin console and sees exactly: ${entries.join(", ")}`, async ({
      page,
    }) => {
      await signIn(page, email);
      await expect(page).toHaveURL(/\/admin$/);
      const sidebar = page.getByRole("navigation", { name: "Admin" });
      await expect(sidebar.getByRole("link")).toHaveText([...entries]);
    });
  }

  test("a section outside the role's permissions is refused inside the console", async ({
    page,
  }) => {
    await signIn(page, "finance@folio.test");
    await page.goto("/admin/staff");
    await expect(page.getByRole("heading", { name: "Your role can't open Staff" })).toBeVisible();
  });

  test("staff opening the billing area are sent to the admin console", async ({ page }) => {
    await signIn(page, "support@folio.test");
    await page.goto("/billing/invoices");
    await expect(page).toHaveURL(/\/admin$/);
  });

  test("the admin's Staff page lists the staff accounts from the server", async ({ page }) => {
    await signIn(page, "admin@folio.test");
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Staff" })
      .click();
    const table = page.getByRole("table");
    for (const email of SIDEBAR_BY_ROLE.map((r) => r.email)) {
      await expect(table.getByRole("cell", { name: email })).toBeVisible();
    }
    await expect(table.getByRole("cell", { name: "customer@folio.test" })).toHaveCount(0);
  });
});
