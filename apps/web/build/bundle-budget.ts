// The JavaScript a first visit to a page downloads, from the Vite manifest of a build: the entry
// chunk and its static imports (index.html modulepreloads them), plus the lazy chunks of the
// page's routes and their static imports (Vite's preload helper fetches those with them).
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
  /** The route modules the page loads lazily (TanStack Router `page(() => import(…))`). */
  modules: string[];
  /** Most brotli bytes of JavaScript a first visit may download (fails above); absent: reported only. */
  budget?: number;
  /** Where the page should get to (issue 12), when the enforced budget is still above it. */
  target?: number;
}

const ADMIN_LAYOUT = "src/features/admin/admin-layout.tsx";

// The budgets hold today's figures (sign-in 146.7 KB, billing 137.5 KB) so nothing grows back;
// the targets are issue 12's, not met yet: react-dom and the router/query/tRPC runtime alone are
// ~97 KB. Lower a budget whenever a page gets lighter.
export const PAGES: Page[] = [
  {
    path: "/sign-in",
    modules: ["src/features/auth/sign-in-page.tsx"],
    budget: 150 * 1024,
    target: 110 * 1024,
  },
  {
    path: "/billing",
    modules: ["src/features/billing/billing-layout.tsx", "src/features/billing/pages.tsx"],
    budget: 140 * 1024,
    target: 130 * 1024,
  },
  {
    path: "/admin/customers",
    modules: [ADMIN_LAYOUT, "src/features/admin-customers/customers-page.tsx"],
  },
  { path: "/admin/revenue", modules: [ADMIN_LAYOUT, "src/features/revenue/revenue-page.tsx"] },
];

/** Every JavaScript file a first visit to a page with these lazy modules downloads. */
export function firstVisitFiles(manifest: Manifest, modules: string[]): string[] {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
  if (entries.length !== 1) {
    throw new Error(`expected one entry chunk in the manifest, found ${entries.length}`);
  }
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
  visit(entries[0]![0]);
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
    const files = firstVisitFiles(manifest, page.modules);
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
    const toGo =
      r.target !== undefined && r.brotli > r.target
        ? `; target ${kb(r.target)}, ${kb(r.brotli - r.target)} to go`
        : "";
    return [
      r.path.padEnd(18),
      `br ${kb(r.brotli)}`.padStart(12),
      `gzip ${kb(r.gzip)}`.padStart(14),
      `raw ${kb(r.raw)}`.padStart(14),
      `${r.files.length} files`.padStart(9),
      ` ${verdict}${toGo}`,
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
