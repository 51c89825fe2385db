import { expect, signIn, test } from "../support/fixtures.ts";

// A list's filters and page size, the staff list's role control and the phone's section menu
// are plain buttons until first wanted; their Radix code loads then (components/deferred-popup).
// These check that each still opens, by mouse and by keyboard, and does what it says.

test("a list's filter and page size open, choose, and keep the choice in the URL", async ({
  page,
}) => {
  await signIn(page, "admin@folio.test");
  await page.goto("/admin/orders");

  const payment = page.getByRole("combobox", { name: "Payment" });
  await expect(payment).toHaveText("Any payment");
  await payment.click();
  await page.getByRole("option", { name: "Paid", exact: true }).click();
  await expect(page).toHaveURL(/paymentState=paid/);
  await expect(payment).toHaveText("Paid");
  await expect(page.getByRole("option")).toHaveCount(0);

  // By keyboard: an arrow key opens the list on the selected option, Enter chooses, and focus
  // comes back to the control.
  const fulfilment = page.getByRole("combobox", { name: "Fulfilment" });
  await fulfilment.focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("option", { name: "Any fulfilment" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/fulfilmentState=/);
  await expect(fulfilment).not.toHaveText("Any fulfilment");
  await expect(fulfilment).toBeFocused();

  const size = page.getByRole("combobox", { name: "Rows per page" });
  await size.click();
  await page.getByRole("option", { name: "10", exact: true }).click();
  await expect(page).toHaveURL(/size=10/);
  await expect(size).toHaveText("10");
});

test("an admin's role control asks before changing a colleague's role", async ({ page }) => {
  await signIn(page, "admin@folio.test");
  await page.goto("/admin/staff");
  const role = page.getByRole("combobox", { name: /^Role of / }).first();
  const before = await role.textContent();
  await role.click();
  await page
    .getByRole("option")
    .filter({ hasNotText: before ?? "" })
    .first()
    .click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(/^Make .+\?/);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(role).toHaveText(before ?? "");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the console's sections open from the menu button and take you there", async ({ page }) => {
    await signIn(page, "admin@folio.test");
    await page.goto("/admin");
    await page.getByRole("button", { name: "Open navigation" }).click();
    const sheet = page.getByRole("dialog", { name: "Admin navigation" });
    await sheet.getByRole("link", { name: "Orders" }).click();
    await expect(page).toHaveURL(/\/admin\/orders$/);
    await expect(sheet).toBeHidden();
    // A second time, with its code already here.
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect(sheet.getByRole("link", { name: "Orders" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(sheet).toBeHidden();
  });
});
