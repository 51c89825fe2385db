import { expect, signIn, test } from "../support/fixtures.ts";

test.describe("theme", () => {
  test("a chosen theme persists and is applied before the app renders (no flash)", async ({
    page,
  }) => {
    // Record the theme class at the earliest moment scripts can see the document.
    await page.addInitScript(() => {
      document.addEventListener("DOMContentLoaded", () => {
        (window as unknown as { darkAtDomReady: boolean }).darkAtDomReady =
          document.documentElement.classList.contains("dark");
      });
    });
    await page.emulateMedia({ colorScheme: "light" });
    await signIn(page, "customer@folio.test");

    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Theme" }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);

    await page.reload();
    expect(
      await page.evaluate(() => (window as unknown as { darkAtDomReady: boolean }).darkAtDomReady),
    ).toBe(true);
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);

    // "System" follows the operating system's preference.
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Theme" }).click();
    await page.getByRole("menuitemradio", { name: "System" }).click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    await page.emulateMedia({ colorScheme: "dark" });
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  });
});
