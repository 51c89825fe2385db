import { expect, signIn, signInWithForm, test } from "../support/fixtures.ts";

test.describe("access", () => {
  test("a customer opening /admin is told they lack access", async ({ page }) => {
    await signIn(page, "customer@folio.test");
    await expect(page).toHaveURL(/\/billing$/);

    await page.goto("/admin");
    await expect(
      page.getByRole("heading", { name: "You don't have access to the admin console" }),
    ).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Admin" })).toHaveCount(0);

    await page.goto("/admin/staff");
    await expect(
      page.getByRole("heading", { name: "You don't have access to the admin console" }),
    ).toBeVisible();

    await page.getByRole("link", { name: "Back to billing" }).click();
    await expect(page).toHaveURL(/\/billing$/);
  });

  test("signed-out visitors are sent to sign in and brought back afterwards", async ({ page }) => {
    await page.goto("/billing/invoices");
    await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fbilling%2Finvoices$/);

    await signInWithForm(page, "customer@folio.test");
    await expect(page).toHaveURL(/\/billing\/invoices$/);
    await expect(page.getByRole("heading", { name: "Invoices", exact: true })).toBeVisible();
  });

  test("a wrong password is refused with the server's message", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("finance@folio.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText("Incorrect email or password.");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("unknown addresses get the not-found page", async ({ page }) => {
    await page.goto("/definitely/not/here");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });
});
