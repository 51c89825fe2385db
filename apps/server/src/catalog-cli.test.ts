import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoCatalog } from "@folio/billing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";

// `catalog push` talks to Stripe only (the embedded emulator keeps its state beside
// DATABASE_PATH); it never opens Folio's database, so there is nothing dialect-specific here.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "folio-catalog-cli-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    // No server runs on this port, so the command starts the emulator on its stored state.
    source: {
      DATABASE_PATH: join(dir, "folio.db"),
      STRIPE_EMULATOR_PORT: "1",
      LOG_LEVEL: "silent",
    },
    print: (l) => out.push(l),
    printError: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// Every product and price of the demo catalog is one Stripe object to create.
const demo = demoCatalog();
const OBJECTS = demo.products.reduce((n, p) => n + 1 + p.prices.length, 0);

describe("folio catalog push", () => {
  it("dry-runs, pushes, then finds nothing to change (state kept beside the database)", async () => {
    const dry = await cli("catalog", "push", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(
      new RegExp(`dry run — would change: ${OBJECTS} created, 0 updated, 0 archived`),
    );

    const push = await cli("catalog", "push");
    expect(push.code).toBe(0);
    expect(push.out).toMatch(/created\s+price\s+quire_pro_monthly \(price_/);
    expect(push.out).toMatch(new RegExp(`catalog pushed: ${OBJECTS} created`));

    const again = await cli("catalog", "push");
    expect(again.out).toMatch(
      new RegExp(`catalog pushed: 0 created, 0 updated, 0 archived, ${OBJECTS} unchanged`),
    );
  });

  it("explains what is wrong with an invalid catalog file", async () => {
    const file = join(dir, "catalog.json");
    writeFileSync(file, JSON.stringify({ version: 1, name: "x", currency: "usd", products: [] }));
    const result = await cli("catalog", "push", "--file", file);
    expect(result.code).toBe(1);
    expect(result.err).toContain("is not a valid Folio catalog");
    expect(result.err).toContain("products");
  });
});
