import { seriousAxeViolations } from "../support/axe.ts";
import { saveScreenshots } from "../support/screenshots.ts";
import { expect, openDatabase, test } from "../support/fixtures.ts";
import { signUpCustomer, subscribedCustomer, waitForRow } from "../support/portal-customer.ts";

test.describe("portal: cancel and resume", () => {
  test("cancel with a reason → cancels on … → resume", async ({ page, server }) => {
    const user = await signUpCustomer(page, server, "manage");
    await saveScreenshots(page, "overview-empty");
    await expect(page.getByRole("heading", { name: "Choose a plan" })).toBeVisible();
    await expect(page.getByRole("link", { name: "See plans and pricing" })).toHaveAttribute(
      "href",
      "/pricing",
    );

    const { subscription } = await subscribedCustomer(server, user, {
      card: "pm_card_visa",
      trialDays: 14,
    });
    const periodEnd = new Date(subscription.items.data[0]!.current_period_end * 1000);
    const endsOn = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(periodEnd);

    await page.reload();
    const plan = page.getByRole("region", { name: "Quire Pro" });
    await expect(plan.getByText("Free trial", { exact: true })).toBeVisible();
    await expect(plan.getByText("14 days left")).toBeVisible();
    await expect(plan.getByText(`$14.00 on ${endsOn}`)).toBeVisible();
    await expect(page.getByText("Visa ending in 4242")).toBeVisible();
    await saveScreenshots(page, "overview-trialing");
    // The page body (the shell's account menu is checked by the a11y suite).
    expect(await seriousAxeViolations(page)).toEqual([]);

    await plan.getByRole("button", { name: "Cancel subscription" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel your Quire Pro plan?" });
    await expect(dialog.getByText(`You keep full access until ${endsOn}`)).toBeVisible();
    // The reason is required.
    await dialog.getByRole("button", { name: `Cancel on ${endsOn}` }).click();
    await expect(dialog.getByText("Choose the reason that fits best.")).toBeVisible();
    await dialog.getByLabel("It's too expensive").check();
    await dialog.getByLabel(/Anything else/).fill("Over budget this quarter");
    await saveScreenshots(page, "cancel-dialog");
    await dialog.getByRole("button", { name: `Cancel on ${endsOn}` }).click();
    await expect(dialog).toBeHidden();

    await expect(plan.getByText("Canceling", { exact: true })).toBeVisible();
    await expect(plan.getByText("Cancels on")).toBeVisible();
    await expect(plan.getByText(endsOn, { exact: true })).toBeVisible();
    await saveScreenshots(page, "overview-canceling");
    expect(await seriousAxeViolations(page)).toEqual([]);

    const db = openDatabase(server);
    expect(
      db
        .prepare(
          "select cancel_at_period_end as c, cancellation_feedback as f, cancellation_comment as m from stripe_subscriptions where id = ?",
        )
        .get(subscription.id),
    ).toEqual({ c: 1, f: "too_expensive", m: "Over budget this quarter" });
    db.close();

    await plan.getByRole("button", { name: "Resume subscription" }).click();
    await expect(plan.getByText("Free trial", { exact: true })).toBeVisible();
    await expect(plan.getByText(`$14.00 on ${endsOn}`)).toBeVisible();
    await expect(plan.getByRole("button", { name: "Cancel subscription" })).toBeVisible();
  });
});

test.describe("portal: a scheduled downgrade on the overview", () => {
  test("shows changes to … on …, links to the plan page and holds cancel until it is undone", async ({
    page,
    server,
  }) => {
    const user = await signUpCustomer(page, server, "downgrade");
    const { stripe, subscription } = await subscribedCustomer(server, user, {
      card: "pm_card_visa",
    });
    // The pending change as the plan page makes it: a schedule whose next phase is Plus.
    const { data } = await stripe.prices.list({ lookup_keys: ["quire_plus_monthly"] });
    const schedule = await stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });
    const current = schedule.phases[0]!;
    await stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        {
          items: current.items.map((i) => ({
            price: typeof i.price === "string" ? i.price : i.price.id,
            quantity: i.quantity ?? 1,
          })),
          start_date: current.start_date,
          end_date: current.end_date,
        },
        { items: [{ price: data[0]!.id, quantity: 1 }] },
      ],
    });
    await waitForRow(
      server,
      "select 1 as ok from stripe_subscriptions where id = ? and json_extract(raw, '$.schedule') is not null",
      [subscription.id],
      "the subscription's schedule",
    );
    const changesOn = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(
      new Date(current.end_date * 1000),
    );

    await page.goto("/billing");
    const plan = page.getByRole("region", { name: "Quire Pro" });
    await expect(
      plan.getByText(`Changes to Quire Plus ($6.00 / month) on ${changesOn}`),
    ).toBeVisible();
    await expect(plan.getByRole("link", { name: "Review" })).toHaveAttribute(
      "href",
      "/billing/plan",
    );
    await saveScreenshots(page, "overview-scheduled-change");

    // One change at a time: the schedule would undo a cancellation, so cancel waits for it.
    await expect(plan.getByRole("button", { name: "Cancel subscription" })).toHaveCount(0);
    await expect(plan.getByText("To cancel, first undo the scheduled change")).toBeVisible();
  });
});
