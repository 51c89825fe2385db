import { basename, dirname, join } from "node:path";
import { DEFAULT_TEST_KEY, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import Stripe from "stripe";
import type { Env } from "./env.ts";
import { STRIPE_WEBHOOK_PATH } from "./routes/stripe-webhook.ts";

export type StripeMode =
  /** api.stripe.com with the merchant's key. */
  | "stripe"
  /** A standalone emulator at STRIPE_API_URL. */
  | "external-emulator"
  /** The emulator Folio starts in-process (demo mode, no STRIPE_SECRET_KEY). */
  | "embedded-emulator";

export interface StripeRuntime {
  mode: StripeMode;
  stripe: Stripe;
  /** How to build another client for the same account (e.g. in the apply thread). */
  connection: StripeClientOptions;
  /**
   * Every secret a webhook signature may be made with. Live: registering the endpoint adds its
   * secret here, so readers must not copy it once at startup.
   */
  webhookSecrets: string[];
  /** The embedded emulator, when Folio runs one. */
  emulator: EmulatorHandle | null;
  /**
   * Makes sure the emulator delivers events to Folio's webhook route on `port` and learns its
   * signing secret. A no-op against real Stripe (`stripe listen` or a dashboard endpoint
   * delivers there, with the secret from STRIPE_WEBHOOK_SECRETS).
   */
  registerWebhookEndpoint(port: number): Promise<{ url: string; id: string } | null>;
  close(): Promise<void>;
}

export interface StripeClientOptions {
  apiKey: string;
  /** Origin of a Stripe-compatible API (an emulator); api.stripe.com when omitted. */
  apiUrl?: string;
  /** Per-request timeout; `STRIPE_TIMEOUT_MS` by default. */
  timeoutMs?: number;
}

/** The SDK waits 80 s by default. The apply worker fetches from Stripe one event at a time, so a
 * hung request would stall the whole inbox behind it: give up sooner and let the retry (the
 * SDK's, then the worker's backoff) try again. */
export const STRIPE_TIMEOUT_MS = 20_000;

/** The one way Folio builds a Stripe client: pinned API version, retries on, telemetry off. */
export function createStripeClient({
  apiKey,
  apiUrl,
  timeoutMs = STRIPE_TIMEOUT_MS,
}: StripeClientOptions): Stripe {
  const config: Stripe.StripeConfig = {
    apiVersion: Stripe.API_VERSION,
    maxNetworkRetries: 2,
    timeout: timeoutMs,
    telemetry: false,
    appInfo: { name: "Folio" },
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    const protocol = url.protocol === "http:" ? "http" : "https";
    config.host = url.hostname;
    config.port = url.port || (protocol === "http" ? 80 : 443);
    config.protocol = protocol;
  }
  return new Stripe(apiKey, config);
}

/** Where the embedded emulator keeps its state: beside Folio's own database, so both persist. */
export function emulatorDbPath(databasePath: string): string {
  if (databasePath === ":memory:") return ":memory:";
  return join(dirname(databasePath), `${basename(databasePath)}.stripe-emulator.sqlite`);
}

export function webhookUrl(port: number): string {
  return `http://127.0.0.1:${port}${STRIPE_WEBHOOK_PATH}`;
}

/**
 * Chooses and starts Folio's Stripe: real Stripe when STRIPE_SECRET_KEY is set (optionally at
 * STRIPE_API_URL), otherwise an emulator started in-process on 127.0.0.1:STRIPE_EMULATOR_PORT.
 */
export async function startStripe(env: Env): Promise<StripeRuntime> {
  const configuredSecrets = [...env.STRIPE_WEBHOOK_SECRETS];

  if (env.STRIPE_SECRET_KEY) {
    const external = env.STRIPE_API_URL !== undefined;
    const connection: StripeClientOptions = {
      apiKey: env.STRIPE_SECRET_KEY,
      ...(env.STRIPE_API_URL ? { apiUrl: env.STRIPE_API_URL } : {}),
    };
    const stripe = createStripeClient(connection);
    let registeredSecret: string | null = null;
    const runtime: StripeRuntime = {
      mode: external ? "external-emulator" : "stripe",
      stripe,
      connection,
      webhookSecrets: configuredSecrets,
      emulator: null,
      async registerWebhookEndpoint(port) {
        // With real Stripe the merchant owns endpoints; with a standalone emulator and no
        // configured secret, Folio registers itself the same way it does with the embedded one.
        if (!external || env.STRIPE_WEBHOOK_SECRETS.length > 0) return null;
        const url = webhookUrl(port);
        const existing = await stripe.webhookEndpoints
          .list({ limit: 100 })
          .autoPagingToArray({ limit: 1000 });
        // An existing endpoint's secret cannot be read back, so replace it rather than add one
        // more endpoint per restart.
        for (const endpoint of existing) {
          if (endpoint.url === url) await stripe.webhookEndpoints.del(endpoint.id);
        }
        const created = await stripe.webhookEndpoints.create({
          url,
          enabled_events: ["*"],
          description: "Folio (registered at startup)",
        });
        // The replaced endpoint's secret signs nothing any more.
        if (registeredSecret) {
          runtime.webhookSecrets.splice(runtime.webhookSecrets.indexOf(registeredSecret), 1);
        }
        registeredSecret = created.secret ?? null;
        if (registeredSecret) runtime.webhookSecrets.push(registeredSecret);
        return { url, id: created.id };
      },
      close: () => Promise.resolve(),
    };
    return runtime;
  }

  const emulator = await startEmulator({
    host: "127.0.0.1",
    port: env.STRIPE_EMULATOR_PORT,
    dbPath: emulatorDbPath(env.DATABASE_PATH),
    // Like Stripe, several deliveries at once: Folio's intake does not depend on their order, and
    // seeding the demo business makes thousands.
    webhookConcurrency: 4,
  });
  const connection: StripeClientOptions = { apiKey: DEFAULT_TEST_KEY, apiUrl: emulator.url };
  const stripe = createStripeClient(connection);
  const runtime: StripeRuntime = {
    mode: "embedded-emulator",
    stripe,
    connection,
    webhookSecrets: configuredSecrets,
    emulator,
    registerWebhookEndpoint(port) {
      const url = webhookUrl(port);
      // Upserts by URL: a restart reuses the endpoint (and its secret) stored by the emulator.
      const endpoint = emulator.addWebhookEndpoint({ url, enabledEvents: ["*"] });
      if (!runtime.webhookSecrets.includes(endpoint.secret)) {
        runtime.webhookSecrets.push(endpoint.secret);
      }
      return Promise.resolve({ url, id: endpoint.id });
    },
    close: () => emulator.stop(),
  };
  return runtime;
}

/**
 * A Stripe client for one-off commands (`folio catalog push`, …). In demo mode it talks to the
 * running server's embedded emulator if there is one, otherwise it starts the emulator on its
 * persisted state for the duration of the command.
 */
export async function connectStripe(
  env: Env,
): Promise<{ stripe: Stripe; mode: StripeMode; close(): Promise<void> }> {
  if (env.STRIPE_SECRET_KEY) {
    const runtime = await startStripe(env);
    return { stripe: runtime.stripe, mode: runtime.mode, close: () => runtime.close() };
  }
  const running = `http://127.0.0.1:${env.STRIPE_EMULATOR_PORT}`;
  try {
    const res = await fetch(`${running}/_emulator/health`, { signal: AbortSignal.timeout(1000) });
    if (res.ok) {
      const stripe = createStripeClient({ apiKey: DEFAULT_TEST_KEY, apiUrl: running });
      return { stripe, mode: "embedded-emulator", close: () => Promise.resolve() };
    }
  } catch {
    // No server running: start the emulator on its stored state ourselves.
  }
  const runtime = await startStripe({ ...env, STRIPE_EMULATOR_PORT: 0 });
  return { stripe: runtime.stripe, mode: runtime.mode, close: () => runtime.close() };
}
