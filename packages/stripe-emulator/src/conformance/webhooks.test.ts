import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle, type StartOptions } from "../emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";

const SECRET = "whsec_conformance";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  receiverOptions: Parameters<typeof startWebhookReceiver>[0] = {},
  options: Partial<StartOptions> = {},
  enabledEvents?: string[],
): Promise<{ emu: EmulatorHandle; stripe: Stripe; receiver: WebhookReceiver }> {
  const receiver = await startWebhookReceiver(receiverOptions);
  cleanups.push(() => receiver.close());
  const emu = await startEmulator({
    deterministic: { seed: "webhooks" },
    webhookEndpoints: [
      { url: receiver.url, secret: SECRET, ...(enabledEvents ? { enabledEvents } : {}) },
    ],
    webhookRetrySchedule: [30, 60, 90],
    ...options,
  });
  cleanups.push(() => emu.stop());
  return { emu, stripe: emu.stripe("sk_test_webhooks", { maxNetworkRetries: 0 }), receiver };
}

function verify(stripe: Stripe, r: WebhookReceiver["received"][number], secret = SECRET) {
  return stripe.webhooks.constructEvent(r.body, r.headers["stripe-signature"] as string, secret);
}

async function control(emu: EmulatorHandle, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("webhook delivery", () => {
  it("retries on 500 and succeeds, with a fresh valid signature each attempt", async () => {
    const { emu, stripe, receiver } = await setup({
      respond: (_e, attempt) => (attempt < 3 ? 500 : 200),
    });
    const customer = await stripe.customers.create({ email: "r@example.com" });
    const event = (await stripe.events.list({ type: "customer.created" })).data[0]!;
    expect(event.pending_webhooks).toBe(1);
    await emu.flushWebhooks();
    const attempts = receiver.received.filter((r) => r.event.id === event.id);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    for (const a of attempts)
      expect(verify(stripe, a).data.object).toMatchObject({ id: customer.id });
    const [delivery] = emu.deliveries({ event: event.id });
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(delivery?.log.map((l) => l.status)).toEqual([500, 500, 200]);
    expect(delivery?.log[2]?.response).toBe('{"received":true}');
    expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
    expect((await stripe.events.list({ delivery_success: true })).data.map((e) => e.id)).toEqual([
      event.id,
    ]);
  });

  it("gives up after the schedule; redelivery works once the endpoint recovers", async () => {
    let healthy = false;
    const { emu, stripe } = await setup({ respond: () => (healthy ? 200 : 503) });
    await stripe.customers.create({});
    await emu.flushWebhooks();
    const [delivery] = emu.deliveries();
    expect(delivery).toMatchObject({ status: "failed", attempts: 4 });
    const undelivered = await stripe.events.list({ delivery_success: false });
    expect(undelivered.data).toHaveLength(1);
    expect(undelivered.data[0]?.pending_webhooks).toBe(1);
    healthy = true;
    emu.redeliver(delivery!.id);
    await emu.flushWebhooks();
    expect(emu.deliveries()[0]).toMatchObject({ status: "succeeded", attempts: 5 });
    expect((await stripe.events.list({ delivery_success: false })).data).toHaveLength(0);
  });

  it("treats a redirect as a failure, like Stripe", async () => {
    const { emu, stripe } = await setup({ respond: (_e, attempt) => (attempt === 1 ? 302 : 200) });
    await stripe.customers.create({});
    await emu.flushWebhooks();
    expect(emu.deliveries()[0]?.log.map((l) => l.status)).toEqual([302, 200]);
  });

  it("treats a slow answer as a failure (timeout)", async () => {
    const { emu, stripe, receiver } = await setup(
      { delayMs: (_e, attempt) => (attempt === 1 ? 300 : 0) },
      { webhookTimeoutMs: 100 },
    );
    await stripe.customers.create({});
    await emu.flushWebhooks();
    const [delivery] = emu.deliveries();
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.log[0]?.error).toMatch(/timed out/);
    expect(delivery?.attempts).toBe(2);
    await receiver.waitFor((r) => r.length >= 2);
  });

  it("delivers one endpoint's events in the order they happened", async () => {
    const { emu, stripe, receiver } = await setup();
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
  });

  it("filters by enabled_events", async () => {
    const { emu, stripe, receiver } = await setup({}, {}, ["product.created"]);
    await stripe.customers.create({});
    await stripe.products.create({ name: "Only this" });
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual(["product.created"]);
  });

  it("signs with every valid secret during a roll", async () => {
    const { emu, stripe, receiver } = await setup();
    const endpointId = emu.webhookEndpoints[0]!.id;
    const rolled = await control(emu, "POST", `webhook_endpoints/${endpointId}/roll_secret`, {
      graceSeconds: 3600,
    });
    const newSecret = rolled.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    await stripe.customers.create({});
    await emu.flushWebhooks();
    const delivered = receiver.received[0]!;
    const header = delivered.headers["stripe-signature"] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(stripe, delivered, SECRET).type).toBe("customer.created");
    expect(verify(stripe, delivered, newSecret).type).toBe("customer.created");
    expect(() => verify(stripe, delivered, "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("drops the old secret when the grace period is over", async () => {
    const { emu, stripe, receiver } = await setup();
    const endpointId = emu.webhookEndpoints[0]!.id;
    const { secret } = emu.rollWebhookSecret(endpointId, 0);
    await stripe.customers.create({});
    await emu.flushWebhooks();
    const delivered = receiver.received[0]!;
    expect((delivered.headers["stripe-signature"] as string).match(/v1=/g)).toHaveLength(1);
    expect(verify(stripe, delivered, secret).type).toBe("customer.created");
    expect(() => verify(stripe, delivered, SECRET)).toThrow();
  });

  it("webhook_endpoints API: create returns the secret once; deliveries follow", async () => {
    const { emu, stripe } = await setup();
    const receiver2 = await startWebhookReceiver();
    cleanups.push(() => receiver2.close());
    const endpoint = await stripe.webhookEndpoints.create({
      url: receiver2.url,
      enabled_events: ["customer.updated"],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const fetched = await stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(fetched.secret).toBeUndefined();
    const c = await stripe.customers.create({});
    await stripe.customers.update(c.id, { name: "Renamed" });
    await emu.flushWebhooks();
    expect(receiver2.types()).toEqual(["customer.updated"]);
    const event = verify(stripe, receiver2.received[0]!, endpoint.secret);
    expect(event.data.previous_attributes).toEqual({ name: null });
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    await stripe.customers.update(c.id, { name: "Again" });
    await emu.flushWebhooks();
    expect(receiver2.types()).toHaveLength(1);
    const all: string[] = [];
    for await (const e of stripe.webhookEndpoints.list({ limit: 1 })) all.push(e.id);
    expect(all).toHaveLength(2);
    expect(await stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({ deleted: true });
    await expect(
      stripe.webhookEndpoints.create({ url: "not a url", enabled_events: ["*"] }),
    ).rejects.toMatchObject({ param: "url" });
  });
});

describe("fault injection", () => {
  it("drop: never sent until redelivered", async () => {
    const { emu, stripe, receiver } = await setup();
    const rule = await control(emu, "POST", "faults", {
      match: { type: "customer.created" },
      action: "drop",
      count: 1,
    });
    expect(rule.status).toBe(200);
    await stripe.customers.create({});
    await stripe.products.create({ name: "p" });
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual(["product.created"]);
    const dropped = emu.deliveries({ status: "dropped" });
    expect(dropped).toHaveLength(1);
    const redelivered = await control(emu, "POST", `deliveries/${dropped[0]!.id}/redeliver`);
    expect(redelivered.status).toBe(200);
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual(["product.created", "customer.created"]);
    expect((await control(emu, "GET", "faults")).body.data).toEqual([]);
  });

  it("duplicate: the same event arrives twice, both signed", async () => {
    const { emu, stripe, receiver } = await setup();
    emu.addFault({ match: { type: "customer.*" }, action: "duplicate" });
    await stripe.customers.create({});
    await emu.flushWebhooks();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.event.id).toBe(receiver.received[1]!.event.id);
    for (const r of receiver.received) expect(verify(stripe, r).type).toBe("customer.created");
  });

  it("delay and reorder change arrival order", async () => {
    const { emu, stripe, receiver } = await setup();
    emu.addFault({ match: { type: "product.created" }, action: "delay", delayMs: 150, count: 1 });
    await stripe.products.create({ name: "first" });
    await stripe.customers.create({});
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual(["customer.created", "product.created"]);

    receiver.received.length = 0;
    await control(emu, "DELETE", "faults");
    await control(emu, "POST", "faults", {
      match: { type: "coupon.created" },
      action: "reorder",
      count: 1,
    });
    await stripe.coupons.create({ percent_off: 10, duration: "once" });
    await stripe.products.create({ name: "second" });
    await emu.flushWebhooks();
    expect(receiver.types()).toEqual(["product.created", "coupon.created"]);
  });

  it("rejects unknown fault actions", async () => {
    const { emu } = await setup();
    const res = await control(emu, "POST", "faults", { action: "explode" });
    expect(res.status).toBe(400);
    expect((res.body.error as { param: string }).param).toBe("action");
  });
});

describe("webhook delivery with webhookConcurrency", () => {
  it("keeps several deliveries in flight to a slow endpoint and delivers each event once", async () => {
    let inFlight = 0;
    let most = 0;
    const { emu, stripe, receiver } = await setup(
      {
        delayMs: () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          setTimeout(() => (inFlight -= 1), 40);
          return 40;
        },
      },
      { webhookConcurrency: 4 },
    );
    for (let i = 0; i < 12; i++) await stripe.customers.create({ email: `c${i}@example.com` });
    await emu.flushWebhooks();
    const ids = receiver.received.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toHaveLength(12);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });
});
