import type Stripe from "stripe";
import { ApiError } from "./errors.ts";
import { EmulatorClock, type ClockOptions } from "./clock.ts";
import { eventPayloadObject } from "./event-payload.ts";
import { createIdGenerator, type IdGenerator } from "./ids.ts";
import { Store, type StoredObject } from "./store.ts";
import type {
  ApiRoute,
  ControlRoute,
  Ctx,
  EmulatorModule,
  Expander,
  JobHandler,
  JobSpec,
  PageRoute,
} from "./types.ts";
import { DEFAULT_RETRY_SCHEDULE_MS } from "./webhooks/types.ts";
import { WebhookDispatcher } from "./webhooks/dispatcher.ts";

/** The API version of the installed SDK; events and responses carry it. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

export interface CoreOptions {
  dbPath?: string;
  clock?: ClockOptions;
  /** Seed for reproducible ids. */
  seed?: number | string;
  apiVersion?: string;
  webhookRetryScheduleMs?: number[];
  webhookTimeoutMs?: number;
  webhookRollGraceMs?: number;
  webhookConcurrency?: number;
  modules: EmulatorModule[];
}

interface CompiledRoute<R> {
  route: R;
  method: string;
  regex: RegExp;
  names: string[];
}

function compile<R extends { method: string; path: string }>(route: R): CompiledRoute<R> {
  const names: string[] = [];
  const pattern = route.path
    .split("/")
    .map((seg) => {
      if (seg.startsWith(":")) {
        names.push(seg.slice(1));
        return "([^/]+)";
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, method: route.method, regex: new RegExp(`^${pattern}$`), names };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape is just an id that will not be found.
    return segment;
  }
}

export function matchRoute<R>(
  routes: readonly CompiledRoute<R>[],
  method: string,
  path: string,
): { route: R; pathParams: Record<string, string> } | { methodMismatch: true } | undefined {
  let pathMatched = false;
  for (const c of routes) {
    const m = c.regex.exec(path);
    if (!m) continue;
    if (c.method !== method) {
      pathMatched = true;
      continue;
    }
    const pathParams: Record<string, string> = {};
    c.names.forEach((name, i) => {
      pathParams[name] = safeDecode(m[i + 1] ?? "");
    });
    return { route: c.route, pathParams };
  }
  return pathMatched ? { methodMismatch: true } : undefined;
}

export interface RequestLogEntry {
  id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  idempotencyKey: string | null;
  replayed: boolean;
  error: string | null;
}

const REQUEST_LOG_SIZE = 200;

export function logRequest(core: EmulatorCore, entry: RequestLogEntry): void {
  core.requestLog.push(entry);
  if (core.requestLog.length > REQUEST_LOG_SIZE) core.requestLog.shift();
}

export interface RunOptions {
  /** Fixed time for the unit of work (jobs run at their `run_at`). */
  now?: number;
  /** The test clock a job belongs to: `clockNow(clockId)` then answers `now`. */
  clockId?: string | null;
  request?: Ctx["request"];
}

interface JobRow {
  id: string;
  kind: string;
  run_at: number;
  clock_id: string | null;
  payload: string;
}

/**
 * The emulator's state and services, independent of HTTP: the store, the clock, ids,
 * events, webhook delivery and the job scheduler. `run()` executes one unit of work in
 * one transaction; the HTTP server, hosted pages and jobs all go through it.
 */
export class EmulatorCore {
  readonly store: Store;
  readonly clock: EmulatorClock;
  ids: IdGenerator;
  readonly webhooks: WebhookDispatcher;
  readonly apiVersion: string;
  baseUrl = "http://127.0.0.1";
  readonly apiRoutes: CompiledRoute<ApiRoute>[];
  readonly pageRoutes: CompiledRoute<PageRoute>[];
  readonly controlRoutes: CompiledRoute<ControlRoute>[];
  readonly jobs = new Map<string, JobHandler>();
  readonly expanders = new Map<string, Expander>();
  /** The last API requests (newest last), for the dashboard and `GET /_emulator/requests`. */
  readonly requestLog: RequestLogEntry[] = [];
  private readonly options: CoreOptions;
  private ticker: NodeJS.Timeout | null = null;

  constructor(options: CoreOptions) {
    this.options = options;
    this.store = new Store(options.dbPath);
    this.clock = new EmulatorClock(options.clock);
    const saved = this.store.getMeta("clock");
    if (saved) this.clock.restore(JSON.parse(saved) as ReturnType<EmulatorClock["state"]>);
    this.ids = createIdGenerator(options.seed);
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.webhooks = new WebhookDispatcher(
      this.store,
      {
        retryScheduleMs: options.webhookRetryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS,
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
        rollGraceMs: options.webhookRollGraceMs ?? 24 * 3_600_000,
        concurrency: options.webhookConcurrency ?? 1,
      },
      (id) => this.renderEvent(id),
    );
    const api: ApiRoute[] = [];
    const pages: PageRoute[] = [];
    const control: ControlRoute[] = [];
    for (const mod of options.modules) {
      api.push(...(mod.routes ?? []));
      pages.push(...(mod.pages ?? []));
      control.push(...(mod.control ?? []));
      for (const [kind, handler] of Object.entries(mod.jobs ?? {})) {
        if (this.jobs.has(kind)) throw new Error(`job kind ${kind} registered twice`);
        this.jobs.set(kind, handler);
      }
      for (const [key, expander] of Object.entries(mod.expanders ?? {})) {
        this.expanders.set(key, expander);
      }
    }
    this.apiRoutes = api.map(compile);
    this.pageRoutes = pages.map(compile);
    this.controlRoutes = control.map(compile);
  }

  /** Runs due global jobs every second when the clock follows real time. */
  startTicker(): void {
    if (this.ticker || this.clock.fixed) return;
    this.ticker = setInterval(() => {
      if (this.store.db.open) this.runDue(this.clock.now(), null);
    }, 1000);
    this.ticker.unref();
  }

  close(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.webhooks.stop();
    this.store.close();
  }

  /** Wipes all state, restores the initial clock and id sequence. */
  reset(): void {
    this.store.reset();
    this.webhooks.reset();
    this.requestLog.length = 0;
    const fresh = new EmulatorClock(this.options.clock);
    this.clock.restore(fresh.state());
    this.ids = createIdGenerator(this.options.seed);
  }

  now(): number {
    return this.clock.now();
  }

  createCtx(options: RunOptions = {}): Ctx {
    const fixedNow = options.now;
    const ctx: Ctx = {
      core: this,
      store: this.store,
      ids: this.ids,
      now: () => fixedNow ?? this.clock.now(),
      clockNow: (clockId) => {
        if (!clockId) return ctx.now();
        // A job of this test clock runs at its own time, whatever frozen_time says yet.
        if (fixedNow !== undefined && options.clockId === clockId) return fixedNow;
        const clock = this.store.getTyped<StoredObject>("test_helpers.test_clock", clockId);
        return typeof clock?.frozen_time === "number" ? clock.frozen_time : ctx.now();
      },
      emit: (type, object, previousAttributes) =>
        this.emitEvent(ctx, type, object, previousAttributes ?? null),
      schedule: (job) => this.scheduleJob(job),
      unschedule: (id) => {
        this.store.db.prepare("DELETE FROM jobs WHERE id = ? AND status = 'scheduled'").run(id);
      },
      request: options.request ?? { id: null, idempotency_key: null },
      baseUrl: this.baseUrl,
    };
    return ctx;
  }

  /**
   * Runs `fn` in one transaction. An `ApiError` with `commit` (a card decline) keeps the
   * writes and is rethrown after the commit; any other throw rolls everything back.
   */
  run<T>(fn: (ctx: Ctx) => T, options: RunOptions = {}): T {
    const ctx = this.createCtx(options);
    let committedError: ApiError | undefined;
    const result = this.store.transaction(() => {
      try {
        return fn(ctx);
      } catch (error) {
        if (error instanceof ApiError && error.commit) {
          committedError = error;
          return undefined;
        }
        throw error;
      }
    });
    this.webhooks.kick();
    if (committedError) throw committedError;
    return result as T;
  }

  private emitEvent(
    ctx: Ctx,
    type: Stripe.Event.Type,
    object: object,
    previousAttributes: Record<string, unknown> | null,
  ): Stripe.Event {
    const endpoints = this.store.list<StoredObject>("webhook_endpoint", {
      where: (e) =>
        e.status === "enabled" &&
        Array.isArray(e.enabled_events) &&
        (e.enabled_events.includes("*") || e.enabled_events.includes(type)),
    });
    const event = {
      id: ctx.ids.id("evt"),
      object: "event" as const,
      api_version: this.apiVersion,
      created: this.timeOf(ctx, object),
      data: {
        object: eventPayloadObject(object),
        ...(previousAttributes ? { previous_attributes: previousAttributes } : {}),
      },
      livemode: false,
      pending_webhooks: endpoints.length,
      request: { ...ctx.request },
      type,
    } as unknown as Stripe.Event;
    this.store.insert(event);
    this.webhooks.createDeliveries(event, endpoints, () => ctx.ids.id("whdel"));
    return event;
  }

  /**
   * When something happened to `object`: the time of its test clock (its own `test_clock`
   * or its customer's), else the unit of work's time. Events of test-clock objects carry
   * the simulated time, as in Stripe.
   */
  timeOf(ctx: Ctx, object: object): number {
    const o = object as {
      object?: unknown;
      id?: unknown;
      test_clock?: unknown;
      customer?: unknown;
      invoice?: unknown;
    };
    if (typeof o.test_clock === "string") return ctx.clockNow(o.test_clock);
    if (o.object === "test_helpers.test_clock" && typeof o.id === "string")
      return ctx.clockNow(o.id);
    if (typeof o.customer === "string") {
      const customer = this.store.getTyped<StoredObject>("customer", o.customer);
      if (typeof customer?.test_clock === "string") return ctx.clockNow(customer.test_clock);
    }
    // An invoice payment has neither: it follows its invoice's clock.
    if (o.object === "invoice_payment" && typeof o.invoice === "string") {
      const invoice = this.store.getTyped<StoredObject>("invoice", o.invoice);
      if (typeof invoice?.test_clock === "string") return ctx.clockNow(invoice.test_clock);
    }
    return ctx.now();
  }

  /** An event as the API returns it, with a live `pending_webhooks`. */
  renderEvent(id: string): Stripe.Event | undefined {
    const event = this.store.getTyped<StoredObject>("event", id);
    if (!event) return undefined;
    return { ...event, pending_webhooks: this.webhooks.pendingFor(id) } as unknown as Stripe.Event;
  }

  scheduleJob(job: JobSpec): string {
    if (!this.jobs.has(job.kind)) throw new Error(`unknown job kind ${job.kind}`);
    const id = job.id ?? this.ids.id("job");
    this.store.db
      .prepare(
        `INSERT INTO jobs (id, kind, run_at, clock_id, payload, status) VALUES (?, ?, ?, ?, ?, 'scheduled')
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, run_at = excluded.run_at,
           clock_id = excluded.clock_id, payload = excluded.payload, status = 'scheduled'`,
      )
      .run(
        id,
        job.kind,
        Math.floor(job.runAt),
        job.clockId ?? null,
        JSON.stringify(job.payload ?? null),
      );
    return id;
  }

  /** Scheduled jobs (for the control API and tests). */
  listJobs(
    clockId?: string | null,
  ): { id: string; kind: string; run_at: number; clock_id: string | null; payload: unknown }[] {
    const rows = (
      clockId === undefined
        ? this.store.db
            .prepare("SELECT * FROM jobs WHERE status = 'scheduled' ORDER BY run_at, seq")
            .all()
        : this.store.db
            .prepare(
              "SELECT * FROM jobs WHERE status = 'scheduled' AND clock_id IS ? ORDER BY run_at, seq",
            )
            .all(clockId)
    ) as JobRow[];
    return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown }));
  }

  /**
   * Runs every scheduled job of `clockId` (null = global clock) due at or before `until`,
   * in time order, each in its own transaction with `now()` = the job's time. Jobs that
   * schedule further due jobs are picked up in the same call. `beforeEach` lets a caller
   * move its clock to the job's time first. Returns how many jobs ran.
   */
  runDue(until: number, clockId: string | null, beforeEach?: (runAt: number) => void): number {
    let count = 0;
    const next = this.store.db.prepare(
      "SELECT * FROM jobs WHERE status = 'scheduled' AND clock_id IS ? AND run_at <= ? ORDER BY run_at, seq LIMIT 1",
    );
    for (;;) {
      const row = next.get(clockId, until) as JobRow | undefined;
      if (!row) break;
      if (++count > 100_000)
        throw new Error("runDue: too many jobs (a job keeps rescheduling itself?)");
      beforeEach?.(row.run_at);
      const handler = this.jobs.get(row.kind);
      try {
        this.run(
          (ctx) => {
            this.store.db.prepare("UPDATE jobs SET status = 'done' WHERE id = ?").run(row.id);
            if (!handler) throw new Error(`no handler for job kind ${row.kind}`);
            handler(ctx, JSON.parse(row.payload), {
              id: row.id,
              runAt: row.run_at,
              clockId: row.clock_id,
            });
          },
          { now: row.run_at, clockId: row.clock_id },
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.commit)) {
          this.store.db.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").run(row.id);
          console.error(`[stripe-emulator] job ${row.kind} ${row.id} failed:`, error);
        }
      }
    }
    return count;
  }

  /** Moves the global clock forward, running global jobs at their own times on the way. */
  advanceClockTo(target: number): number {
    this.runDue(target, null, (t) => this.clock.advanceTo(t));
    this.clock.advanceTo(target);
    this.store.setMeta("clock", JSON.stringify(this.clock.state()));
    return this.clock.now();
  }
}
