import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { ARTIFACTS_DIR } from "./server-info.ts";

/** Where the journeys leave full-page screenshots for people to look at (kept between runs). */
export const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, "screenshots");

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/** The page at its current (desktop) size and at a 375 px phone width. */
export async function saveScreenshots(page: Page, name: string): Promise<void> {
  const desktop = page.viewportSize() ?? { width: 1280, height: 800 };
  await saveScreenshot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 375, height: 812 });
  await saveScreenshot(page, `${name}-375`);
  await page.setViewportSize(desktop);
}
