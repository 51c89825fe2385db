import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "./server.ts";
import { testEnv } from "./test/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "folio-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("startServer", () => {
  it("migrates, seeds demo accounts, serves, and closes the database on shutdown", async () => {
    const printed: string[] = [];
    const server = await startServer(testEnv({ PORT: "0", DATABASE_PATH: join(dir, "folio.db") }), {
      print: (s) => printed.push(s),
    });
    try {
      expect(printed.join("\n")).toContain("customer@folio.test");
      const res = await fetch(`${server.address}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, db: "ok" });
    } finally {
      await server.close();
    }
    expect(server.db.$client.open).toBe(false);
  });
});
