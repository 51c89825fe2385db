import { createServer, type AddressInfo, type Socket } from "node:net";
import { ingestWebhook, systemClock } from "@folio/billing";
import { closeDb, stripeCustomers, webhookEvents, type DatabaseConfig, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import pino from "pino";
import Stripe from "stripe";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApplyThread, type ApplyThread } from "./apply-worker.ts";
import { until } from "./test/wait.ts";

// The thread opens the database itself: a file on SQLite, a database of its own on PostgreSQL.
let db: Db;
let database: DatabaseConfig;
let thread: ApplyThread | null = null;
const SECRET = "whsec_apply_thread_test";
const HOLDER = "apply-thread-test";

beforeEach(async () => {
  ({ db, config: database } = await createTestDb({ file: true }));
});
afterEach(async () => {
  await thread?.stop();
  thread = null;
  await closeDb(db);
});
afterAll(dropTestDatabases);

async function receive(id: string, customerId: string, apiVersion: string = Stripe.API_VERSION) {
  const body = JSON.stringify({
    id,
    object: "event",
    type: "customer.created",
    api_version: apiVersion,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: customerId,
        object: "customer",
        email: `${customerId}@example.test`,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        balance: 0,
        metadata: {},
      },
    },
  });
  const t = Math.floor(Date.now() / 1000);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: SECRET,
    timestamp: t,
  });
  const result = await ingestWebhook(
    { db, clock: systemClock },
    { rawBody: Buffer.from(body), signatureHeader: header, secrets: [SECRET] },
  );
  expect(result.ok).toBe(true);
}

// Each test boots worker threads (TypeScript loaded through tsx): seconds on a busy machine.
describe("apply thread", { timeout: 30_000 }, () => {
  it("applies inbox events on its own connection, and comes back after a crash", async () => {
    thread = await startApplyThread({
      database,
      stripe: { apiKey: "sk_test_unused", apiUrl: "http://127.0.0.1:9" },
      log: pino({ level: "silent" }),
      options: { holder: HOLDER },
    });
    const customer = (id: string) =>
      db.select().from(stripeCustomers).where(eq(stripeCustomers.id, id)).get();

    await receive("evt_thread_1", "cus_thread_1");
    thread.wake();
    expect((await until(() => customer("cus_thread_1"))).email).toBe("cus_thread_1@example.test");

    await thread.kill();
    await receive("evt_thread_2", "cus_thread_2");
    // The replacement thread starts after a short back-off and finds the event in the inbox.
    expect((await until(() => customer("cus_thread_2"))).email).toBe("cus_thread_2@example.test");
    await expect(thread.drain()).resolves.toMatchObject({ failed: 0, dead: 0 });
  });

  it("backs off further when a restarted thread dies again right away (no 500 ms crash loop)", async () => {
    const restarts: number[] = [];
    const log = pino(
      { level: "error" },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as { restartInMs?: number };
          if (entry.restartInMs !== undefined) restarts.push(entry.restartInMs);
        },
      },
    );
    thread = await startApplyThread({
      database,
      stripe: { apiKey: "sk_test_unused", apiUrl: "http://127.0.0.1:9" },
      log,
      options: { holder: HOLDER },
    });
    const customer = (id: string) =>
      db.select().from(stripeCustomers).where(eq(stripeCustomers.id, id)).get();
    await thread.kill();
    // Wait for the replacement to be up (it applies this event), then crash it again at once.
    await receive("evt_loop_1", "cus_loop_1");
    await until(() => customer("cus_loop_1"));
    await thread.kill();
    await until(() => (restarts.length >= 2 ? true : undefined));
    expect(restarts).toEqual([500, 1000]);
  });

  it("an event the thread dies applying counts as a failed attempt (so it can be dead-lettered)", async () => {
    // A Stripe that never answers: the event's fetch keeps the thread inside its apply.
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    try {
      thread = await startApplyThread({
        database,
        stripe: {
          apiKey: "sk_test_unused",
          apiUrl: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
        },
        log: pino({ level: "silent" }),
        options: { holder: HOLDER },
      });
      // Another API version: the object is fetched instead of trusted.
      await receive("evt_stuck", "cus_stuck", "2020-08-27");
      thread.wake();
      await until(() => (sockets.size > 0 ? true : undefined));
      await thread.kill();
      const row = await until(async () => {
        const r = await db
          .select()
          .from(webhookEvents)
          .where(eq(webhookEvents.id, "evt_stuck"))
          .get();
        return r && r.attempts > 0 ? r : undefined;
      });
      expect(row).toMatchObject({ status: "failed", attempts: 1 });
      expect(row.lastError).toMatch(/died/);
    } finally {
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});
