import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { expect, openDatabase, signIn, test } from "../support/fixtures.ts";
import type { ServerInfo } from "../support/server-info.ts";

// axe on every admin page, signed in as the demo admin (who may open them all) with the demo
// business's data, at desktop and phone widths: no serious or critical violations. Also the
// states axe cannot reach by loading a URL alone: a webhook event's panel and the user menu open.

/** One demo row's id, read from the server's database (read-only). */
function demoId(server: ServerInfo, sql: string): string {
  const db = openDatabase(server);
  try {
    const row = db.prepare(sql).get() as { id: string } | undefined;
    if (!row) throw new Error(`The demo business has no row for: ${sql}`);
    return row.id;
  } finally {
    db.close();
  }
}

const PAGES: { name: string; path: (server: ServerInfo) => string }[] = [
  { name: "home", path: () => "/admin" },
  { name: "customers", path: () => "/admin/customers" },
  {
    name: "customer page",
    path: (s) =>
      `/admin/customers/${demoId(s, "select id from users where email = 'customer@folio.test'")}`,
  },
  { name: "orders", path: () => "/admin/orders" },
  {
    name: "order page",
    path: (s) =>
      `/admin/orders/${demoId(s, "select id from orders where requires_shipping = 1 order by placed_at desc limit 1")}`,
  },
  { name: "fulfilment", path: () => "/admin/fulfilment" },
  { name: "refunds", path: () => "/admin/refunds" },
  { name: "approvals", path: () => "/admin/approvals" },
  { name: "revenue", path: () => "/admin/revenue" },
  { name: "closed months", path: () => "/admin/revenue?tab=months" },
  { name: "webhooks", path: () => "/admin/webhooks" },
  { name: "staff", path: () => "/admin/staff" },
  { name: "audit log", path: () => "/admin/audit" },
  { name: "settings", path: () => "/admin/settings" },
];

/** Waits until the page shows its data rather than skeletons. */
async function settle(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

for (const viewport of [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
]) {
  test.describe(`admin accessibility (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    for (const { name, path } of PAGES) {
      test(`${name} has no serious or critical axe violations`, async ({ page, server }) => {
        await signIn(page, "admin@folio.test");
        await page.goto(path(server));
        await settle(page);
        expect(await seriousAxeViolations(page)).toEqual([]);
      });
    }

    test("a webhook event's panel scrolls by keyboard and is axe-clean", async ({
      page,
      server,
    }) => {
      const id = demoId(
        server,
        "select id from webhook_events where type = 'invoice.paid' and status = 'applied' order by received_at desc limit 1",
      );
      await signIn(page, "admin@folio.test");
      await page.goto(`/admin/webhooks?event=${id}`);
      const panel = page.getByRole("dialog", { name: "Webhook event" });
      // An invoice's JSON is taller than its box: the box can be focused and scrolled.
      const payload = panel.getByRole("region", { name: "Payload (JSON)" });
      await expect(payload).toHaveAttribute("tabindex", "0");
      await payload.focus();
      await page.keyboard.press("PageDown");
      await expect.poll(() => payload.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    test("the open user menu hides nothing that stays focusable", async ({ page }) => {
      await signIn(page, "admin@folio.test");
      await settle(page);
      await page.getByRole("button", { name: /^Account menu for / }).click();
      await expect(page.getByRole("menu")).toBeVisible();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(page.getByRole("button", { name: /^Account menu for / })).toBeFocused();
    });
  });
}
