import { seriousAxeViolations } from "../support/axe.ts";
import { completeSignUp, fillHostedCard, fillHostedShipping } from "../support/checkout.ts";
import { expect, openDatabase, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshot } from "../support/screenshots.ts";
import type { ServerInfo } from "../support/server-info.ts";

// Issue 8, item 9 (buying): a customer buys a shipped product in the emulator's hosted checkout,
// enters an address, and finds the order awaiting shipment as soon as they are back.

function ordersOf(server: ServerInfo, email: string) {
  const db = openDatabase(server);
  try {
    return db
      .prepare(
        `select o.id, o.amount_total as amountTotal, o.requires_shipping as requiresShipping,
                o.shipping_city as shippingCity, o.payment_state as paymentState, t.status as task
           from orders o join users u on u.id = o.user_id
           left join shipping_tasks t on t.order_id = o.id
          where u.email = ?`,
      )
      .all(email) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

test.describe("shop", () => {
  test("buy a shipped product with an address → order awaiting shipment", async ({
    page,
    server,
  }) => {
    const email = uniqueEmail("shopper");
    await page.goto("/sign-up?redirect=/billing/shop");
    await completeSignUp(page, "Sasha Shopper", email);
    await expect(page).toHaveURL(/\/billing\/shop$/);
    await expect(page.getByRole("heading", { name: "Paper goods" })).toBeVisible();
    await saveScreenshot(page, "shop-desktop");
    expect(await seriousAxeViolations(page)).toEqual([]);

    const notebook = page.getByRole("group", { name: "A5 Dot-Grid Notebook" });
    await expect(notebook.getByText("Ships to you")).toBeVisible();
    await notebook.getByRole("button", { name: "More (Quantity)" }).click();
    await notebook
      .getByRole("button", { name: "Buy for $48.00: 2 × A5 Dot-Grid Notebook" })
      .click();

    await expect(page.getByRole("heading", { name: "Your order" })).toBeVisible();
    await expect(page.getByTestId("total-due")).toHaveText("$48.00");
    await fillHostedShipping(page);
    await fillHostedCard(page, "4242 4242 4242 4242");
    await page.getByRole("button", { name: "Pay $48.00" }).click();

    await expect(page).toHaveURL(/\/billing\/orders/);
    await expect(page.getByText(/Order placed: \$48\.00 paid/)).toBeVisible();
    expect(ordersOf(server, email)).toEqual([
      expect.objectContaining({
        amountTotal: 4800,
        requiresShipping: 1,
        shippingCity: "Portland",
        paymentState: "paid",
        task: "pending",
      }),
    ]);
    await expect(page.getByRole("main")).toContainText("Awaiting shipment");
    await saveScreenshot(page, "shop-orders-after");

    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto("/billing/shop");
    await expect(page.getByRole("heading", { name: "Paper goods" })).toBeVisible();
    await saveScreenshot(page, "shop-375");
    expect(await seriousAxeViolations(page)).toEqual([]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
  });

  test("the return page says it is confirming while the server has not answered", async ({
    page,
  }) => {
    await page.goto("/sign-up?redirect=/billing/shop");
    await completeSignUp(page, "Pat Patient", uniqueEmail("patient"));
    // Hold the confirmation back to see (and photograph) the waiting state.
    await page.route("**/api/trpc/portal.checkout.confirm**", async (route) => {
      await new Promise((r) => setTimeout(r, 3000));
      await route.continue();
    });
    await page.goto("/billing/checkout/return?session_id=cs_test_unknown");
    // (The route's own loading skeleton is a status too, until the page renders.)
    await expect(
      page.getByRole("status").filter({ hasText: "Confirming your payment…" }),
    ).toBeVisible();
    await saveScreenshot(page, "checkout-return-confirming");
    await expect(page.getByText("We could not confirm this checkout")).toBeVisible({
      timeout: 10_000,
    });
    await expect(page.getByText(/We could not find this checkout/)).toBeVisible();
  });
});
