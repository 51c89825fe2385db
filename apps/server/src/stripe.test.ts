import { createServer, type AddressInfo, type Socket } from "node:net";
import { startEmulator } from "@folio/stripe-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { loadEnv } from "./env.ts";
import { createStripeClient, emulatorDbPath, startStripe, type StripeRuntime } from "./stripe.ts";

let runtime: StripeRuntime | null = null;
afterEach(async () => {
  await runtime?.close();
  runtime = null;
});

describe("Stripe client", () => {
  it("pins the SDK's API version, retries and no telemetry, and honours STRIPE_API_URL", () => {
    const stripe = createStripeClient({
      apiKey: "sk_test_x",
      apiUrl: "http://127.0.0.1:12555",
    });
    const s = stripe as unknown as {
      getApiField(k: string): unknown;
      getMaxNetworkRetries(): number;
      getTelemetryEnabled(): boolean;
    };
    expect(s.getApiField("version")).toBe("2026-10-28.endive");
    expect(s.getApiField("host")).toBe("127.0.0.1");
    expect(String(s.getApiField("port"))).toBe("12555");
    expect(s.getApiField("protocol")).toBe("http");
    expect(s.getMaxNetworkRetries()).toBe(2);
    expect(s.getTelemetryEnabled()).toBe(false);
    expect(s.getApiField("timeout")).toBe(20_000);
  });

  it("gives up on a Stripe that accepts the connection and never answers", async () => {
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const { port } = hung.address() as AddressInfo;
    try {
      const stripe = createStripeClient({
        apiKey: "sk_test_x",
        apiUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 100,
      });
      const started = Date.now();
      await expect(stripe.customers.retrieve("cus_hung")).rejects.toMatchObject({
        type: "StripeConnectionError",
      });
      // Three attempts (two retries) of 100 ms plus the SDK's backoff between them.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });

  it("keeps the emulator's state beside the database", () => {
    expect(emulatorDbPath("/data/folio.db")).toBe("/data/folio.db.stripe-emulator.sqlite");
    expect(emulatorDbPath(":memory:")).toBe(":memory:");
  });

  it("starts the embedded emulator without a key and registers one endpoint per URL", async () => {
    const env = loadEnv({ DATABASE_PATH: ":memory:", STRIPE_EMULATOR_PORT: "0" });
    runtime = await startStripe(env);
    expect(runtime.mode).toBe("embedded-emulator");
    const first = await runtime.registerWebhookEndpoint(3999);
    const again = await runtime.registerWebhookEndpoint(3999);
    expect(first?.url).toBe("http://127.0.0.1:3999/api/stripe/webhook");
    expect(again?.id).toBe(first?.id);
    expect(runtime.webhookSecrets).toHaveLength(1);
    expect(runtime.webhookSecrets[0]).toMatch(/^whsec_/);

    const customer = await runtime.stripe.customers.create({ email: "a@example.test" });
    expect(customer.id).toMatch(/^cus_/);
    const endpoints = await runtime.stripe.webhookEndpoints.list();
    expect(endpoints.data.filter((e) => e.url === first?.url)).toHaveLength(1);
  });

  it("uses real Stripe settings when a key is set, without registering endpoints", async () => {
    const env = loadEnv({
      STRIPE_SECRET_KEY: "sk_test_abc",
      STRIPE_WEBHOOK_SECRETS: "whsec_new, whsec_old",
    });
    runtime = await startStripe(env);
    expect(runtime.mode).toBe("stripe");
    expect(runtime.emulator).toBeNull();
    expect(runtime.webhookSecrets).toEqual(["whsec_new", "whsec_old"]);
    expect(await runtime.registerWebhookEndpoint(3000)).toBeNull();
  });

  it("registers itself with a standalone emulator at STRIPE_API_URL, replacing its old endpoint", async () => {
    const emulator = await startEmulator();
    try {
      runtime = await startStripe(
        loadEnv({ STRIPE_SECRET_KEY: "sk_test_standalone", STRIPE_API_URL: emulator.url }),
      );
      expect(runtime.mode).toBe("external-emulator");
      const first = await runtime.registerWebhookEndpoint(3998);
      const second = await runtime.registerWebhookEndpoint(3998);
      expect(second?.id).not.toBe(first?.id);
      const endpoints = await runtime.stripe.webhookEndpoints.list();
      expect(endpoints.data.map((e) => e.id)).toEqual([second?.id]);
      expect(runtime.webhookSecrets).toHaveLength(1);
      expect(runtime.webhookSecrets[0]).toMatch(/^whsec_/);
    } finally {
      await emulator.stop();
    }
  });
});
