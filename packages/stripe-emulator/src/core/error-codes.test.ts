import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STRIPE_ERROR_CODES } from "./error-codes.ts";

const SRC = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.includes(".test") ? [path] : [];
  });
}

describe("error codes", () => {
  it("the committed list is the one the pinned SDK declares", () => {
    const typings = readFileSync(
      join(SRC, "../node_modules/stripe/esm/resources/PaymentIntents.d.ts"),
      "utf8",
    );
    const block = typings.slice(typings.indexOf("namespace LastPaymentError {"));
    const union = /type Code = ([^;]*);/.exec(block)?.[1] ?? "";
    const declared = [...union.matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(100);
    expect([...STRIPE_ERROR_CODES]).toEqual(declared);
  });

  it("every code the emulator's source gives an error is a documented one", () => {
    const documented = new Set<string>(STRIPE_ERROR_CODES);
    const used = new Map<string, string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, "utf8");
      // `code: "…"` in error options and decline tables (not zod's `addIssue({ code })`),
      // and invalidParam's third argument.
      for (const line of text.split("\n")) {
        if (line.includes("addIssue")) continue;
        for (const m of line.matchAll(/\bcode: "([a-z0-9_]+)"/g)) used.set(m[1] ?? "", file);
      }
      for (const m of text.matchAll(/invalidParam\([^;]*?,\s*"([a-z0-9_]+)",?\s*\)/gs)) {
        used.set(m[1] ?? "", file);
      }
    }
    expect(used.size).toBeGreaterThan(10);
    const undocumented = [...used]
      .filter(([code]) => !documented.has(code))
      .map(([code, file]) => `${code} (${file.slice(SRC.length + 1)})`);
    expect(undocumented).toEqual([]);
  });
});
