import { existsSync } from "node:fs";
import { chromium, defineConfig, devices } from "@playwright/test";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Chromium to drive: CHROMIUM_PATH, else Debian's package, else Playwright's own download.
 * Returns undefined to let Playwright use its bundled browser.
 */
function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(
        `CHROMIUM_PATH=${fromEnv} does not exist; point it at a Chromium binary, or unset it to use ${DEBIAN_CHROMIUM}.`,
      );
    }
    return fromEnv;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (existsSync(chromium.executablePath())) return undefined;
  throw new Error(
    "No Chromium found for the e2e tests. Install one with `apt-get install -y chromium` " +
      "(Debian/Ubuntu), set CHROMIUM_PATH=/path/to/chromium, or run " +
      "`pnpm --filter @folio/e2e exec playwright install chromium` where downloads work.",
  );
}

const isCI = Boolean(process.env.CI);

// Playwright empties its output folder when a run starts, so two runs in one checkout (two
// people, or an editor's test runner) would delete each other's traces. Each run gets its own
// folder; the id is set once in the runner and inherited by its workers.
const runId = (process.env.FOLIO_E2E_RUN_ID ??= `${Date.now()}-${process.pid}`);

const LATENCY_SPECS = /stripe-checkout-sync\.spec\.ts$/;

const browser = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: chromiumExecutable(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  },
};

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  fullyParallel: true,
  workers: 2,
  retries: isCI ? 1 : 0,
  forbidOnly: isCI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: isCI
    ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]]
    : [["list"]],
  outputDir: `test-results/${runId}`,
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "chromium", use: browser, testIgnore: LATENCY_SPECS },
    // Specs that time the server (checkout → store within a second) run once everything else
    // is done, one test at a time: on a two-core machine a second browser test running beside
    // them would be measured too.
    {
      name: "latency",
      use: browser,
      testMatch: LATENCY_SPECS,
      dependencies: ["chromium"],
      fullyParallel: false,
    },
  ],
});
