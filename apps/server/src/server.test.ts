import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
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

  it("checkpoints the WAL from the main connection while the apply thread is down", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const path = join(dir, "wal.db");
    const server = await startServer(testEnv({ PORT: "0", DATABASE_PATH: path }), {
      print: () => {},
    });
    try {
      await server.app.folio.webhookWorker?.stop();
      const client = server.db.$client;
      client.exec("create table wal_probe (blob blob)");
      const before = statSync(path).size;
      const insert = client.prepare("insert into wal_probe values (randomblob(4096))");
      client.transaction(() => {
        for (let i = 0; i < 256; i++) insert.run();
      })();
      // Nothing copies the log into the database file on its own (wal_autocheckpoint = 0)…
      expect(statSync(path).size).toBe(before);
      // …until the minutely fallback runs.
      vi.advanceTimersByTime(60_000);
      expect(statSync(path).size).toBeGreaterThanOrEqual(before + 256 * 4096);
      expect(client.pragma("wal_checkpoint(PASSIVE)")).toEqual([
        expect.objectContaining({ busy: 0 }),
      ]);
    } finally {
      vi.useRealTimers();
      await server.close();
    }
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
