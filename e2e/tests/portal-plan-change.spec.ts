import { seriousAxeViolations } from "../support/axe.ts";
import type Stripe from "stripe";
import { expect, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";
import { saveScreenshots } from "../support/screenshots.ts";
import { advanceTestClock, signUpCustomer, waitForRow } from "../support/portal-customer.ts";
import { emulatorStripe, pollUntil } from "../support/stripe.ts";

// Change plan with a preview: an upgrade is charged now exactly as previewed; a downgrade
// waits for the period end (on the customer's own test clock) and then renews on the new plan.

const DAY = 86_400;
const date = (unix: number) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(new Date(unix * 1000));
const usd = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);

/** A customer on its own test clock with a Visa, subscribed to the demo catalog's `lookupKey`. */
async function subscriberOn(
  server: ServerInfo,
  user: { userId: string; email: string },
  lookupKey: string,
): Promise<{ stripe: Stripe; clock: string; subscription: Stripe.Subscription }> {
  const stripe = emulatorStripe(server);
  const clock = await stripe.testHelpers.testClocks.create({
    frozen_time: Math.floor(Date.now() / 1000),
  });
  const customer = await stripe.customers.create({
    email: user.email,
    test_clock: clock.id,
    metadata: { folio_user_id: user.userId },
  });
  await waitForRow(
    server,
    "select 1 as linked from billing_customers where user_id = ? and stripe_customer_id = ?",
    [user.userId, customer.id],
    `the link of ${customer.id}`,
  );
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: (await priceOf(stripe, lookupKey)).id }],
  });
  await waitForRow(
    server,
    "select status from stripe_subscriptions where id = ?",
    [subscription.id],
    `subscription ${subscription.id}`,
  );
  return { stripe, clock: clock.id, subscription };
}

async function priceOf(stripe: Stripe, lookupKey: string): Promise<Stripe.Price> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!;
}

test.describe("portal: change plan", () => {
  test("upgrade: the preview is what the invoice charges", async ({ page, server }) => {
    const user = await signUpCustomer(page, server, "upgrade");
    const { stripe, clock, subscription } = await subscriberOn(server, user, "quire_plus_monthly");
    // Ten days into the month, so part of it is credited and part charged.
    await advanceTestClock(stripe, clock, 10 * DAY);

    await page.goto("/billing");
    await page.getByRole("link", { name: "Change plan" }).first().click();
    await expect(page).toHaveURL(/\/billing\/plan$/);
    await expect(page.getByRole("heading", { name: "Change plan" })).toBeVisible();
    await expect(page.getByText("Your current plan")).toBeVisible();
    await expect(page.getByRole("radio", { name: /Quire Plus/ })).toBeChecked();

    // Keyboard: the plans are one radio group.
    await page.getByRole("radio", { name: /Quire Plus/ }).focus();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("radio", { name: /Quire Pro/ })).toBeChecked();
    const preview = page.getByTestId("plan-preview");
    await expect(page.getByTestId("plan-change-effect")).toContainText("Applies now.");
    await expect(preview.getByText("Credit for unused time")).toBeVisible();
    const dueNow = (await preview.getByText("Due now").locator("..").locator("dd").textContent())!;
    await saveScreenshots(page, "plan-upgrade-preview");
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: `Upgrade now for ${dueNow}` }).click();
    const dialog = page.getByRole("dialog", { name: "Switch to Quire Pro now?" });
    await expect(dialog.getByTestId("confirm-amount")).toHaveText(dueNow);
    await saveScreenshots(page, "plan-upgrade-confirm");
    // A double click on the confirm button: one change, one charge.
    await dialog.getByRole("button", { name: `Pay ${dueNow} and switch` }).dblclick();
    await expect(page.getByText(`You're now on Quire Pro. We charged ${dueNow}.`)).toBeVisible();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("radio", { name: /Quire Pro.*Current plan/ })).toBeChecked();

    const invoices = (await stripe.invoices.list({ subscription: subscription.id })).data.filter(
      (i) => i.billing_reason === "subscription_update",
    );
    expect(invoices).toHaveLength(1);
    expect(usd(invoices[0]!.amount_paid)).toBe(dueNow);
    await saveScreenshots(page, "plan-upgrade-done");
  });

  test("downgrade: changes on the period end, then renews on the new plan", async ({
    page,
    server,
  }) => {
    const user = await signUpCustomer(page, server, "downgrade");
    const { stripe, clock, subscription } = await subscriberOn(server, user, "quire_pro_monthly");
    const periodEnd = subscription.items.data[0]!.current_period_end;
    const plus = await priceOf(stripe, "quire_plus_monthly");

    await page.goto("/billing/plan");
    await page.getByRole("radio", { name: /Quire Plus/ }).check();
    await expect(page.getByTestId("plan-change-effect")).toContainText(
      `Changes on ${date(periodEnd)}.`,
    );
    await expect(page.getByTestId("plan-preview").getByText("Due now")).toBeVisible();
    await saveScreenshots(page, "plan-downgrade-preview");
    await page.getByRole("button", { name: `Schedule change for ${date(periodEnd)}` }).click();
    const dialog = page.getByRole("dialog", {
      name: `Switch to Quire Plus on ${date(periodEnd)}?`,
    });
    await expect(dialog.getByTestId("confirm-amount")).toHaveText(usd(plus.unit_amount!));
    await dialog.getByRole("button", { name: "Schedule change" }).click();
    await expect(dialog).toBeHidden();
    const pending = page.getByTestId("pending-change");
    await expect(pending.getByText(`Changes to Quire Plus on ${date(periodEnd)}`)).toBeVisible();
    await saveScreenshots(page, "plan-downgrade-scheduled");

    // The customer's own clock to the end of the period.
    const now = (await stripe.testHelpers.testClocks.retrieve(clock)).frozen_time;
    await advanceTestClock(stripe, clock, periodEnd - now + 3600);
    const renewal = await pollUntil(
      async () =>
        (await stripe.invoices.list({ subscription: subscription.id })).data.find(
          (i) => i.billing_reason === "subscription_cycle" && i.status === "paid",
        ),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(renewal?.value.total).toBe(plus.unit_amount);
    await waitForRow(
      server,
      "select 1 as ok from stripe_subscription_items where subscription_id = ? and price_id = ? and deleted_at is null",
      [subscription.id, plus.id],
      "the subscription on Quire Plus",
    );
    await page.reload();
    await expect(page.getByRole("radio", { name: /Quire Plus.*Current plan/ })).toBeChecked();
    await expect(page.getByTestId("pending-change")).toBeHidden();
    await saveScreenshots(page, "plan-downgrade-applied");
  });

  test("a scheduled change can be cancelled", async ({ page, server }) => {
    const user = await signUpCustomer(page, server, "undo");
    // Nothing to change yet: the page sends the customer to the plans.
    await page.goto("/billing/plan");
    await expect(
      page.getByRole("heading", { name: "You don't have a plan to change" }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "See plans and pricing" })).toHaveAttribute(
      "href",
      "/pricing",
    );
    await saveScreenshots(page, "plan-empty");

    const { stripe, subscription } = await subscriberOn(server, user, "quire_pro_monthly");
    await page.reload();
    await page.getByRole("radio", { name: /Quire Plus/ }).check();
    await page.getByRole("button", { name: /^Schedule change for/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Schedule change" }).click();
    await page.getByRole("button", { name: "Cancel scheduled change" }).click();
    await expect(page.getByText("The scheduled change is cancelled.")).toBeVisible();
    await expect(page.getByTestId("pending-change")).toBeHidden();
    expect((await stripe.subscriptions.retrieve(subscription.id)).schedule).toBeNull();
  });
});
