import { statSync } from "node:fs";
import { createServer } from "node:net";
import {
  addUsageCustomer,
  createApiKey,
  seedUsageCatalog,
  subscribeInMirror,
  systemClock,
} from "@folio/billing";
import { jobs, pingDb, usageEvents, webhookEvents } from "@folio/db";
import { eq, inArray } from "drizzle-orm";
import { testDialect } from "@folio/db/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadEnv } from "./env.ts";
import { startServer } from "./server.ts";
import { insertUser, testEnv } from "./test/helpers.ts";
import { dropServerTestDatabases, serverTestDatabase } from "./test/server-db.ts";
import { until } from "./test/wait.ts";

afterAll(dropServerTestDatabases);

// Each test boots a whole server (worker thread, emulator): seconds on a busy machine.
describe("startServer", { timeout: 60_000 }, () => {
  it("migrates, seeds demo accounts, serves, and closes the database on shutdown", async () => {
    const printed: string[] = [];
    const { env } = await serverTestDatabase();
    const server = await startServer(testEnv({ PORT: "0", ...env }), {
      print: (s) => printed.push(s),
    });
    try {
      expect(printed.join("\n")).toContain("customer@folio.test");
      const res = await fetch(`${server.address}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, db: "ok" });
      // Shared housekeeping is scheduled as job rows (not timers), the next slot queued at start.
      const scheduled = await server.db
        .select({ kind: jobs.kind, status: jobs.status })
        .from(jobs)
        .where(inArray(jobs.kind, ["auth.sweep_expired", "jobs.prune", "webhooks.prune_inbox"]))
        .orderBy(jobs.kind);
      expect(scheduled).toEqual([
        { kind: "auth.sweep_expired", status: "queued" },
        { kind: "jobs.prune", status: "queued" },
        { kind: "webhooks.prune_inbox", status: "queued" },
      ]);
    } finally {
      await server.close();
    }
    await expect(pingDb(server.db)).rejects.toThrow();
  });

  it.skipIf(testDialect() !== "sqlite")(
    "records usage API batches on the usage writer thread, with the main thread's reads seeing them (SQLite only)",
    async () => {
      const { env } = await serverTestDatabase();
      const server = await startServer(testEnv({ PORT: "0", ...env }), { print: () => {} });
      try {
        const { db } = server;
        await seedUsageCatalog(db, systemClock);
        const customer = await addUsageCustomer(db, systemClock);
        const periodStart = new Date(Date.now() - 86_400_000);
        await subscribeInMirror(db, customer, "blocked", periodStart);
        const admin = await insertUser(db, "admin");
        const { key } = await createApiKey(
          { db, clock: systemClock, actor: { type: "staff", userId: admin.id, role: "admin" } },
          { name: "backend", scopes: ["usage:write", "entitlements:read"] },
        );
        const call = (path: string, body?: unknown) =>
          fetch(`${server.address}/api/v1${path}`, {
            method: body ? "POST" : "GET",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
        const tokens = (quantity: number, idempotencyKey: string) => ({
          customer,
          meter: "tokens",
          quantity,
          idempotencyKey,
        });

        // The plan includes 10 and blocks past them: 4 + 4 fit, the replay changes nothing,
        // the third 4 is refused whole.
        const res = await call("/usage/batch", {
          events: [tokens(4, "a"), tokens(4, "b"), tokens(4, "a"), tokens(4, "c")],
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: { status: string }[] };
        expect(body).toMatchObject({ recorded: 2, duplicates: 1, rejected: 1 });
        expect(body.results.map((r) => r.status)).toEqual([
          "recorded",
          "recorded",
          "duplicate",
          "rejected",
        ]);
        expect(await db.$count(usageEvents, eq(usageEvents.userId, customer))).toBe(2);

        const entitlements = await call(`/entitlements/${customer}`);
        expect(entitlements.status).toBe(200);
        const { meters } = (await entitlements.json()) as {
          meters: { meter: string; used: number }[];
        };
        expect(meters.find((m) => m.meter === "tokens")).toMatchObject({ used: 8 });
      } finally {
        await server.close();
      }
    },
  );

  it.skipIf(testDialect() !== "sqlite")(
    "checkpoints the WAL from the main connection while the apply thread is down (SQLite only: PostgreSQL checkpoints itself)",
    async () => {
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      const { env } = await serverTestDatabase();
      const path = env.DATABASE_PATH!;
      const server = await startServer(testEnv({ PORT: "0", ...env }), { print: () => {} });
      try {
        // Stopping the thread closes its connection (which checkpoints what it had).
        await server.app.folio.webhookWorker?.stop();
        const before = statSync(path).size;
        const payload = "x".repeat(4096);
        await server.db.insert(webhookEvents).values(
          Array.from({ length: 256 }, (_, i) => ({
            id: `evt_wal_${i}`,
            type: "customer.updated",
            created: new Date(),
            livemode: false,
            payload,
            status: "applied" as const,
            receivedAt: new Date(),
          })),
        );
        // Nothing copies the log into the database file on its own (wal_autocheckpoint = 0)…
        expect(statSync(path).size).toBe(before);
        // …until the minutely fallback runs.
        await vi.advanceTimersByTimeAsync(60_000);
        await until(() => (statSync(path).size >= before + 256 * 4096 ? true : undefined));
      } finally {
        vi.useRealTimers();
        await server.close();
      }
    },
  );

  it("starts beside a running `pnpm start` (the default emulator port taken)", async () => {
    const taken = createServer();
    const port = loadEnv({}).STRIPE_EMULATOR_PORT;
    // Already taken (a dev server running) serves the test just as well.
    const holding = await new Promise<boolean>((resolve) => {
      taken.once("error", () => resolve(false));
      taken.listen(port, "127.0.0.1", () => resolve(true));
    });
    try {
      const { env } = await serverTestDatabase();
      const server = await startServer(testEnv({ PORT: "0", ...env }), {
        print: () => undefined,
      });
      await server.close();
    } finally {
      if (holding) await new Promise((resolve) => taken.close(resolve));
    }
  });
});
