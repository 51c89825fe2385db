import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { completeSignUp, fillHostedCard } from "../support/checkout.ts";
import { expect, openDatabase, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshot } from "../support/screenshots.ts";
import type { ServerInfo } from "../support/server-info.ts";
import { pollUntil } from "../support/stripe.ts";

// Issue 8, item 2: a new customer finds the plans, subscribes in the emulator's hosted checkout
// and lands on an overview that already shows the subscription (confirmed by Folio fetching the
// session, not by waiting for the webhook).

/** The user's subscriptions as the store holds them. */
function subscriptionsOf(server: ServerInfo, email: string) {
  const db = openDatabase(server);
  try {
    return db
      .prepare(
        `select s.id, s.status, s.trial_end as trialEnd from stripe_subscriptions s
           join billing_customers b on b.stripe_customer_id = s.customer_id
           join users u on u.id = b.user_id
          where u.email = ? and s.deleted_at is null`,
      )
      .all(email) as { id: string; status: string; trialEnd: number | null }[];
  } finally {
    db.close();
  }
}

/** Signs up from the pricing page's plan card and comes back to the plans, signed in. */
async function signUpFromPricing(page: Page, plan: string, email: string) {
  await page.goto("/pricing");
  await page.getByRole("group", { name: plan }).getByRole("link", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/sign-up\?redirect=/);
  await completeSignUp(page, "Sam Subscriber", email);
  await expect(page).toHaveURL(/\/pricing/);
  await expect(page.getByRole("button", { name: new RegExp(`: ${plan}$`) })).toBeVisible();
}

test.describe("subscribe through Stripe Checkout", () => {
  test("sign up → pricing → subscribe with 4242 → active on the overview", async ({
    page,
    server,
  }) => {
    const email = uniqueEmail("subscriber");
    await signUpFromPricing(page, "Quire Basic", email);
    const basic = page.getByRole("group", { name: "Quire Basic" });
    await expect(basic).toContainText("$3.00");
    await expect(basic.getByTestId("plan-total")).toHaveText("$3.00 today, then every month");
    await basic.getByRole("button", { name: "Subscribe: Quire Basic" }).click();

    await expect(page.getByRole("heading", { name: "Subscribe to Quire Basic" })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await fillHostedCard(page, "4242 4242 4242 4242");
    await page.getByRole("button", { name: "Subscribe" }).click();

    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByText("You are subscribed to Quire Basic")).toBeVisible();
    const main = page.getByRole("main");
    await expect(main).toContainText("Quire Basic");
    await expect(main).toContainText("Active");
    expect(subscriptionsOf(server, email).map((s) => s.status)).toEqual(["active"]);

    // Back on the plans, a subscriber is sent to change plan, not to a second checkout.
    await page.goto("/pricing");
    await expect(page.getByText("You already have a subscription")).toBeVisible();
    await saveScreenshot(page, "pricing-subscriber");
    await expect(
      page.getByRole("group", { name: "Quire Pro" }).getByRole("link", { name: "Change plan" }),
    ).toBeVisible();
    const basic2 = page.getByRole("group", { name: "Quire Basic" });
    await expect(basic2.getByText("Your plan", { exact: true })).toBeVisible();
    await expect(basic2.getByRole("link", { name: "Manage your plan" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Subscribe|Start trial)/ })).toHaveCount(0);
  });

  test("a trial price starts a trial, and the overview says when it ends", async ({
    page,
    server,
  }) => {
    const email = uniqueEmail("trialist");
    await signUpFromPricing(page, "Quire Plus", email);
    await page.getByRole("button", { name: /Annual/ }).click();
    const plus = page.getByRole("group", { name: "Quire Plus" });
    await expect(plus.getByText("14-day free trial")).toBeVisible();
    await expect(plus).toContainText("$60.00");
    await expect(plus).toContainText("Save $12.00 (17%) a year");
    await plus.getByRole("button", { name: "Start trial: Quire Plus" }).click();

    await expect(page.getByTestId("amount-due")).toHaveText("14 days free");
    await fillHostedCard(page, "4242 4242 4242 4242");
    await page.getByRole("button", { name: "Start trial" }).click();

    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByText(/Your trial of Quire Plus has started/)).toBeVisible();
    const [sub] = subscriptionsOf(server, email);
    expect(sub?.status).toBe("trialing");
    const trialEnd = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(
      new Date(sub!.trialEnd!),
    );
    await expect(page.getByRole("main")).toContainText("Free trial");
    await expect(page.getByRole("main")).toContainText(trialEnd);
  });

  test("a declined card leaves no subscription and says what to do", async ({ page, server }) => {
    const email = uniqueEmail("declined");
    await signUpFromPricing(page, "Quire Basic", email);
    await page.getByRole("button", { name: "Subscribe: Quire Basic" }).click();
    await expect(page.getByRole("heading", { name: "Subscribe to Quire Basic" })).toBeVisible();
    const checkoutUrl = page.url();
    const sessionId = /\/(cs_\w+)/.exec(checkoutUrl)?.[1];
    expect(sessionId).toBeTruthy();

    await fillHostedCard(page, "4000 0000 0000 0002");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await expect(page.getByRole("alert")).toContainText(/declined/i);
    expect(subscriptionsOf(server, email)).toEqual([]);

    // Coming back to Folio without paying: the return page says nothing was charged and how to
    // finish; canceling lands on the plans with the same reassurance.
    await page.goto(`/billing/checkout/return?session_id=${sessionId}`);
    await expect(
      page.getByRole("heading", { name: "Your payment was not completed" }),
    ).toBeVisible();
    await expect(page.getByText(/Nothing was charged/)).toBeVisible();
    await saveScreenshot(page, "checkout-return-declined");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Return to checkout" }).click();
    await expect(page.getByRole("heading", { name: "Subscribe to Quire Basic" })).toBeVisible();
    await page.getByRole("link", { name: "Cancel and return" }).click();
    await expect(page).toHaveURL(/\/pricing\?checkout=canceled/);
    await expect(page.getByText("Checkout was canceled and nothing was charged.")).toBeVisible();

    const settled = await pollUntil(
      () => (subscriptionsOf(server, email).length === 0 ? true : undefined),
      { timeoutMs: 1000 },
    );
    expect(settled).not.toBeNull();
  });
});

test.describe("pricing page", () => {
  test("shows both currencies and per-seat add-ons; screenshots", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/pricing");
    await expect(page.getByRole("group", { name: "Quire Pro" })).toContainText("$14.00");
    await saveScreenshot(page, "pricing-desktop");
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "EUR" }).click();
    await expect(page).toHaveURL(/currency=eur/);
    const pro = page.getByRole("group", { name: "Quire Pro" });
    await expect(pro).toContainText("€13.00");
    await pro.getByRole("button", { name: "More (Seats)" }).click();
    await pro.getByRole("button", { name: "More (Seats)" }).click();
    await expect(pro.getByTestId("plan-total")).toContainText("€20.00");
    await saveScreenshot(page, "pricing-desktop-eur");

    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto("/pricing");
    await expect(page.getByRole("group", { name: "Quire Basic" })).toBeVisible();
    await saveScreenshot(page, "pricing-375");
    expect(await seriousAxeViolations(page)).toEqual([]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
  });
});
