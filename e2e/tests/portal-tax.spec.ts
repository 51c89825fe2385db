import type { Page } from "@playwright/test";
import { completeSignUp, fillHostedCard } from "../support/checkout.ts";
import { expect, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshot } from "../support/screenshots.ts";

// Issue 14, tax end to end: the EUR plans carry a tax behaviour, so Folio's checkout turns on
// Stripe Tax. A German consumer pays 19 % VAT on top; a German business that gives its VAT
// number is reverse charged. Both see it on their invoices in Folio.

async function subscribeInEuros(page: Page, email: string, business?: string) {
  await page.goto("/pricing?currency=eur");
  await page
    .getByRole("group", { name: "Quire Basic" })
    .getByRole("link", { name: "Sign up" })
    .click();
  await completeSignUp(page, "Anna Schmidt", email);
  await expect(page).toHaveURL(/\/pricing/);
  await page.goto("/pricing?currency=eur");
  const basic = page.getByRole("group", { name: "Quire Basic" });
  await expect(basic).toContainText("€3.00");
  await expect(basic).toContainText("Plus tax where it applies");
  await basic.getByRole("button", { name: "Subscribe: Quire Basic" }).click();

  await expect(page.getByRole("heading", { name: "Subscribe to Quire Basic" })).toBeVisible();
  await expect(page.getByTestId("tax-amount")).toHaveText("Calculated from your address");
  await fillHostedCard(page, "4242 4242 4242 4242");
  const billing = page.getByRole("group", { name: "Billing address" });
  await billing.getByLabel("Billing country").selectOption({ label: "Germany" });
  await billing.getByLabel("Billing address line 1").fill("Unter den Linden 1");
  await billing.getByLabel("Billing city").fill("Berlin");
  await billing.getByLabel("Billing postal code").fill("10117");
  if (business) {
    const group = page.getByRole("group", { name: "Purchasing as a business (optional)" });
    await group.getByLabel("Business name").fill(business);
    await group.getByLabel("VAT number").fill("DE123456789");
  }
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByText("You are subscribed to Quire Basic")).toBeVisible();
}

/** The invoice row once the webhook brought the first invoice in (the page is reloaded until then). */
async function expectInvoiceRow(page: Page, texts: string[]) {
  await page.goto("/billing/invoices");
  await expect(async () => {
    await page.reload();
    const row = page.getByRole("table", { name: "Invoices" }).getByRole("row").nth(1);
    for (const text of texts) await expect(row).toContainText(text, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
}

test.describe("tax at checkout", () => {
  test("a German consumer pays 19 % VAT, shown on the invoice", async ({ page }) => {
    await subscribeInEuros(page, uniqueEmail("vat-consumer"));
    await expectInvoiceRow(page, ["€3.57", "incl. €0.57 tax (19 %)"]);
    await saveScreenshot(page, "invoices-vat");
  });

  test("a German business with a VAT number is reverse charged", async ({ page }) => {
    await subscribeInEuros(page, uniqueEmail("vat-business"), "Muster GmbH");
    await expectInvoiceRow(page, ["€3.00", "VAT reverse charged"]);
    await saveScreenshot(page, "invoices-reverse-charge");
  });
});
