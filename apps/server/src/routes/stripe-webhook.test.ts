import { manualClock, signStripePayload, systemClock } from "@folio/billing";
import { createDb, stripeCustomers, webhookEvents } from "@folio/db";
import { startEmulator } from "@folio/stripe-emulator";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { testEnv } from "../test/helpers.ts";
import { STRIPE_WEBHOOK_PATH } from "./stripe-webhook.ts";

const SECRET = "whsec_route_current";
const OLD = "whsec_route_previous";
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function makeApp(secrets = `${SECRET},${OLD}`) {
  const db = createDb(":memory:");
  const clock = manualClock(NOW);
  const app = await buildApp({ env: testEnv({ STRIPE_WEBHOOK_SECRETS: secrets }), db, clock });
  cleanups.push(() => app.close());
  const rows = () => db.select().from(webhookEvents).all();
  return { app, db, clock, rows };
}

function body(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: "evt_route_1",
    object: "event",
    api_version: "2026-10-28.endive",
    created: NOW / 1000 - 2,
    livemode: false,
    type: "customer.updated",
    data: { object: { id: "cus_1", object: "customer" } },
    ...over,
  });
}

function post(app: FastifyInstance, payload: string, signature?: string, contentType?: string) {
  return app.inject({
    method: "POST",
    url: STRIPE_WEBHOOK_PATH,
    headers: {
      "content-type": contentType ?? "application/json; charset=utf-8",
      ...(signature !== undefined ? { "stripe-signature": signature } : {}),
    },
    payload,
  });
}

const sign = (payload: string, secret = SECRET, at = NOW / 1000) =>
  signStripePayload(payload, secret, at);

describe("POST /api/stripe/webhook", () => {
  it("stores a signed event and acknowledges it", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    const res = await post(app, b, sign(b));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true });
    expect(rows()).toEqual([
      expect.objectContaining({ id: "evt_route_1", status: "pending", payload: b }),
    ]);
  });

  it("accepts the previous secret during a rotation", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    expect((await post(app, b, sign(b, OLD))).statusCode).toBe(200);
    expect(rows()).toHaveLength(1);
  });

  it.each([
    ["wrong secret", (b: string) => sign(b, "whsec_nope"), "signature_mismatch"],
    ["missing header", () => undefined, "missing_header"],
    ["only v0", (b: string) => sign(b).replace("v1=", "v0="), "no_v1_signature"],
    ["stale timestamp", (b: string) => sign(b, SECRET, NOW / 1000 - 600), "timestamp_too_old"],
    ["future timestamp", (b: string) => sign(b, SECRET, NOW / 1000 + 600), "timestamp_in_future"],
  ])("answers 400 and writes nothing for %s", async (_name, header, reason) => {
    const { app, rows } = await makeApp();
    const b = body();
    const res = await post(app, b, header(b));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: reason, message: expect.any(String) as unknown });
    expect(rows()).toEqual([]);
  });

  it("answers 400 for a flipped byte or re-serialised JSON (verification is over raw bytes)", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    const header = sign(b);
    const flipped = b.replace("customer.updated", "customer.updatee");
    expect((await post(app, flipped, header)).statusCode).toBe(400);
    expect((await post(app, JSON.stringify(JSON.parse(b), null, 1), header)).statusCode).toBe(400);
    expect(rows()).toEqual([]);
  });

  it("answers 400 with no secret configured, and for a body that is not an event", async () => {
    const none = await makeApp("");
    const b = body();
    expect((await post(none.app, b, sign(b))).json()).toMatchObject({
      error: "no_secret_configured",
    });
    const { app, rows } = await makeApp();
    for (const junk of ["", "{", "[1,2]", '{"id":"evt_x"}']) {
      const res = await post(app, junk, sign(junk));
      expect(res.statusCode).toBe(400);
    }
    // Not JSON at all, or a form post: still a clean 400, never a 415/500.
    expect(
      (await post(app, "a=b", sign("a=b"), "application/x-www-form-urlencoded")).statusCode,
    ).toBe(400);
    expect(rows()).toEqual([]);
  });

  it("acknowledges unknown and thin v1 types and records them as ignored", async () => {
    const { app, rows } = await makeApp();
    const unknown = body({ id: "evt_unknown", type: "radar.early_fraud_warning.created" });
    const thin = JSON.stringify({
      id: "evt_thin",
      object: "v2.core.event",
      type: "v1.billing.meter.no_meter_found",
      created: new Date(NOW).toISOString(),
      related_object: null,
    });
    for (const b of [unknown, thin]) expect((await post(app, b, sign(b))).statusCode).toBe(200);
    expect(rows().map((r) => [r.id, r.status])).toEqual([
      ["evt_unknown", "ignored"],
      ["evt_thin", "ignored"],
    ]);
  });

  it("stores concurrent duplicate deliveries once", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(app, b, sign(b, SECRET, NOW / 1000 - i))),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(rows()).toHaveLength(1);
  });

  it("leaves tRPC's JSON parsing alone", async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: "GET",
      url: "/api/trpc/auth.me",
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(res.statusCode).toBe(200);
    const signIn = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signIn",
      headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
      payload: JSON.stringify({ email: "nobody@example.com", password: "wrong-password" }),
    });
    // Parsed and refused by the procedure (not a 415 / body parser failure).
    expect(signIn.statusCode).toBe(401);
  });
});

describe("webhook delivery end to end", () => {
  it("the emulator's signed deliveries land in the store through the worker", async () => {
    const db = createDb(":memory:");
    const emu = await startEmulator({ webhookRetrySchedule: [50, 100] });
    cleanups.push(() => emu.stop());
    const stripe = emu.stripe();
    const app = await buildApp({
      env: testEnv(),
      db,
      clock: systemClock,
      stripe,
      webhookSecrets: () => secrets,
      webhookWorker: { pollMs: 20 },
    });
    cleanups.push(() => app.close());
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const { secret } = emu.addWebhookEndpoint({ url: `${address}${STRIPE_WEBHOOK_PATH}` });
    const secrets = [secret];

    // Every delivery twice: redeliveries are acknowledged and change nothing.
    emu.addFault({ match: { type: "customer.updated" }, action: "duplicate" });
    const c = await stripe.customers.create({ email: "e2e@example.com", name: "First" });
    await stripe.customers.update(c.id, { name: "Second" });
    expect((await emu.flushWebhooks(5000)).idle).toBe(true);
    await app.folio.webhookWorker?.drain();

    const row = db.select().from(stripeCustomers).get();
    expect(row).toMatchObject({ id: c.id, name: "Second", email: "e2e@example.com" });
    const events = db.select().from(webhookEvents).all();
    expect(events.map((e) => e.status)).toEqual(["applied", "applied"]);
    expect(emu.deliveries().every((d) => d.status === "succeeded")).toBe(true);
  });
});
