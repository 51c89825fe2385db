import { convergenceProblems, manualClock, signStripePayload, systemClock } from "@folio/billing";
import {
  closeDb,
  dialectOf,
  orders,
  shippingTasks,
  stripeCustomers,
  stripeSubscriptions,
  webhookEvents,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type PayCheckoutOptions } from "@folio/stripe-emulator";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, describe, expect, it } from "vitest";
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
afterAll(dropTestDatabases);

async function testDb(): Promise<Db> {
  const db = await createTestDb();
  cleanups.push(() => closeDb(db));
  return db;
}

async function makeApp(secrets = `${SECRET},${OLD}`) {
  const db = await testDb();
  const clock = manualClock(NOW);
  const app = await buildApp({ env: testEnv({ STRIPE_WEBHOOK_SECRETS: secrets }), db, clock });
  cleanups.push(() => app.close());
  const rows = () => db.select().from(webhookEvents).orderBy(webhookEvents.id);
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
    expect(await rows()).toEqual([
      expect.objectContaining({ id: "evt_route_1", status: "pending", payload: b }),
    ]);
  });

  it("accepts the previous secret during a rotation", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    expect((await post(app, b, sign(b, OLD))).statusCode).toBe(200);
    expect(await rows()).toHaveLength(1);
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
    expect(await rows()).toEqual([]);
  });

  it("answers 400 for a flipped byte or re-serialised JSON (verification is over raw bytes)", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    const header = sign(b);
    const flipped = b.replace("customer.updated", "customer.updatee");
    expect((await post(app, flipped, header)).statusCode).toBe(400);
    expect((await post(app, JSON.stringify(JSON.parse(b), null, 1), header)).statusCode).toBe(400);
    expect(await rows()).toEqual([]);
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
    // No content type at all.
    const bare = await app.inject({ method: "POST", url: STRIPE_WEBHOOK_PATH, payload: "" });
    expect(bare.statusCode).toBe(400);
    // Not JSON at all, or a form post: still a clean 400, never a 415/500.
    expect(
      (await post(app, "a=b", sign("a=b"), "application/x-www-form-urlencoded")).statusCode,
    ).toBe(400);
    expect(await rows()).toEqual([]);
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
    expect((await rows()).map((r) => [r.id, r.status])).toEqual([
      ["evt_thin", "ignored"],
      ["evt_unknown", "ignored"],
    ]);
  });

  it("stores concurrent duplicate deliveries once", async () => {
    const { app, rows } = await makeApp();
    const b = body();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => post(app, b, sign(b, SECRET, NOW / 1000 - i))),
    );
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(await rows()).toHaveLength(1);
  });

  it("answers 500 when the inbox write does not commit, so Stripe delivers the event again", async () => {
    const { app, db, rows } = await makeApp();
    // The store refuses the write (as a full disk or an I/O error would).
    if (dialectOf(db) === "sqlite") {
      await db.run(
        sql`create trigger refuse before insert on webhook_events begin select raise(abort, 'disk full'); end`,
      );
    } else {
      await db.run(
        sql`create function refuse() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`,
      );
      await db.run(
        sql`create trigger refuse before insert on webhook_events for each row execute function refuse()`,
      );
    }
    const b = body();
    const refused = await Promise.all([post(app, b, sign(b)), post(app, b, sign(b))]);
    expect(refused.map((r) => r.statusCode)).toEqual([500, 500]);
    expect(await rows()).toEqual([]);
    // Once the store takes writes again, the redelivery is stored and acknowledged.
    await db.run(
      sql`drop trigger refuse${dialectOf(db) === "postgres" ? sql` on webhook_events` : sql``}`,
    );
    expect((await post(app, b, sign(b))).statusCode).toBe(200);
    expect(await rows()).toEqual([
      expect.objectContaining({ id: "evt_route_1", status: "pending" }),
    ]);
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
    const db = await testDb();
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

    const row = await db.select().from(stripeCustomers).get();
    expect(row).toMatchObject({ id: c.id, name: "Second", email: "e2e@example.com" });
    const events = await db.select().from(webhookEvents);
    expect(events.map((e) => e.status)).toEqual(["applied", "applied"]);
    expect(emu.deliveries().every((d) => d.status === "succeeded")).toBe(true);
  });
});

describe("secret rotation with the emulator", () => {
  it("keeps accepting across a roll: both signatures during the grace period, then only the new", async () => {
    const db = await testDb();
    const emu = await startEmulator({ webhookRetrySchedule: [20, 40, 80] });
    cleanups.push(() => emu.stop());
    const stripe = emu.stripe();
    const secrets: string[] = [];
    const app = await buildApp({
      env: testEnv(),
      db,
      clock: systemClock,
      stripe,
      webhookSecrets: secrets,
      webhookWorker: false,
    });
    cleanups.push(() => app.close());
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const endpoint = emu.addWebhookEndpoint({ url: `${address}${STRIPE_WEBHOOK_PATH}` });
    secrets.push(endpoint.secret);

    await stripe.customers.create({ email: "before@example.com" });
    await emu.flushWebhooks(5000);

    // Stripe rolls the secret; Folio has not been told yet — the old one still signs.
    const { secret: rolled } = emu.rollWebhookSecret(endpoint.id, 60);
    await stripe.customers.create({ email: "during@example.com" });
    await emu.flushWebhooks(5000);

    // The operator switches Folio to the new secret only.
    secrets.splice(0, secrets.length, rolled);
    await stripe.customers.create({ email: "after@example.com" });
    await emu.flushWebhooks(5000);

    expect(emu.deliveries().every((d) => d.status === "succeeded")).toBe(true);
    expect(await db.select().from(webhookEvents)).toHaveLength(3);

    // And a secret Folio does not know is refused (Stripe would retry; nothing is stored).
    secrets.splice(0, secrets.length, "whsec_someone_else");
    await stripe.customers.create({ email: "refused@example.com" });
    await new Promise((r) => setTimeout(r, 100));
    expect(await db.select().from(webhookEvents)).toHaveLength(3);
    expect(emu.deliveries({ status: "succeeded" })).toHaveLength(3);
  });
});

describe("checkout through the hosted page, webhooks over HTTP with faults", () => {
  it("lands as a subscription, and as an order with a shipping task, despite duplicates, drops and reordering", async () => {
    const db = await testDb();
    const emu = await startEmulator({ webhookRetrySchedule: [30, 60, 120] });
    cleanups.push(() => emu.stop());
    const stripe = emu.stripe();
    const secrets: string[] = [];
    const app = await buildApp({
      env: testEnv(),
      db,
      clock: systemClock,
      stripe,
      webhookSecrets: secrets,
      webhookWorker: { pollMs: 10 },
    });
    cleanups.push(() => app.close());
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    secrets.push(emu.addWebhookEndpoint({ url: `${address}${STRIPE_WEBHOOK_PATH}` }).secret);

    const plan = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1500,
      recurring: { interval: "month" },
      product_data: { name: "Pro" },
    });
    const shirt = await stripe.products.create({
      name: "Folio T-shirt",
      metadata: { folio_kind: "physical", folio_requires_shipping: "true" },
    });
    const shirtPrice = await stripe.prices.create({
      currency: "usd",
      unit_amount: 2500,
      product: shirt.id,
    });
    await emu.flushWebhooks(5000);

    // The first matching rule applies: the drop must come first.
    emu.addFault({ match: { type: "invoice.paid" }, action: "drop", count: 1 });
    emu.addFault({ match: {}, action: "duplicate", count: 15 });
    emu.addFault({ match: {}, action: "reorder", count: 15 });

    const pay = (url: string, options: PayCheckoutOptions = {}) =>
      payCheckoutPage(url, { name: "Grace Hopper", email: "grace@example.com", ...options });
    const subSession = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: plan.id, quantity: 1 }],
      success_url: "https://folio.example/welcome",
    });
    expect((await pay(subSession.url ?? "")).status).toBe(303);
    const orderSession = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: shirtPrice.id, quantity: 1 }],
      shipping_address_collection: { allowed_countries: ["US"] },
      success_url: "https://folio.example/thanks",
    });
    expect(
      (
        await pay(orderSession.url ?? "", {
          shipping: {
            line1: "1 Navy Yard",
            city: "Arlington",
            postal_code: "22202",
            country: "US",
          },
        })
      ).status,
    ).toBe(303);
    expect((await emu.flushWebhooks(10_000)).idle).toBe(true);
    await app.folio.webhookWorker?.drain();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    expect((await db.select().from(stripeSubscriptions).get())?.status).toBe("active");
    expect(await db.select().from(orders)).toHaveLength(1);
    expect(await db.select().from(shippingTasks)).toHaveLength(1);
    expect(await db.select().from(orders).get()).toMatchObject({
      checkoutSessionId: orderSession.id,
      amountTotal: 2500,
      requiresShipping: true,
      shippingLine1: "1 Navy Yard",
    });
    const statuses = new Set((await db.select().from(webhookEvents)).map((e) => e.status));
    expect([...statuses].every((s) => s === "applied" || s === "ignored")).toBe(true);
    // The dropped invoice.paid never arrived; the store is right anyway.
    expect(emu.deliveries({ status: "dropped" })).toHaveLength(1);
  }, 30_000);

  it("a paid order is in the store well within a second of the hosted page's redirect", async () => {
    const db = await testDb();
    const emu = await startEmulator();
    cleanups.push(() => emu.stop());
    const stripe = emu.stripe();
    const secrets: string[] = [];
    const app = await buildApp({
      env: testEnv(),
      db,
      clock: systemClock,
      stripe,
      webhookSecrets: secrets,
      webhookWorker: { pollMs: 200 },
    });
    cleanups.push(() => app.close());
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    secrets.push(emu.addWebhookEndpoint({ url: `${address}${STRIPE_WEBHOOK_PATH}` }).secret);
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 900,
      product_data: { name: "Sticker pack" },
    });
    await emu.flushWebhooks(5000);
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 3 }],
      success_url: "https://folio.example/thanks",
    });
    const res = await payCheckoutPage(session.url ?? "", {
      name: "Ada",
      email: "ada@example.com",
    });
    expect(res.status).toBe(303);
    const paidAt = Date.now();
    while ((await db.select().from(orders)).length === 0 && Date.now() - paidAt < 5000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const elapsed = Date.now() - paidAt;
    expect((await db.select().from(orders).get())?.amountTotal).toBe(2700);
    // Typically tens of ms: the route wakes the worker, nothing waits for a poll.
    expect(elapsed).toBeLessThan(1000);
  });
});
