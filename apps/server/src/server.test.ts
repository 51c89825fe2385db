import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "./env.ts";
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

  it("starts beside a running `pnpm start` (the default emulator port taken)", async () => {
    const taken = createServer();
    const port = loadEnv({}).STRIPE_EMULATOR_PORT;
    // Already taken (a dev server running) serves the test just as well.
    const holding = await new Promise<boolean>((resolve) => {
      taken.once("error", () => resolve(false));
      taken.listen(port, "127.0.0.1", () => resolve(true));
    });
    try {
      const server = await startServer(
        testEnv({ PORT: "0", DATABASE_PATH: join(dir, "beside.db") }),
        { print: () => undefined },
      );
      await server.close();
    } finally {
      if (holding) await new Promise((resolve) => taken.close(resolve));
    }
  });
});
