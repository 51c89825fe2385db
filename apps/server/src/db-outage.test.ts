import {
  deliverSignedEvents,
  recordHooks,
  startWebhookWorker,
  systemClock,
  type SyncHook,
  type WebhookWorker,
} from "@folio/billing";
import { closeDb, createDb, stripeCustomers, webhookEvents, type Db } from "@folio/db";
import { dropTestDatabases, testDatabaseConfig, testDialect } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import Stripe from "stripe";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { testEnv } from "./test/helpers.ts";
import { startTcpProxy, targetOf, throughProxy, type TcpProxy } from "./test/tcp-proxy.ts";
import { until } from "./test/wait.ts";

// A PostgreSQL server that goes away under a running Folio (restart, failover, network). SQLite
// is a file opened in-process: there is no connection to lose, so these run on PostgreSQL only.

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(dropTestDatabases);

/** A fresh database reached through a proxy the test can cut, and a direct handle to check it. */
async function databaseBehindProxy(): Promise<{ db: Db; direct: Db; proxy: TcpProxy }> {
  const config = await testDatabaseConfig();
  if (config.dialect !== "postgres") throw new Error("PostgreSQL only");
  const proxy = await startTcpProxy(targetOf(config.url));
  const db = await createDb({ dialect: "postgres", url: throughProxy(config.url, proxy) });
  const direct = await createDb(config);
  cleanups.push(
    () => proxy.close(),
    () => closeDb(db),
    () => closeDb(direct),
  );
  return { db, direct, proxy };
}

function customerCreated(id: string, customerId: string): Stripe.Event {
  const created = Math.floor(Date.now() / 1000);
  return {
    id,
    object: "event",
    type: "customer.created",
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: customerId,
        object: "customer",
        email: `${customerId}@example.test`,
        created,
        livemode: false,
        balance: 0,
        metadata: {},
      } as unknown as Stripe.Customer,
    },
  };
}

describe.skipIf(testDialect() !== "postgres")(
  "the database going away (PostgreSQL only: SQLite has no connection to lose)",
  () => {
    it("/healthz answers 503 while the database is down and 200 once it is back; the server keeps answering", async () => {
      const { db, proxy } = await databaseBehindProxy();
      const app: FastifyInstance = await buildApp({ env: testEnv(), db, clock: systemClock });
      cleanups.push(() => app.close());

      expect((await app.inject("/healthz")).json()).toMatchObject({ ok: true, db: "ok" });

      proxy.cut();
      const down = await app.inject("/healthz");
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ ok: false, db: "down" });
      // Routes that do not need the database still answer.
      expect((await app.inject("/api/nope")).statusCode).toBe(404);

      proxy.restore();
      const up = await until(async () => {
        const res = await app.inject("/healthz");
        return res.statusCode === 200 ? res : undefined;
      });
      expect(up.json()).toMatchObject({ ok: true, db: "ok" });
    });

    it("a connection lost mid-apply leaves nothing half-written, and the event is applied later", async () => {
      const { db, direct, proxy } = await databaseBehindProxy();
      await deliverSignedEvents({ db: direct, clock: systemClock }, [
        customerCreated("evt_outage_1", "cus_outage_1"),
      ]);

      // Inside the apply transaction, after the mirror row was written: the database goes away.
      let cuts = 0;
      const cutter: SyncHook = {
        types: ["customer"],
        write: async (tx) => {
          await tx.select().from(stripeCustomers).where(eq(stripeCustomers.id, "cus_outage_1"));
          if (cuts++ === 0) proxy.cut();
        },
      };
      const worker: WebhookWorker = startWebhookWorker(
        {
          db,
          stripe: new Stripe("sk_test_unused"),
          clock: systemClock,
          hooks: [...recordHooks, cutter],
          logger: { warn: () => undefined, error: () => undefined },
        },
        { pollMs: 50, baseBackoffMs: 50, holder: "outage-test" },
      );
      cleanups.push(() => worker.stop());

      await until(() => (cuts > 0 ? true : undefined), 10_000, "the apply to reach the hook");
      // Nothing of the event is in the store: the transaction died with its connection.
      const customer = () =>
        direct.select().from(stripeCustomers).where(eq(stripeCustomers.id, "cus_outage_1")).get();
      const event = () =>
        direct.select().from(webhookEvents).where(eq(webhookEvents.id, "evt_outage_1")).get();
      await new Promise((r) => setTimeout(r, 300));
      expect(await customer()).toBeUndefined();
      expect((await event())?.status).not.toBe("applied");

      proxy.restore();
      const applied = await until(async () => {
        const row = await event();
        return row?.status === "applied" ? row : undefined;
      });
      expect(applied.claimedBy).toBeNull();
      expect(await customer()).toMatchObject({ email: "cus_outage_1@example.test" });
      expect(cuts).toBeGreaterThanOrEqual(2);
    });
  },
);
