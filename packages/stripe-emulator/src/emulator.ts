import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { toUnix, type ClockOptions } from "./core/clock.ts";
import { EmulatorCore } from "./core/emulator.ts";
import { ApiError } from "./core/errors.ts";
import { createHttpServer } from "./core/server.ts";
import type { StoredObject } from "./core/store.ts";
import type { EmulatorModule } from "./core/types.ts";
import type { Delivery, FaultRule } from "./core/webhooks/types.ts";
import { createWebhookEndpoint } from "./resources/webhook-endpoints.ts";
import { setBillingSettings, type BillingSettings } from "./billing/settings.ts";
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

export async function startEmulator(options: StartOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? "127.0.0.1";
  const clock: ClockOptions | undefined =
    options.clock ??
    (options.deterministic
      ? { fixed: true, start: options.deterministic.start ?? "2026-01-01T00:00:00Z" }
      : undefined);
  const core = new EmulatorCore({
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

  const applyBillingSettings = () => {
    const billing = options.billing;
    if (billing) core.run((ctx) => setBillingSettings(ctx, billing));
  };
  const configured: { id: string; url: string; secret: string }[] = [];
  const ensureConfiguredEndpoints = () => {
    configured.length = 0;
    for (const wanted of options.webhookEndpoints ?? []) configured.push(addEndpoint(wanted));
  };
  // Upsert by URL so a restarted standalone emulator does not duplicate its endpoints.
  const addEndpoint = (wanted: WebhookEndpointOption) =>
    core.run((ctx) => {
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

type ControlResult = { status: number; body: unknown } | undefined;

function num(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) {
    throw new ApiError(400, "invalid_request_error", `${name} must be a number`, { param: name });
  }
  return n;
}

function clockBody(handle: EmulatorHandle) {
  const now = handle.now();
  return { now, iso: new Date(now * 1000).toISOString(), fixed: handle.core.clock.fixed };
}

/** Control API: `/_emulator/*`. Module-specific control routes come after these. */
async function builtinControl(
  handle: EmulatorHandle,
  method: string,
  path: string,
  body: Record<string, unknown>,
  query: Record<string, unknown>,
): Promise<ControlResult> {
  const ok = (b: unknown): ControlResult => ({ status: 200, body: b });
  const route = `${method} ${path}`;
  if (route === "GET /_emulator/health") return ok({ ok: true, ...clockBody(handle) });
  if (route === "POST /_emulator/reset") {
    await handle.reset();
    return ok({ reset: true, ...clockBody(handle) });
  }
  if (route === "GET /_emulator/clock") return ok(clockBody(handle));
  if (route === "POST /_emulator/clock") {
    const seconds = num(body.advance ?? body.seconds, "advance");
    if (body.to !== undefined) {
      const to = body.to;
      if (typeof to === "number") handle.setClock(to);
      else if (typeof to === "string") handle.setClock(/^\d+$/.test(to) ? Number(to) : to);
      else
        throw new ApiError(400, "invalid_request_error", "to must be unix seconds or an ISO time", {
          param: "to",
        });
    } else if (seconds !== undefined) {
      if (seconds < 0) {
        throw new ApiError(400, "invalid_request_error", "The clock only moves forward.", {
          param: "advance",
        });
      }
      handle.advanceClock(seconds);
    } else {
      throw new ApiError(
        400,
        "invalid_request_error",
        "Pass `advance` (seconds) or `to` (unix seconds or ISO time).",
        {
          param: "advance",
        },
      );
    }
    return ok(clockBody(handle));
  }
  if (route === "GET /_emulator/jobs") return ok({ data: handle.core.listJobs() });
  if (route === "GET /_emulator/objects") {
    const type = typeof query.type === "string" ? query.type : undefined;
    if (!type)
      throw new ApiError(400, "invalid_request_error", "Pass ?type=<object type>.", {
        param: "type",
      });
    return ok({ data: handle.core.store.list(type) });
  }
  const objectMatch = /^\/_emulator\/objects\/([^/]+)$/.exec(path);
  if (objectMatch && method === "GET") {
    // Raw stored state, including deleted stubs and objects the API hides.
    const id = decodeURIComponent(objectMatch[1] ?? "");
    const object = handle.core.store.get(id);
    if (!object) throw new ApiError(404, "invalid_request_error", `No such object: '${id}'`);
    return ok({ object, private: handle.core.store.getPrivate(id) ?? null });
  }
  if (route === "GET /_emulator/requests")
    return ok({ data: [...handle.core.requestLog].reverse() });
  if (route === "GET /_emulator/deliveries") {
    const filter: { event?: string; endpoint?: string; status?: string } = {};
    if (typeof query.event === "string") filter.event = query.event;
    if (typeof query.endpoint === "string") filter.endpoint = query.endpoint;
    if (typeof query.status === "string") filter.status = query.status;
    return ok({ data: handle.deliveries(filter) });
  }
  const deliveryMatch = /^\/_emulator\/deliveries\/([^/]+)(\/redeliver)?$/.exec(path);
  if (deliveryMatch) {
    const id = deliveryMatch[1] ?? "";
    const redeliver = deliveryMatch[2] !== undefined;
    if (redeliver && method !== "POST") return undefined;
    if (!redeliver && method !== "GET") return undefined;
    const delivery = redeliver ? handle.redeliver(id) : handle.core.webhooks.getDelivery(id);
    if (!delivery) throw new ApiError(404, "invalid_request_error", `No such delivery: '${id}'`);
    return ok(delivery);
  }
  if (path === "/_emulator/faults") {
    if (method === "GET") return ok({ data: handle.core.webhooks.listFaults() });
    if (method === "DELETE") {
      handle.clearFaults();
      return ok({ data: [] });
    }
    if (method === "POST") {
      const action = body.action;
      if (
        action !== "drop" &&
        action !== "duplicate" &&
        action !== "delay" &&
        action !== "reorder"
      ) {
        throw new ApiError(
          400,
          "invalid_request_error",
          "action must be one of drop, duplicate, delay, reorder",
          {
            param: "action",
          },
        );
      }
      const match = (body.match ?? {}) as Record<string, unknown>;
      const count = num(body.count, "count");
      const delayMs = num(body.delayMs, "delayMs");
      const rule = handle.addFault({
        action,
        match: {
          ...(typeof match.type === "string" ? { type: match.type } : {}),
          ...(typeof match.endpoint === "string" ? { endpoint: match.endpoint } : {}),
        },
        ...(count !== undefined ? { count } : {}),
        ...(delayMs !== undefined ? { delayMs } : {}),
      });
      return ok(rule);
    }
  }
  if (route === "POST /_emulator/flush") {
    return ok(await handle.flushWebhooks(num(body.timeoutMs, "timeoutMs")));
  }
  const roll = /^\/_emulator\/webhook_endpoints\/([^/]+)\/roll_secret$/.exec(path);
  if (roll && method === "POST") {
    const id = roll[1] ?? "";
    if (!handle.core.store.getTyped("webhook_endpoint", id)) {
      throw new ApiError(404, "invalid_request_error", `No such webhook endpoint: '${id}'`);
    }
    return ok(handle.rollWebhookSecret(id, num(body.graceSeconds, "graceSeconds")));
  }
  return undefined;
}
