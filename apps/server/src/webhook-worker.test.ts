import { ingestWebhook, manualClock, signStripePayload } from "@folio/billing";
import { createDb } from "@folio/db";
import type { FastifyInstance } from "fastify";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { testEnv } from "./test/helpers.ts";

const SECRET = "whsec_worker_yield";
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe("in-process webhook worker", () => {
  it("yields while draining a backlog: an HTTP request is answered before the drain ends", async () => {
    const db = createDb(":memory:");
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
    apps.push(app);
    const base = await app.listen({ host: "127.0.0.1", port: 0 });

    const created = Math.floor(clock.now().getTime() / 1000);
    for (let i = 0; i < 3000; i++) {
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
      const result = ingestWebhook(
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
    expect(result.applied).toBe(3000);
    expect(answeredAt).toBeLessThan(drainedAt!);
  });
});
