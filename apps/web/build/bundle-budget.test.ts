import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPages, firstVisitFiles, formatReport, type Manifest } from "./bundle-budget.ts";

// The shape Vite writes: an entry with static imports, lazy route modules importing shared chunks.
const manifest: Manifest = {
  "index.html": {
    file: "assets/index.js",
    isEntry: true,
    imports: ["_react.js"],
    dynamicImports: ["src/billing.tsx", "src/admin.tsx"],
  },
  "_react.js": { file: "assets/react.js" },
  "_table.js": { file: "assets/table.js", imports: ["_react.js"] },
  "src/billing.tsx": { file: "assets/billing.js", imports: ["_react.js"] },
  "src/admin.tsx": { file: "assets/admin.js", imports: ["_table.js"] },
  "style.css": { file: "assets/index.css" },
};

describe("firstVisitFiles", () => {
  it("takes the entry, the page's lazy modules and everything they import, once each", () => {
    expect(firstVisitFiles(manifest, ["src/billing.tsx"])).toEqual([
      "assets/billing.js",
      "assets/index.js",
      "assets/react.js",
    ]);
    expect(firstVisitFiles(manifest, ["src/admin.tsx"])).toContain("assets/table.js");
  });

  it("starts from the page's own entry when the build has several", () => {
    const twoEntries: Manifest = {
      ...manifest,
      "auth.html": { file: "assets/auth.js", isEntry: true, imports: ["_react.js"] },
    };
    expect(firstVisitFiles(twoEntries, [], "auth.html")).toEqual([
      "assets/auth.js",
      "assets/react.js",
    ]);
    expect(() => firstVisitFiles(twoEntries, [], "_react.js")).toThrow(/not an entry/);
  });

  it("refuses a module the build does not load lazily, so a stale page list fails loudly", () => {
    expect(() => firstVisitFiles(manifest, ["src/gone.tsx"])).toThrow(/not a lazily imported/);
  });
});

describe("checkPages", () => {
  const dir = mkdtempSync(join(tmpdir(), "folio-budget-"));
  const write = (file: string, bytes: number) => writeFileSync(join(dir, file), "x".repeat(bytes));
  for (const file of ["index", "react", "table", "billing", "admin"]) write(`${file}.js`, 2000);
  // Precompressed copies as the build writes them; react.js has none and is sent raw.
  for (const file of ["index", "table", "billing", "admin"]) {
    write(`${file}.js.br`, 300);
    write(`${file}.js.gz`, 400);
  }
  const flat = Object.fromEntries(
    Object.entries(manifest).map(([key, chunk]) => [
      key,
      { ...chunk, file: chunk.file.replace("assets/", "") },
    ]),
  );

  it("sums the bytes as served and flags a page over its brotli budget", () => {
    const [billing, admin] = checkPages(dir, flat, [
      { path: "/billing", modules: ["src/billing.tsx"], budget: 2600 },
      { path: "/admin", modules: ["src/admin.tsx"], budget: 2500 },
    ]);
    expect(billing).toMatchObject({ raw: 6000, gzip: 2800, brotli: 2600, over: false });
    expect(admin).toMatchObject({ brotli: 2900, over: true });
    expect(formatReport([billing!, admin!])).toMatch(/\/admin .* OVER/);
  });

  it("only reports a page without a budget", () => {
    const [report] = checkPages(dir, flat, [{ path: "/admin", modules: ["src/admin.tsx"] }]);
    expect(report?.over).toBe(false);
  });
});
