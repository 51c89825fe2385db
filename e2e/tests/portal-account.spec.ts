import type { Page } from "@playwright/test";
import { expect, signIn, test, uniqueEmail } from "../support/fixtures.ts";

// The account page with fresh customers (the demo customer's details stay as other specs expect).

const PASSWORD = "a-long-enough-password";

async function signUp(page: Page, name: string): Promise<string> {
  const email = uniqueEmail("account");
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  return email;
}

function profileCard(page: Page) {
  return page
    .locator("form")
    .filter({ has: page.getByRole("button", { name: "Save name and email" }) });
}

function passwordCard(page: Page) {
  return page
    .locator("form")
    .filter({ has: page.getByRole("button", { name: "Change password" }) });
}

test.describe("account page", () => {
  test("changes the name with the password, and refuses a wrong one", async ({ page }) => {
    await signUp(page, "Avery Account");
    await page
      .getByRole("navigation", { name: "Billing" })
      .getByRole("link", { name: "Account" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();

    const form = profileCard(page);
    await form.getByLabel("Name").fill("Avery Renamed");
    await form.getByLabel("Current password").fill("not the password");
    await form.getByRole("button", { name: "Save name and email" }).click();
    await expect(form.getByText("Your current password is not correct.")).toBeVisible();

    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByRole("button", { name: "Save name and email" }).click();
    await expect(page.getByText("Your name and email are saved.")).toBeVisible();
    // The account menu and a reload both show the new name.
    await expect(page.getByRole("banner").getByText("Avery Renamed")).toBeVisible();
    await page.reload();
    await expect(profileCard(page).getByLabel("Name")).toHaveValue("Avery Renamed");
  });

  test("refuses an email another account uses", async ({ page }) => {
    await signUp(page, "Blair Account");
    await page.goto("/billing/account");
    const form = profileCard(page);
    await form.getByLabel("Email").fill("customer@folio.test");
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByRole("button", { name: "Save name and email" }).click();
    await expect(form.getByText(/Another account already uses customer@folio\.test/)).toBeVisible();
  });

  test("changing the password signs out another browser and keeps this one", async ({
    page,
    browser,
  }) => {
    const email = await signUp(page, "Casey Password");
    const otherContext = await browser.newContext();
    const other = await otherContext.newPage();
    await signIn(other, email, PASSWORD);
    await expect(other).toHaveURL(/\/billing$/);

    await page.goto("/billing/account");
    const form = passwordCard(page);
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByLabel("New password", { exact: true }).fill("a-brand-new-passphrase");
    await form.getByLabel("New password again").fill("a-brand-new-passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed. 1 other session was signed out.")).toBeVisible();

    // The other browser is signed out; this one is not.
    await other.goto("/billing/invoices");
    await expect(other).toHaveURL(/\/sign-in/);
    await page.goto("/billing/invoices");
    await expect(page.getByRole("heading", { level: 1, name: "Invoices" })).toBeVisible();

    // The new password signs in; the old one does not.
    await signIn(other, email, "a-brand-new-passphrase");
    await expect(other).toHaveURL(/\/billing/);
    await otherContext.close();
  });
});
