import { expect, test, uniqueEmail } from "../support/fixtures.ts";

test.describe("sign up", () => {
  test("a new customer signs up and lands in the billing area", async ({ page }) => {
    const email = uniqueEmail("new-customer");
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Nina Newcomer");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByRole("heading", { name: "Hi Nina" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Billing" })).toBeVisible();

    // The session survives a reload: it lives in the cookie, not in page state.
    await page.reload();
    await expect(page).toHaveURL(/\/billing$/);
    await page.getByRole("button", { name: /Account menu/ }).click();
    await expect(page.getByRole("menu")).toContainText(email);
  });

  test("a short password is refused with the rule, before anything is created", async ({
    page,
  }) => {
    await page.goto("/sign-up");
    await expect(page.getByText("At least 10 characters.")).toBeVisible();
    await page.getByLabel("Name").fill("Shorty");
    await page.getByLabel("Email").fill(uniqueEmail("short"));
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByText("Use at least 10 characters for your password.")).toBeVisible();
    await expect(page).toHaveURL(/\/sign-up/);
  });

  test("an email that already has an account gets the server's message on the field", async ({
    page,
  }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Copy Cat");
    await page.getByLabel("Email").fill("customer@folio.test");
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByText(/already exists/)).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/sign-up/);
  });
});
