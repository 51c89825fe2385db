import { expect, openDatabase, signIn, test } from "../support/fixtures.ts";

// The orders list's rows are plain anchors the page routes itself (components/data-table/
// row-links.tsx): a click opens the order inside the app, without loading a new document.

test("an order row opens the order in the app, without a page load", async ({ page, server }) => {
  await signIn(page, "support@folio.test");
  const db = openDatabase(server);
  const order = db.prepare("select id from orders order by placed_at desc limit 1").get() as {
    id: string;
  };
  db.close();
  await page.goto("/admin/orders");
  const link = page.getByRole("link", { name: order.id });
  await expect(link).toHaveAttribute("href", `/admin/orders/${order.id}`);
  // Survives an in-app navigation, not a document load.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/admin/orders/${order.id}$`));
  await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
});
