import type { Page } from "@playwright/test";
import { seriousAxeViolations } from "../support/axe.ts";
import { expect, signIn, test } from "../support/fixtures.ts";
import { saveScreenshot, saveScreenshots } from "../support/screenshots.ts";

// Finance opens the revenue dashboard on the seeded demo business, clicks a bar of the movements
// chart and gets the customers behind it; their amounts add up to the bar, which the test checks
// against the series the server reports for the same period (not against the panel's own text).

interface ExplainParam {
  what: "movements";
  from: string;
  to: string;
  kind?: string;
}

/** The explanation target the page put in the URL when the bar was clicked. */
function explainTarget(page: Page): ExplainParam {
  const raw = new URL(page.url()).searchParams.get("explain");
  if (!raw) throw new Error(`No explain target in ${page.url()}`);
  return JSON.parse(raw) as ExplainParam;
}

/** A tRPC query as the signed-in page would make it (same session cookie). */
async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.get(
    `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  expect(response.ok(), `${path} answered ${response.status()}`).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

test.describe("revenue dashboard", () => {
  // A dashboard of charts on a shared 2-core machine: generous, but still bounded.
  test.describe.configure({ timeout: 120_000 });

  test("finance clicks a movements bar and gets the customers behind it, adding up to the bar", async ({
    page,
  }) => {
    await signIn(page, "finance@folio.test");
    await page
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Revenue" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "Revenue" })).toBeVisible();

    const figures = page.getByRole("region", { name: "Key figures" });
    await expect(figures).toContainText("MRR");
    // Charts are drawn as they come into view.
    const mrrChart = page.getByRole("region", { name: "MRR over time" });
    await mrrChart.scrollIntoViewIfNeeded();
    await expect(mrrChart.locator(".recharts-area-area")).toBeVisible();

    // Bars of new MRR: the demo business has sign-ups in its recent months.
    const movements = page.getByRole("region", { name: "MRR movements" });
    await movements.scrollIntoViewIfNeeded();
    const newBars = movements.locator(".movement-new .recharts-bar-rectangle path");
    await expect(newBars).not.toHaveCount(0);
    await saveScreenshots(page, "admin-revenue");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The newest bar that has a height (a period without sign-ups draws an empty one).
    let bar = -1;
    for (let i = (await newBars.count()) - 1; i >= 0 && bar < 0; i--) {
      const box = await newBars.nth(i).boundingBox();
      if (box && box.height >= 2) bar = i;
    }
    expect(bar, "a bar of new MRR with a height").toBeGreaterThanOrEqual(0);
    await newBars.nth(bar).click();
    const panel = page.getByRole("dialog");
    await expect(panel).toBeVisible();
    const rows = panel.getByTestId("explain-row");
    await expect(rows.first()).toBeVisible();

    const target = explainTarget(page);
    expect(target).toMatchObject({ what: "movements", kind: "new" });
    const currency = new URL(page.url()).searchParams.get("currency") ?? "usd";
    const series = await query<{ buckets: { new: number }[] }>(page, "admin.revenue.series", {
      currency,
      from: target.from,
      to: target.to,
      bucket: "month",
    });
    const barValue = series.buckets.reduce((sum, b) => sum + b.new, 0);
    expect(barValue).toBeGreaterThan(0);

    // The server's sum over the whole list is the bar, before any further page is loaded.
    await expect(panel.getByTestId("explain-sum")).toHaveAttribute("data-total", String(barValue));
    // Every row, page after page.
    const showMore = panel.getByRole("button", { name: /^Show more/ });
    while (await showMore.isVisible()) {
      const shown = await rows.count();
      await showMore.click();
      await expect(rows).not.toHaveCount(shown);
    }
    await expect(rows).toHaveCount(
      Number(await panel.getByTestId("explain-sum").getAttribute("data-count")),
    );
    const amounts = await rows.evaluateAll((els) =>
      els.map((el) => Number(el.getAttribute("data-amount"))),
    );
    expect(amounts.reduce((sum, a) => sum + a, 0)).toBe(barValue);
    await expect(panel.getByTestId("explain-sum")).toHaveAttribute(
      "data-clicked",
      String(barValue),
    );
    await expect(panel).toContainText("The list adds up to the figure.");
    // Each customer links to their admin page.
    await expect(rows.first().getByRole("link")).toHaveAttribute(
      "href",
      /^\/admin\/customers\/[^/]+$/,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-revenue-explain");

    // The same figures as a table: the accessible way to the same explanation.
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await movements.getByRole("button", { name: /^Table/ }).click();
    await expect(movements.getByRole("table")).toBeVisible();
    await expect(movements.getByRole("button", { name: /^Explain New MRR/ }).first()).toBeVisible();
  });

  test("finance closes a month (confirmed, then listed with its figures) and reconciles with Stripe", async ({
    page,
  }) => {
    await signIn(page, "finance@folio.test");
    await page.goto("/admin/revenue?tab=months");
    await page.getByRole("button", { name: "Close a month" }).click();
    const dialog = page.getByRole("alertdialog");
    // The dialog shows what is about to be frozen before anything is written.
    await expect(dialog).toContainText("MRR at month end");
    const title = (await dialog.getByRole("heading").textContent()) ?? "";
    const month = /^Close (.+)\?$/.exec(title)?.[1];
    expect(month, `a month in "${title}"`).toBeTruthy();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: `Close ${month}` }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByRole("row", { name: new RegExp(`^${month} USD`) });
    await expect(row).toContainText("by Finn Finance");
    // The demo business may still be landing webhooks, so this may list real restatements.
    await expect(page.getByRole("region", { name: `${month}: changes since close` })).toBeVisible();
    await saveScreenshots(page, "admin-revenue-closed-months");

    await page.getByRole("tab", { name: "Reconcile with Stripe" }).click();
    await expect(page).toHaveURL(/tab=reconcile/);
    await page.getByRole("button", { name: "Run reconciliation" }).click();
    await expect(
      page.getByRole("table", { name: "MRR totals, Folio against Stripe" }),
    ).toContainText("USD");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshots(page, "admin-revenue-reconcile");
  });

  test("the dashboard reads well in the dark theme", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page, "finance@folio.test");
    await page.goto("/admin/revenue");
    const mrrChart = page.getByRole("region", { name: "MRR over time" });
    await mrrChart.scrollIntoViewIfNeeded();
    await expect(mrrChart.locator(".recharts-area-area")).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, "admin-revenue-dark");
  });
});
