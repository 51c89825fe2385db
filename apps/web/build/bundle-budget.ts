// The JavaScript a first visit to a page downloads, from the Vite manifest of a build: the page's
// entry chunk (the SPA's index.html, or auth.html for the sign-in pages) and its static imports
// (the HTML modulepreloads them), plus the lazy chunks of the page's routes and their static
// imports (Vite's preload helper fetches those with them).
// Sizes are as the server sends them: the precompressed .br/.gz beside a file, raw when the
// build wrote none (files under 1 KiB). `pnpm --filter @folio/web budget [dir]` checks the
// last build; `pnpm test` runs it after the e2e step has built the app.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface Page {
  path: string;
  /** The HTML entry the server answers the path with; the SPA's by default. */
  entry?: string;
  /** The route modules the page loads lazily (TanStack Router `page(() => import(…))`). */
  modules: string[];
  /** Most brotli bytes of JavaScript a first visit may download (fails above); absent: reported only. */
  budget?: number;
}

const ADMIN_LAYOUT = "src/features/admin/admin-layout.tsx";

// Issue 12's budgets. The sign-in pages are their own entry (auth.html: React, the forms and a
// plain tRPC client, ~100 KB); /billing carries the SPA's router, react-query and tRPC
// integration besides (~128 KB).
export const PAGES: Page[] = [
  { path: "/sign-in", entry: "auth.html", modules: [], budget: 110 * 1024 },
  {
    path: "/billing",
    modules: ["src/features/billing/billing-layout.tsx", "src/features/billing/pages.tsx"],
    budget: 130 * 1024,
  },
  {
    path: "/admin/customers",
    modules: [ADMIN_LAYOUT, "src/features/admin-customers/customers-page.tsx"],
  },
  { path: "/admin/revenue", modules: [ADMIN_LAYOUT, "src/features/revenue/revenue-page.tsx"] },
];

/** Every JavaScript file a first visit to a page of `entry` with these lazy modules downloads. */
export function firstVisitFiles(
  manifest: Manifest,
  modules: string[],
  entry = "index.html",
): string[] {
  if (!manifest[entry]?.isEntry) throw new Error(`${entry} is not an entry of this build`);
  const lazy = new Set(Object.values(manifest).flatMap((chunk) => chunk.dynamicImports ?? []));
  for (const module of modules) {
    // A module that is not imported lazily any more would be counted in the entry already, or
    // not at all: either way the page list no longer matches the routes.
    if (!lazy.has(module)) {
      throw new Error(`${module} is not a lazily imported chunk in this build; update PAGES`);
    }
  }
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the manifest has no chunk ${key}`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  for (const module of modules) visit(module);
  return [...files].filter((file) => file.endsWith(".js")).sort();
}

export interface Size {
  raw: number;
  gzip: number;
  brotli: number;
}

function sizeOf(path: string): number {
  return statSync(path).size;
}

/** Bytes on the wire per encoding; the server sends raw when no precompressed copy exists. */
export function measure(dir: string, files: string[]): Size {
  const total: Size = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const path = join(dir, file);
    const raw = sizeOf(path);
    total.raw += raw;
    total.gzip += existsSync(`${path}.gz`) ? sizeOf(`${path}.gz`) : raw;
    total.brotli += existsSync(`${path}.br`) ? sizeOf(`${path}.br`) : raw;
  }
  return total;
}

export interface PageReport extends Page, Size {
  files: string[];
  over: boolean;
}

export function checkPages(dir: string, manifest: Manifest, pages: Page[]): PageReport[] {
  return pages.map((page) => {
    const files = firstVisitFiles(manifest, page.modules, page.entry);
    const size = measure(dir, files);
    return {
      ...page,
      ...size,
      files,
      over: page.budget !== undefined && size.brotli > page.budget,
    };
  });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function formatReport(reports: PageReport[]): string {
  const lines = reports.map((r) => {
    const verdict =
      r.budget === undefined ? "(reported)" : `${r.over ? "OVER" : "ok"} (budget ${kb(r.budget)})`;
    return [
      r.path.padEnd(18),
      `br ${kb(r.brotli)}`.padStart(12),
      `gzip ${kb(r.gzip)}`.padStart(14),
      `raw ${kb(r.raw)}`.padStart(14),
      `${r.files.length} files`.padStart(9),
      ` ${verdict}`,
    ].join(" ");
  });
  return ["JavaScript a first visit downloads (KB = 1024 bytes):", ...lines].join("\n");
}

/** Checks apps/web/dist, or the build directory given as the first argument. */
function main(): void {
  const dist = process.argv[2] ?? fileURLToPath(new URL("../dist", import.meta.url));
  const manifestPath = join(dist, ".vite", "manifest.json");
  if (!existsSync(manifestPath)) {
    console.error(`No build at ${dist}: run \`pnpm --filter @folio/web build\` first.`);
    process.exit(1);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  const reports = checkPages(dist, manifest, PAGES);
  console.log(formatReport(reports));
  const over = reports.filter((r) => r.over);
  if (over.length > 0) {
    console.error(`Over budget: ${over.map((r) => r.path).join(", ")}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
