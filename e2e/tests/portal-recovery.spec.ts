import { seriousAxeViolations } from "../support/axe.ts";
import { saveScreenshots } from "../support/screenshots.ts";
import { expect, test } from "../support/fixtures.ts";
import {
  advanceTestClock,
  signUpCustomer,
  subscribedCustomer,
  waitForRow,
} from "../support/portal-customer.ts";

const DAY = 24 * 60 * 60;

test.describe("portal: failed payment recovery", () => {
  test("4000000000000341 + clock → past_due banner → update card → pay → active", async ({
    page,
    server,
  }) => {
    const user = await signUpCustomer(page, server, "recovery");
    // Attaches fine, fails every charge: the first charge after the trial fails.
    const { stripe, testClockId, subscription } = await subscribedCustomer(server, user, {
      card: "pm_card_chargeCustomerFail",
      trialDays: 1,
      testClock: true,
    });
    await advanceTestClock(stripe, testClockId!, 2 * DAY);
    await waitForRow(
      server,
      `select 1 as ok from stripe_subscriptions s join stripe_invoices i on i.subscription_id = s.id
        where s.id = ? and s.status = 'past_due' and i.status = 'open'`,
      [subscription.id],
      "the past_due subscription and its open invoice",
    );

    await page.goto("/billing");
    const banner = page.getByRole("region", { name: "Your last payment failed: $14.00 is due" });
    await expect(banner).toBeVisible();
    const plan = page.getByRole("region", { name: "Quire Pro" });
    await expect(plan.getByText("Payment failed", { exact: true })).toBeVisible();
    await saveScreenshots(page, "overview-past-due");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Paying with the failing card again: declined, with what to do.
    await banner.getByRole("button", { name: "Pay $14.00 now" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Pay $14.00" }).click();
    await expect(banner.getByRole("alert")).toContainText("declined");
    await saveScreenshots(page, "overview-declined");

    // A new card through Checkout in setup mode; back on Folio it becomes the default.
    await banner.getByRole("button", { name: "Update card" }).click();
    await page.waitForURL((url) => url.origin !== new URL(server.baseURL).origin);
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiration (MM / YY)").fill("12 / 34");
    await page.getByLabel("CVC").fill("123");
    await page.getByLabel("Cardholder name").fill("Recovery Customer");
    await page.locator("form button[type=submit]").last().click();
    await page.waitForURL(/\/billing$/);
    await expect(page.getByText("Visa ending in 4242")).toBeVisible();
    await expect(banner).toBeVisible();

    await banner.getByRole("button", { name: "Pay $14.00 now" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Pay $14.00" }).click();
    await expect(banner).toBeHidden();
    await expect(plan.getByText("Active", { exact: true })).toBeVisible();
    await saveScreenshots(page, "overview-recovered");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});

test.describe("portal: a payment the bank wants to verify", () => {
  test("3-D Secure card → pay now → verify on the hosted invoice page", async ({
    page,
    server,
  }) => {
    const user = await signUpCustomer(page, server, "verify");
    const { stripe, testClockId, subscription } = await subscribedCustomer(server, user, {
      card: "pm_card_authenticationRequired",
      trialDays: 1,
      testClock: true,
    });
    await advanceTestClock(stripe, testClockId!, 2 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
    await waitForRow(
      server,
      "select 1 as ok from stripe_subscriptions where id = ? and status = 'past_due'",
      [subscription.id],
      "the past_due subscription",
    );

    await page.goto("/billing");
    const banner = page.getByRole("region", { name: "Your last payment failed: $14.00 is due" });
    await banner.getByRole("button", { name: "Pay $14.00 now" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Pay $14.00" }).click();
    await expect(banner.getByRole("alert")).toContainText("Your bank wants you to confirm");
    const link = banner.getByRole("link", { name: /Complete the verification/ });
    await expect(link).toHaveAttribute("href", /^https?:\/\//);
    await saveScreenshots(page, "overview-verify");
  });
});
