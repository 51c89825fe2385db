import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { completeSignUp, fillHostedCard } from "../support/checkout.ts";
import {
  callProcedure,
  expect,
  openDatabase,
  signIn,
  test,
  uniqueEmail,
} from "../support/fixtures.ts";
import { waitForRow } from "../support/portal-customer.ts";
import { saveScreenshots } from "../support/screenshots.ts";
import type { ServerInfo } from "../support/server-info.ts";
import { emulatorStripe } from "../support/stripe.ts";

// Issue 9, refunds and credit: support refunds part of an order; a refund above support's limit
// waits for finance, and the requester cannot approve it; admin grants credit that the customer
// sees and their next invoice uses. Each test makes its own customer and order (the e2e server
// is shared), and the support limit stays at its default ($100.00).

/** A new customer who bought six template packs ($114.00, nothing to ship) in the shop. */
async function customerWithOrder(page: Page, server: ServerInfo, label: string) {
  const email = uniqueEmail(label);
  await page.goto("/sign-up?redirect=/billing/shop");
  await completeSignUp(page, "Riley Refund", email);
  const pack = page.getByRole("group", { name: "Quarterly Review Template Pack" });
  for (let i = 1; i < 6; i++) await pack.getByRole("button", { name: "More (Quantity)" }).click();
  await pack.getByRole("button", { name: /^Buy for \$114\.00/ }).click();
  await fillHostedCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay $114.00" }).click();
  await expect(page).toHaveURL(/\/billing\/orders/);
  const order = await waitForRow<{ id: string }>(
    server,
    "select o.id from orders o join users u on u.id = o.user_id where u.email = ?",
    [email],
    `the order of ${email}`,
  );
  await page.context().clearCookies();
  return { email, orderId: order.id };
}

async function openRefundDialog(page: Page, orderId: string) {
  await page.goto(`/admin/orders/${orderId}`);
  await page.getByRole("button", { name: "Refund" }).click();
  const dialog = page.getByRole("dialog", { name: "Refund order" });
  await expect(dialog.getByText(/can still be refunded/)).toBeVisible();
  return dialog;
}

test.describe("admin refunds", () => {
  // Each test signs up and pays in the hosted checkout before the part it is about.
  test.describe.configure({ timeout: 240_000 });

  test("support refunds part of an order → partially refunded", async ({ page, server }) => {
    const { orderId } = await customerWithOrder(page, server, "partial-refund");
    await signIn(page, "support@folio.test");
    const dialog = await openRefundDialog(page, orderId);
    await expect(dialog.getByLabel("Amount (USD)")).toHaveValue("114.00");
    await dialog.getByLabel("Amount (USD)").fill("19.00");
    await dialog.getByLabel("Internal note").fill("One pack was a duplicate");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-refund-dialog");
    await dialog.getByRole("button", { name: "Refund $19.00 to the card" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("Refunded $19.00.")).toBeVisible();

    // Stripe's webhooks confirm it: the order's payment reads partially refunded.
    await expect(page.getByRole("main")).toContainText("Partially refunded", { timeout: 20_000 });
    const db = openDatabase(server);
    const row = db
      .prepare(
        "select status, amount, stripe_refund_id as stripeRefundId from refunds where order_id = ?",
      )
      .get(orderId) as { status: string; amount: number; stripeRefundId: string };
    db.close();
    expect(row).toMatchObject({ status: "succeeded", amount: 1900 });
    const refund = await emulatorStripe(server).refunds.retrieve(row.stripeRefundId);
    expect(refund).toMatchObject({ amount: 1900, status: "succeeded" });
  });

  test("a refund above support's limit waits for finance, and the requester cannot approve it", async ({
    page,
    server,
  }) => {
    const { orderId } = await customerWithOrder(page, server, "approval-refund");
    await signIn(page, "support@folio.test");
    const dialog = await openRefundDialog(page, orderId);
    await dialog.getByRole("button", { name: "Refund $114.00 to the card" }).click();
    await expect(page.getByText(/sent for approval/)).toBeVisible();
    const db = openDatabase(server);
    const pending = db
      .prepare("select id, status from refunds where order_id = ?")
      .get(orderId) as { id: string; status: string };
    db.close();
    expect(pending.status).toBe("awaiting_approval");

    // The requester cannot decide it: the procedure answers 403 and nothing changes.
    const decide = await callProcedure(page.request, server, "admin.approvals.decide", {
      kind: "refund",
      id: pending.id,
      decision: "approve",
    });
    expect(decide.status()).toBe(403);
    const after = openDatabase(server);
    expect(after.prepare("select status from refunds where id = ?").get(pending.id)).toEqual({
      status: "awaiting_approval",
    });
    after.close();

    // Finance approves it on the Approvals page; Stripe refunds the order in full.
    await page.context().clearCookies();
    await signIn(page, "finance@folio.test");
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Approvals" })
      .click();
    const card = page.getByRole("article", { name: "Refund $114.00 to the card" }).filter({
      hasText: orderId,
    });
    await expect(card).toContainText("Asked by");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-approvals");
    await card.getByRole("button", { name: /^Approve/ }).click();
    await expect(page.getByText(/Approved: refund \$114\.00 to the card/)).toBeVisible();
    await expect(card).toBeHidden();
    await page.goto(`/admin/orders/${orderId}`);
    await expect(page.getByRole("main")).toContainText("Refunded", { timeout: 20_000 });
    await expect(page.getByRole("button", { name: "Refund" })).toBeHidden();

    // Finance's refunds list shows who asked and who approved.
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Refunds" })
      .click();
    // The order page (two tables) stays up until the refunds route has loaded.
    await expect(page.getByRole("heading", { level: 1, name: "Refunds" })).toBeVisible();
    const table = page.getByRole("table");
    await expect(table).toContainText("$114.00");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-refunds-list");
    await page.goto(`/admin/refunds?orderId=${orderId}`);
    await expect(table.locator("tbody tr")).toHaveCount(1);
    await expect(table).toContainText(/approved by Finn Finance/);
  });

  test("admin grants credit → the customer's portal shows it and the next invoice uses it", async ({
    page,
    server,
  }) => {
    const email = uniqueEmail("credit-grant");
    await page.goto("/sign-up");
    await completeSignUp(page, "Casey Credit", email);
    const user = await waitForRow<{ id: string }>(
      server,
      "select id from users where email = ?",
      [email],
      email,
    );
    // Their Stripe customer, linked to Folio (what a first checkout creates).
    const stripe = emulatorStripe(server);
    const customer = await stripe.customers.create({
      email,
      metadata: { folio_user_id: user.id },
    });
    await waitForRow(
      server,
      "select 1 as linked from billing_customers where user_id = ?",
      [user.id],
      `the link of ${email}`,
      60_000,
    );
    await page.context().clearCookies();

    await signIn(page, "admin@folio.test");
    await page.goto(`/admin/customers/${user.id}`);
    await page.getByRole("button", { name: "Grant credit" }).click();
    const dialog = page.getByRole("dialog", { name: "Grant or take back credit" });
    await dialog.getByLabel("Amount").fill("7.50");
    await dialog.getByLabel("Reason").fill("Sorry for the late delivery");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-grant-credit");
    await dialog.getByRole("button", { name: "Grant $7.50" }).click();
    await expect(page.getByText("Granted $7.50 of credit.")).toBeVisible();

    await page.context().clearCookies();
    await signIn(page, email, "a-long-enough-password");
    await page.goto("/billing/credit");
    await expect(page.getByRole("main")).toContainText("$7.50");
    await expect(page.getByRole("main")).toContainText("Sorry for the late delivery");

    // The next invoice Stripe makes for them is reduced by the credit.
    const draft = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 2000,
      currency: "usd",
    });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    expect(invoice.amount_due).toBe(1250);
  });
});
