import { ingestWebhook, manualClock, signStripePayload } from "@folio/billing";
import { closeDb } from "@folio/db";
import { createTestDb, dropTestDatabases, testDialect } from "@folio/db/testing";
import Stripe from "stripe";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { testEnv } from "./test/helpers.ts";

const SECRET = "whsec_worker_yield";
// Enough of a backlog that draining it takes a while (each apply is a few round trips on
// PostgreSQL, so fewer do).
const EVENTS = testDialect() === "postgres" ? 1000 : 3000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(dropTestDatabases);

describe("in-process webhook worker", () => {
  it("yields while draining a backlog: an HTTP request is answered before the drain ends", async () => {
    const db = await createTestDb();
    cleanups.push(() => closeDb(db));
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const app = await buildApp({
      env: testEnv(),
      db,
      clock,
      // Never called: customer.created events of the SDK's API version apply without fetching.
      stripe: new Stripe("sk_test_unused"),
      webhookSecrets: [SECRET],
      webhookWorker: { pollMs: 60_000 },
    });
    cleanups.push(() => app.close());
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    // Let the worker's first look at the (empty) inbox finish: it then sleeps for pollMs, and the
    // backlog below is left to the drain this test times.
    await app.folio.webhookWorker!.drain();

    const created = Math.floor(clock.now().getTime() / 1000);
    for (let i = 0; i < EVENTS; i++) {
      const body = JSON.stringify({
        id: `evt_yield_${i}`,
        object: "event",
        type: "customer.created",
        api_version: Stripe.API_VERSION,
        created,
        livemode: false,
        data: {
          object: {
            id: `cus_yield_${i}`,
            object: "customer",
            created,
            livemode: false,
            balance: 0,
          },
        },
      });
      const result = await ingestWebhook(
        { db, clock },
        {
          rawBody: Buffer.from(body),
          signatureHeader: signStripePayload(body, SECRET, created),
          secrets: [SECRET],
        },
      );
      expect(result).toMatchObject({ ok: true });
    }

    let drainedAt: number | null = null;
    const drain = app.folio.webhookWorker!.drain().then((r) => {
      drainedAt = performance.now();
      return r;
    });
    const res = await fetch(`${base}/healthz`);
    const answeredAt = performance.now();
    expect(res.status).toBe(200);
    expect(drainedAt).toBeNull();
    const result = await drain;
    expect(result.applied).toBe(EVENTS);
    expect(answeredAt).toBeLessThan(drainedAt!);
  }, 60_000);
});
