import { request } from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";

let emu: EmulatorHandle;
let stripe: Stripe;
let receiver: WebhookReceiver;
const SECRET = "whsec_test_core";

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  emu = await startEmulator({
    deterministic: { seed: 1 },
    webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    webhookRetrySchedule: [20, 40, 80],
  });
  stripe = emu.stripe("sk_test_core", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
  await receiver.close();
});
beforeEach(async () => {
  await emu.flushWebhooks();
  await emu.reset();
  receiver.received.length = 0;
});

describe("core API behaviour", () => {
  it("creates, retrieves, updates, lists and deletes customers", async () => {
    const created = await stripe.customers.create({
      email: "a@example.com",
      name: "Ada",
      metadata: { plan: "pro", tier: "1" },
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.object).toBe("customer");
    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toEqual(created);
    const updated = await stripe.customers.update(created.id, {
      name: "Ada L.",
      metadata: { tier: "" },
    });
    expect(updated.name).toBe("Ada L.");
    expect(updated.metadata).toEqual({ plan: "pro" });

    for (let i = 0; i < 4; i++) await stripe.customers.create({ email: `c${i}@example.com` });
    const seen: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) seen.push(c.id);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    // Newest first: the first customer created comes last.
    expect(seen.at(-1)).toBe(created.id);

    const page = await stripe.customers.list({ limit: 2, ending_before: seen[4] });
    expect(page.data.map((c) => c.id)).toEqual([seen[2], seen[3]]);
    expect(page.has_more).toBe(true);

    const deleted = await stripe.customers.del(created.id);
    expect(deleted).toEqual({ id: created.id, object: "customer", deleted: true });
    const after = await stripe.customers.retrieve(created.id);
    expect(after.deleted).toBe(true);
    await expect(stripe.customers.update(created.id, { name: "x" })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
    });
  });

  it("keeps paginating while the listed objects are deleted", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({ name: `d${i}` })).id);
    const seen: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) {
      seen.push(c.id);
      await stripe.customers.del(c.id);
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await stripe.customers.list()).data).toHaveLength(0);
    await expect(stripe.customers.list({ starting_after: "cus_never" })).rejects.toMatchObject({
      statusCode: 404,
      param: "starting_after",
    });
  });

  it("answers bad input with 400 and param, and changes nothing", async () => {
    const err = await stripe.customers
      .create({ email: "x@example.com", balance: "abc" as unknown as number })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ param: "balance", statusCode: 400 });
    const unknown = await stripe.customers
      .create({ bogus: 1 } as unknown as Stripe.CustomerCreateParams)
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ param: "bogus", code: "parameter_unknown" });
    const list = await stripe.customers.list();
    expect(list.data).toHaveLength(0);
    expect((await stripe.events.list()).data).toHaveLength(0);
  });

  it("rejects non-test keys with 401", async () => {
    const live = emu.stripe("sk_live_123456789", { maxNetworkRetries: 0 });
    await expect(live.customers.list()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const res = await fetch(`${emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
  });

  it("refuses Connect requests instead of acting on the platform account", async () => {
    await expect(
      stripe.customers.create({ email: "c@example.com" }, { stripeAccount: "acct_123" }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((await stripe.customers.list()).data).toHaveLength(0);
  });

  it("answers unsupported endpoints with a 404 naming them", async () => {
    const err = await stripe.payouts.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
    expect((err as Error).message).toContain("GET: /v1/payouts");
    expect((err as Error).message).toContain("not emulated");
  });

  it("replays idempotent requests and rejects a reused key with other params", async () => {
    const key = "idem-key-1";
    const first = await stripe.customers.create(
      { email: "i@example.com" },
      { idempotencyKey: key },
    );
    const raw = await fetch(`${emu.url}/v1/customers`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk_test_core",
        "idempotency-key": key,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "email=i%40example.com",
    });
    expect(raw.headers.get("idempotent-replayed")).toBe("true");
    expect(((await raw.json()) as { id: string }).id).toBe(first.id);
    const again = await stripe.customers.create(
      { email: "i@example.com" },
      { idempotencyKey: key },
    );
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const err = await stripe.customers
      .create({ email: "other@example.com" }, { idempotencyKey: key })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((await stripe.customers.list()).data).toHaveLength(1);

    // Keys expire after 24h of emulator time.
    emu.advanceClock(24 * 3600 + 1);
    const fresh = await stripe.customers.create(
      { email: "i@example.com" },
      { idempotencyKey: key },
    );
    expect(fresh.id).not.toBe(first.id);
  });

  it("answers a concurrent duplicate with 409", async () => {
    const key = "idem-concurrent";
    const slow = request(`${emu.url}/v1/customers`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk_test_core",
        "idempotency-key": key,
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    const slowDone = new Promise<number>((resolve) =>
      slow.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    slow.write("email=slow");
    await new Promise((r) => setTimeout(r, 50));
    const dup = await fetch(`${emu.url}/v1/customers`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk_test_core",
        "idempotency-key": key,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "email=slow%40example.com",
    });
    expect(dup.status).toBe(409);
    slow.end("%40example.com");
    expect(await slowDone).toBe(200);
  });

  it("signs webhooks so constructEvent accepts them", async () => {
    const customer = await stripe.customers.create({ email: "w@example.com" });
    await emu.flushWebhooks();
    const delivered = receiver.received.find((r) => r.event.type === "customer.created");
    expect(delivered).toBeDefined();
    const event = stripe.webhooks.constructEvent(
      delivered!.body,
      delivered!.headers["stripe-signature"] as string,
      SECRET,
    );
    expect(event.data.object).toMatchObject({ id: customer.id });
    expect(event).toMatchObject({
      object: "event",
      livemode: false,
      api_version: "2026-10-28.endive",
      request: { id: expect.stringMatching(/^req_/) as unknown },
    });
    const stored = await stripe.events.retrieve(event.id);
    expect(stored.pending_webhooks).toBe(0);
    await expect(
      stripe.events.list({ type: "customer.created", types: ["customer.updated"] }),
    ).rejects.toMatchObject({ param: "types" });
    expect((await stripe.events.list({ type: "customer.*" })).data.map((e) => e.id)).toEqual([
      event.id,
    ]);
  });

  it("logs requests and shows a dashboard with a clock control", async () => {
    await stripe.customers.create({ email: "dash@example.com" });
    await stripe.customers.retrieve("cus_missing").catch(() => undefined);
    const log = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as {
      data: { method: string; path: string; status: number; error: string | null }[];
    };
    expect(log.data[0]).toMatchObject({
      method: "GET",
      path: "/v1/customers/cus_missing",
      status: 404,
    });
    expect(log.data[0]?.error).toContain("No such customer");
    expect(log.data[1]).toMatchObject({ method: "POST", path: "/v1/customers", status: 200 });
    const page = await (await fetch(`${emu.url}/`)).text();
    expect(page).toContain("customer.created");
    expect(page).toContain("/v1/customers/cus_missing");
    expect(page).toContain("Scheduled jobs");
    const before = emu.now();
    const res = await fetch(`${emu.url}/_dashboard/clock`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "advance=86400",
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    await new Promise((r) => setImmediate(r));
    expect(emu.now()).toBe(before + 86400);
  });

  it("exposes raw stored objects on the control API", async () => {
    const customer = await stripe.customers.create({ email: "raw@example.com" });
    await stripe.customers.del(customer.id);
    const raw = (await (await fetch(`${emu.url}/_emulator/objects/${customer.id}`)).json()) as {
      object: { deleted: boolean };
    };
    expect(raw.object.deleted).toBe(true);
    const byType = (await (await fetch(`${emu.url}/_emulator/objects?type=event`)).json()) as {
      data: { type: string }[];
    };
    expect(byType.data.map((e) => e.type)).toEqual(["customer.deleted", "customer.created"]);
    expect((await fetch(`${emu.url}/_emulator/objects/nope`)).status).toBe(404);
    expect((await fetch(`${emu.url}/_emulator/objects`)).status).toBe(400);
  });
});
