import { expect, openDatabase, signIn, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshots } from "../support/screenshots.ts";

test.describe("billing overview", () => {
  test("the demo customer sees their synced plan with its status and price", async ({
    page,
    server,
  }) => {
    // The demo subscription is created in the emulator at start-up and reaches the store through
    // webhooks; wait for the mirror row so the page shows what Stripe holds.
    const db = openDatabase(server);
    const row = () =>
      db
        .prepare(
          `select s.status from stripe_subscriptions s
             join billing_customers b on b.stripe_customer_id = s.customer_id
             join users u on u.id = b.user_id
           where u.email = ? and s.deleted_at is null`,
        )
        .get("customer@folio.test") as { status: string } | undefined;
    await expect.poll(() => row()?.status, { timeout: 15_000 }).toBeTruthy();
    const status = row()!.status;
    db.close();

    await signIn(page, "customer@folio.test");
    const plan = page.getByRole("region", { name: "Quire Pro" });
    await expect(plan.getByRole("heading", { name: "Quire Pro" })).toBeVisible();
    await expect(
      plan.getByText(status === "trialing" ? "Free trial" : "Active", { exact: true }),
    ).toBeVisible();
    await expect(plan.getByText("$14.00 / month", { exact: true })).toBeVisible();
    await expect(plan.getByText("$4.00 / month × 2 seats")).toBeVisible();
    // The next charge comes from Stripe's upcoming invoice preview: plan plus two seats (less
    // the demo customer's goodwill credit, when there is some left).
    await expect(plan.getByText(/^\$22\.00 (on |less your account credit)/)).toBeVisible();
    await expect(page.getByText("Choose a plan")).toHaveCount(0);
    await expect(page.getByRole("status")).toHaveCount(0);
    await saveScreenshots(page, "overview-demo-customer");
  });

  test("a customer who just signed up sees the empty state", async ({ page }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Fresh Customer");
    await page.getByLabel("Email").fill(uniqueEmail("fresh"));
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByRole("heading", { name: "Choose a plan" })).toBeVisible();
    await expect(page.getByRole("status", { name: "Loading your billing" })).toHaveCount(0);
  });
});
