// Lighthouse on Folio's production build (issue 12): performance, accessibility and best
// practices for the sign-in page, the customer's billing overview, an admin list and the revenue
// page, with Lighthouse's mobile and desktop profiles. Run:
//   pnpm --filter @folio/bench bench:web [-- --runs 3 --only billing --skip-build --priority
//     --json summary.json --reports dir/]
// Builds the web app, starts the server (small demo business, embedded Stripe emulator) on free
// ports, signs the demo accounts in through the API and hands Lighthouse their session cookie.
// Lighthouse's throttling is simulated (a model of a slow phone / fast desktop applied to the
// trace), so scores depend less on machine load than wall-clock timings, but not at all is not
// true: main-thread task lengths are measured. Note `uptime` beside every figure.
import { execSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import lighthouse, { desktopConfig } from "lighthouse";
import {
  buildWebApp,
  freePort,
  REPO_ROOT,
  sessionCookie,
  startServer,
  stopProcess,
} from "./server.ts";

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    runs: { type: "string", default: "1" },
    only: { type: "string" },
    "skip-build": { type: "boolean", default: false },
    json: { type: "string" },
    /** Also write each median run's full Lighthouse report (JSON, open in the Lighthouse viewer). */
    reports: { type: "string" },
    /** Run the server and Chromium at nice -10 (needs root), so other work on a shared machine
     * distorts the measured main-thread time less. */
    priority: { type: "boolean", default: false },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});
const RUNS = Number(opts.runs);

const PAGES = [
  { name: "sign-in", path: "/sign-in", as: null },
  { name: "billing", path: "/billing", as: "customer@folio.test" },
  { name: "admin orders", path: "/admin/orders", as: "admin@folio.test" },
  { name: "revenue", path: "/admin/revenue", as: "finance@folio.test" },
].filter((p) => !opts.only || p.name.includes(opts.only));
const PROFILES = [
  { name: "mobile", config: undefined },
  { name: "desktop", config: desktopConfig },
] as const;
const CATEGORIES = ["performance", "accessibility", "best-practices"] as const;
const METRICS = {
  FCP: "first-contentful-paint",
  LCP: "largest-contentful-paint",
  TBT: "total-blocking-time",
  CLS: "cumulative-layout-shift",
} as const;

interface Result {
  page: string;
  profile: string;
  scores: Record<(typeof CATEGORIES)[number], number>;
  metrics: Record<keyof typeof METRICS, string>;
  /** Failing accessibility and best-practice audits, so a score below 100 says why. */
  failing: string[];
  report: string;
}

/** Debian's Chromium with a DevTools port for Lighthouse to drive. */
async function launchChromium() {
  const port = await freePort();
  const profileDir = mkdtempSync(join(tmpdir(), "folio-lighthouse-"));
  const child = spawn(
    opts.chromium,
    [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profileDir}`,
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/json/version`)).ok) break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${opts.chromium} did not open port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    port,
    async close() {
      await stopProcess(child);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** The first few items of a failing audit (which element, which issue), shortened. */
function describeItems(details: unknown): string {
  const items = (details as { items?: unknown[] } | undefined)?.items ?? [];
  return items
    .slice(0, 3)
    .map((item) => JSON.stringify(item).slice(0, 300))
    .join(" ");
}

async function audit(
  chromePort: number,
  url: string,
  cookie: string | null,
  profile: (typeof PROFILES)[number],
): Promise<Result | null> {
  const result = await lighthouse(
    url,
    {
      port: chromePort,
      logLevel: "error",
      onlyCategories: [...CATEGORIES],
      ...(cookie && { extraHeaders: { Cookie: cookie } }),
    },
    profile.config,
  );
  if (!result) return null;
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const failing = ["accessibility", "best-practices"].flatMap((category) =>
    (lhr.categories[category]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${category}: ${ref.id} ${describeItems(lhr.audits[ref.id]?.details)}`),
  );
  return {
    page: "",
    profile: profile.name,
    scores: {
      performance: score("performance"),
      accessibility: score("accessibility"),
      "best-practices": score("best-practices"),
    },
    metrics: Object.fromEntries(
      Object.entries(METRICS).map(([key, id]) => [key, lhr.audits[id]?.displayValue ?? "?"]),
    ) as Result["metrics"],
    failing,
    report: JSON.stringify(lhr),
  };
}

/** Lighthouse now and then fails to record a trace (NO_NAVSTART…); such a run is taken again. */
async function withRetries<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.log(`  (retrying: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

function printTable(results: Result[]) {
  const header = ["page", "profile", "perf", "a11y", "best", "FCP", "LCP", "TBT", "CLS"];
  const rows = results.map((r) => [
    r.page,
    r.profile,
    String(r.scores.performance),
    String(r.scores.accessibility),
    String(r.scores["best-practices"]),
    r.metrics.FCP,
    r.metrics.LCP,
    r.metrics.TBT,
    r.metrics.CLS,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  for (const r of results) {
    for (const f of r.failing) console.log(`  ${r.page} (${r.profile}) fails ${f}`);
  }
}

async function main() {
  const commit = execSync("git rev-parse --short HEAD", { cwd: REPO_ROOT }).toString().trim();
  const dirty = execSync("git status --porcelain -- apps/web", { cwd: REPO_ROOT }).length > 0;
  // Children inherit it: the server, Chromium and its renderers.
  if (opts.priority) setPriority(-10);
  if (!opts["skip-build"]) {
    console.log("Building the web app…");
    buildWebApp();
  }
  console.log("Starting the server with the small demo business…");
  const server = await startServer();
  const chromium = await launchChromium();
  const results: Result[] = [];
  try {
    const cookies = new Map<string, string>();
    for (const page of PAGES) {
      if (page.as && !cookies.has(page.as)) {
        cookies.set(page.as, await sessionCookie(server.baseURL, page.as));
      }
      for (const profile of PROFILES) {
        const runs: Result[] = [];
        for (let i = 0; i < RUNS; i++) {
          const run = await withRetries(() =>
            audit(
              chromium.port,
              server.baseURL + page.path,
              page.as ? cookies.get(page.as)! : null,
              profile,
            ),
          );
          if (run) runs.push({ ...run, page: page.name });
        }
        // Lighthouse's advice for noisy scores: report the run with the median performance.
        runs.sort((a, b) => a.scores.performance - b.scores.performance);
        const median = runs[Math.floor(runs.length / 2)];
        if (median) {
          results.push(median);
          if (opts.reports) {
            mkdirSync(opts.reports, { recursive: true });
            const file = `${page.name.replace(/\W+/g, "-")}-${profile.name}.json`;
            writeFileSync(join(opts.reports, file), median.report);
          }
          const s = median.scores;
          console.log(
            `  ${page.name} (${profile.name}): ${s.performance} / ${s.accessibility} / ${s["best-practices"]}`,
          );
        }
      }
    }
  } finally {
    await chromium.close();
    await server.stop();
  }
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(
    `\nLighthouse ${RUNS === 1 ? "(1 run each)" : `(median of ${RUNS} runs)`} at ${commit}${dirty ? " + uncommitted apps/web changes" : ""}; load average ${load.join(", ")}\n`,
  );
  printTable(results);
  if (opts.json) {
    const summary = results.map(({ report: _report, ...rest }) => rest);
    writeFileSync(opts.json, JSON.stringify({ commit, dirty, load, results: summary }, null, 2));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
