import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { toUnix, type ClockOptions } from "./core/clock.ts";
import { EmulatorCore } from "./core/emulator.ts";
import { createHttpServer } from "./core/server.ts";
import type { StoredObject } from "./core/store.ts";
import type { EmulatorModule } from "./core/types.ts";
import type { Delivery, FaultRule } from "./core/webhooks/types.ts";
import { createWebhookEndpoint } from "./resources/webhook-endpoints.ts";
import { setBillingSettings, type BillingSettings } from "./billing/settings.ts";
import { builtinControl } from "./control.ts";
import { builtinModules } from "./wiring.ts";

export const DEFAULT_TEST_KEY = "sk_test_emulator";

export interface WebhookEndpointOption {
  url: string;
  /** Signing secret; generated (`whsec_…`) when omitted. */
  secret?: string;
  /** Default `["*"]`. */
  enabledEvents?: string[];
}

export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** SQLite file for persistent state; `:memory:` (default) for throwaway state. */
  dbPath?: string;
  clock?: ClockOptions;
  webhookEndpoints?: WebhookEndpointOption[];
  /** Seeded ids and, unless `clock` says otherwise, a fixed clock. */
  deterministic?: { seed: number | string; start?: number | Date | string };
  /** Delays between webhook attempts in ms (attempt n+1 waits schedule[n]). */
  webhookRetrySchedule?: number[];
  webhookTimeoutMs?: number;
  /** Deliveries in flight per endpoint (default 1: in event order; Stripe sends concurrently). */
  webhookConcurrency?: number;
  /** Grace period for the old secret after a roll, ms (default 24h). */
  webhookRollGraceMs?: number;
  /** Extra modules (tests, plugins) on top of the built-in ones. */
  modules?: EmulatorModule[];
  /**
   * Renewal and dunning timing (retry schedule, what happens after the last retry, draft
   * delay…; see the README's billing section). Applied at start and after every `reset()`.
   */
  billing?: Partial<BillingSettings>;
}

export interface EmulatorHandle {
  url: string;
  port: number;
  host: string;
  /** A test key the emulator accepts (any `sk_test_…` works). */
  apiKey: string;
  core: EmulatorCore;
  /** Endpoints created from `webhookEndpoints`, with their secrets. */
  webhookEndpoints: { id: string; url: string; secret: string }[];
  stop(): Promise<void>;
  reset(): Promise<void>;
  now(): number;
  /** Advances the global clock, running due jobs; returns the new time. */
  advanceClock(seconds: number): number;
  setClock(to: number | Date | string): number;
  flushWebhooks(timeoutMs?: number): Promise<{ idle: boolean; pending: number }>;
  deliveries(filter?: { event?: string; endpoint?: string; status?: string }): Delivery[];
  redeliver(deliveryId: string): Delivery | undefined;
  addFault(rule: Omit<FaultRule, "id">): FaultRule;
  clearFaults(): void;
  rollWebhookSecret(endpointId: string, graceSeconds?: number): { secret: string };
  addWebhookEndpoint(endpoint: WebhookEndpointOption): { id: string; url: string; secret: string };
  /** An official SDK client pointed at this emulator. */
  stripe(apiKey?: string, config?: Stripe.StripeConfig): Stripe;
}

/** The emulator's core with the built-in modules, from the start options. */
function createCore(options: StartOptions): EmulatorCore {
  const clock: ClockOptions | undefined =
    options.clock ??
    (options.deterministic
      ? { fixed: true, start: options.deterministic.start ?? "2026-01-01T00:00:00Z" }
      : undefined);
  return new EmulatorCore({
    ...(options.dbPath !== undefined ? { dbPath: options.dbPath } : {}),
    ...(clock ? { clock } : {}),
    ...(options.deterministic ? { seed: options.deterministic.seed } : {}),
    ...(options.webhookRetrySchedule
      ? { webhookRetryScheduleMs: options.webhookRetrySchedule }
      : {}),
    ...(options.webhookTimeoutMs !== undefined
      ? { webhookTimeoutMs: options.webhookTimeoutMs }
      : {}),
    ...(options.webhookConcurrency !== undefined
      ? { webhookConcurrency: options.webhookConcurrency }
      : {}),
    ...(options.webhookRollGraceMs !== undefined
      ? { webhookRollGraceMs: options.webhookRollGraceMs }
      : {}),
    modules: [...builtinModules(), ...(options.modules ?? [])],
  });
}

/** Upsert by URL so a restarted standalone emulator does not duplicate its endpoints. */
function upsertEndpoint(
  core: EmulatorCore,
  wanted: WebhookEndpointOption,
): { id: string; url: string; secret: string } {
  return core.run((ctx) => {
    const existing = ctx.store.list<StoredObject>("webhook_endpoint", {
      where: (e) => e.url === wanted.url,
    })[0];
    if (existing) {
      const secrets = core.webhooks.activeSecrets(existing.id);
      if (wanted.secret && !secrets.includes(wanted.secret)) {
        core.webhooks.addSecret(existing.id, wanted.secret);
      }
      if (wanted.enabledEvents) {
        ctx.store.update({ ...existing, enabled_events: wanted.enabledEvents });
      }
      return { id: existing.id, url: wanted.url, secret: wanted.secret ?? secrets[0] ?? "" };
    }
    const created = createWebhookEndpoint(ctx, {
      url: wanted.url,
      ...(wanted.enabledEvents ? { enabledEvents: wanted.enabledEvents } : {}),
      ...(wanted.secret ? { secret: wanted.secret } : {}),
    });
    return { id: created.id, url: created.url, secret: created.secret };
  });
}

export async function startEmulator(options: StartOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? "127.0.0.1";
  const core = createCore(options);

  const applyBillingSettings = () => {
    const billing = options.billing;
    if (billing) core.run((ctx) => setBillingSettings(ctx, billing));
  };
  const configured: { id: string; url: string; secret: string }[] = [];
  const ensureConfiguredEndpoints = () => {
    configured.length = 0;
    for (const wanted of options.webhookEndpoints ?? []) configured.push(addEndpoint(wanted));
  };
  const addEndpoint = (wanted: WebhookEndpointOption) => upsertEndpoint(core, wanted);

  const handle: EmulatorHandle = {
    url: "",
    port: 0,
    host,
    apiKey: DEFAULT_TEST_KEY,
    core,
    webhookEndpoints: configured,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      core.close();
    },
    async reset() {
      core.reset();
      ensureConfiguredEndpoints();
      applyBillingSettings();
      await Promise.resolve();
    },
    now: () => core.now(),
    advanceClock: (seconds) => core.advanceClockTo(core.now() + Math.floor(seconds)),
    setClock: (to) => core.advanceClockTo(toUnix(to)),
    flushWebhooks: (timeoutMs) => core.webhooks.flush(timeoutMs),
    deliveries: (filter) => core.webhooks.listDeliveries(filter),
    redeliver: (id) => core.webhooks.redeliver(id),
    addFault: (rule) => core.webhooks.addFault(rule),
    clearFaults: () => core.webhooks.clearFaults(),
    rollWebhookSecret(endpointId, graceSeconds) {
      if (!core.store.getTyped("webhook_endpoint", endpointId)) {
        throw new Error(`No such webhook endpoint: ${endpointId}`);
      }
      const secret = `whsec_${core.ids.token(32)}`;
      core.webhooks.rollSecret(
        endpointId,
        secret,
        graceSeconds === undefined ? undefined : graceSeconds * 1000,
      );
      return { secret };
    },
    addWebhookEndpoint: (endpoint) => addEndpoint(endpoint),
    stripe(apiKey = DEFAULT_TEST_KEY, config = {}) {
      return new Stripe(apiKey, { host, port: handle.port, protocol: "http", ...config });
    },
  };

  const server = createHttpServer(core, {
    builtinControl: (method, path, body, query) =>
      builtinControl(handle, method, path, body, query),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  handle.port = address.port;
  handle.url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  core.baseUrl = handle.url;
  ensureConfiguredEndpoints();
  applyBillingSettings();
  core.startTicker();
  core.webhooks.kick();
  return handle;
}
