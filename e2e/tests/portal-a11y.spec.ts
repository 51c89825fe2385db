import { seriousAxeViolations } from "../support/axe.ts";
import { expect, signIn, test } from "../support/fixtures.ts";

// axe on every customer portal page, as the demo customer (real data on each), at desktop and
// phone widths: no serious or critical violations.

const PAGES = [
  { path: "/pricing", heading: "Plans and pricing" },
  { path: "/billing", heading: /^Hi / },
  { path: "/billing/plan", heading: "Change plan" },
  { path: "/billing/invoices", heading: "Invoices" },
  { path: "/billing/credit", heading: "Credit" },
  { path: "/billing/orders", heading: "Orders" },
  { path: "/billing/account", heading: "Account" },
  { path: "/billing/shop", heading: "Shop" },
] as const;

for (const viewport of [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 812 },
]) {
  test.describe(`portal accessibility (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    for (const { path, heading } of PAGES) {
      test(`${path} has no serious or critical axe violations`, async ({ page }) => {
        await signIn(page, "customer@folio.test");
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
        // Let the page's data arrive (skeletons are not what a customer reads).
        await page.waitForLoadState("networkidle");
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        expect(await seriousAxeViolations(page)).toEqual([]);
      });
    }

    test("the open user menu hides nothing that stays focusable", async ({ page }) => {
      await signIn(page, "customer@folio.test");
      await page.waitForLoadState("networkidle");
      const trigger = page.getByRole("button", { name: /^Account menu for / });
      await trigger.click();
      await expect(page.getByRole("menu")).toBeVisible();
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(trigger).toBeFocused();
    });
  });
}
