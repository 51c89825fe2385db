import { expect, openDatabase, signIn, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";

// The demo customer's real history: their subscription's invoice, the goodwill credit and the
// shipped-goods order made at start-up through the embedded emulator (see apps/server/src/demo*.ts),
// each reaching the store by webhook before the pages can show it.

const DEMO = "customer@folio.test";

async function waitForDemo(server: ServerInfo, what: string, sql: string) {
  const db = openDatabase(server);
  try {
    await expect
      .poll(() => (db.prepare(sql).get(DEMO) as { n: number }).n, {
        timeout: 20_000,
        message: what,
      })
      .toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

const OWN_CUSTOMER = `(select b.stripe_customer_id from billing_customers b
  join users u on u.id = b.user_id where u.email = ?)`;

test.describe("portal history", () => {
  test("the demo customer sees their real invoices, and the PDF and invoice page open", async ({
    page,
    server,
  }) => {
    await waitForDemo(
      server,
      "a paid invoice in the store",
      `select count(*) as n from stripe_invoices where customer_id = ${OWN_CUSTOMER} and status = 'paid'`,
    );
    await signIn(page, DEMO);
    await page
      .getByRole("navigation", { name: "Billing" })
      .getByRole("link", { name: "Invoices" })
      .click();
    await expect(page).toHaveURL(/\/billing\/invoices$/);

    const table = page.getByRole("table", { name: "Invoices" });
    const paid = table.getByRole("row").filter({ hasText: "Paid" }).first();
    await expect(paid).toBeVisible();
    // The demo plan may start with a trial ($0.00 invoice) or be charged at once.
    await expect(paid.getByText(/^\$\d+\.\d\d$/).first()).toBeVisible();
    const number = (await paid.getByRole("cell").nth(1).innerText()).trim();
    expect(number).toMatch(/^[A-Z0-9]+-\d{4}$/);

    const pdfHref = await paid.getByRole("link", { name: /^PDF/ }).getAttribute("href");
    expect(pdfHref).toBeTruthy();
    const pdf = await page.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toContain("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");

    // The hosted invoice page opens in a new tab.
    const popup = page.waitForEvent("popup");
    await paid.getByRole("link", { name: /^View/ }).click();
    const hosted = await popup;
    await expect(hosted.getByText(number).first()).toBeVisible();
    await hosted.close();
  });

  test("the demo customer's credit page shows the balance and where the credit came from", async ({
    page,
    server,
  }) => {
    await waitForDemo(
      server,
      "the goodwill credit in the ledger",
      `select count(*) as n from credit_ledger where stripe_customer_id = ${OWN_CUSTOMER}`,
    );
    await signIn(page, DEMO);
    await page.goto("/billing/credit");
    await expect(page.getByRole("heading", { name: "Credit available" })).toBeVisible();
    const ledger = page.getByRole("table", { name: "Credit history" });
    const grant = ledger.getByRole("row").filter({ hasText: "Goodwill credit" });
    await expect(grant.getByText("Credit from our team")).toBeVisible();
    await expect(grant.getByText("+$15.00")).toBeVisible();
  });

  test("the demo customer's orders page shows the order, its items, payment and shipment", async ({
    page,
    server,
  }) => {
    await waitForDemo(
      server,
      "the demo order",
      `select count(*) as n from orders o join users u on u.id = o.user_id where u.email = ?`,
    );
    await signIn(page, DEMO);
    await page.goto("/billing/orders");
    const order = page.getByRole("article").filter({ hasText: "2027 Hardcover Journal" });
    await expect(order).toBeVisible();
    await expect(order.getByText("Archival Fineliner Set")).toBeVisible();
    await expect(order.getByText("Paid", { exact: true })).toBeVisible();
    await expect(order.getByText("Awaiting shipment")).toBeVisible();
    await expect(order.getByText("1 Paper Lane")).toBeVisible();
    await expect(order.getByText("$63.00")).toBeVisible();
  });

  test("a new customer sees empty invoices, credit and orders, with a way to the shop", async ({
    page,
  }) => {
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Empty History");
    await page.getByLabel("Email").fill(`history-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/billing$/);

    await page.goto("/billing/invoices");
    await expect(page.getByRole("heading", { name: "No invoices yet" })).toBeVisible();
    await page.goto("/billing/credit");
    await expect(page.getByRole("heading", { name: "No credit history yet" })).toBeVisible();
    await page.goto("/billing/orders");
    await expect(page.getByRole("heading", { name: "No orders yet" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Visit the shop" })).toHaveAttribute(
      "href",
      "/billing/shop",
    );
  });
});
