import type Stripe from "stripe";
import type { EmulatorCore } from "./emulator.ts";
import type { IdGenerator } from "./ids.ts";
import type { Store, StoredObject } from "./store.ts";

/**
 * One unit of work (an API request, a hosted-page submit, a scheduled job). It runs in a
 * single SQLite transaction: if it throws, nothing it wrote or emitted survives.
 */
export interface Ctx {
  core: EmulatorCore;
  store: Store;
  ids: IdGenerator;
  /** Unix seconds for this unit of work: the global clock, or a job's `run_at`. */
  now(): number;
  /** Current time of a test clock (its `frozen_time`), or `now()` when `clockId` is empty. */
  clockNow(clockId: string | null | undefined): number;
  /** Stores an event (snapshot of `object`) and queues its webhook deliveries on commit. */
  emit(
    type: Stripe.Event.Type,
    object: object,
    previousAttributes?: Record<string, unknown> | null,
  ): Stripe.Event;
  /** Schedules a job; reusing an `id` replaces the scheduled job (e.g. `renew:sub_123`). */
  schedule(job: JobSpec): string;
  /** Cancels a scheduled job by id; no-op when it does not exist or already ran. */
  unschedule(id: string): void;
  /** The `request` block of events emitted by this unit (null ids for jobs). */
  request: { id: string | null; idempotency_key: string | null };
  /** Origin of the emulator (`http://127.0.0.1:12111`) for hosted URLs. */
  baseUrl: string;
}

export interface JobSpec {
  kind: string;
  /** Unix seconds, on the global clock or on `clockId`'s test clock. */
  runAt: number;
  clockId?: string | null;
  payload?: unknown;
  id?: string;
}

export type JobHandler = (
  ctx: Ctx,
  payload: unknown,
  job: { id: string; runAt: number; clockId: string | null },
) => void;

export type HttpMethod = "GET" | "POST" | "DELETE";

export interface ApiRequest {
  method: HttpMethod;
  /** Path without query string, e.g. `/v1/customers/cus_123`. */
  path: string;
  /** `:name` segments from the route pattern. */
  pathParams: Record<string, string>;
  /** Parsed form body (POST) or query (GET/DELETE), without `expand`. Validate with `parseParams`. */
  params: Record<string, unknown>;
  expand: string[];
  headers: Record<string, string | string[] | undefined>;
}

export interface ApiRoute {
  method: HttpMethod;
  /** Pattern with `:param` segments: `/v1/customers/:customer/balance_transactions`. */
  path: string;
  /** Returns the JSON body (an object or list). Throw `ApiError` for Stripe errors. */
  handler: (ctx: Ctx, req: ApiRequest) => unknown;
}

export interface PageRequest {
  method: "GET" | "POST";
  path: string;
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  /** Parsed `application/x-www-form-urlencoded` body for POST. */
  form: Record<string, unknown>;
}

export interface PageResponse {
  status?: number;
  /** HTML body (content type `text/html`). */
  html?: string;
  /** Arbitrary body with its content type (e.g. a PDF). */
  body?: string | Buffer;
  contentType?: string;
  /** 303 redirect target (after a form POST). */
  redirect?: string;
  headers?: Record<string, string>;
}

export interface PageRoute {
  method: "GET" | "POST";
  path: string;
  handler: (ctx: Ctx, req: PageRequest) => PageResponse;
}

/** JSON control endpoint under `/_emulator/`. Body is parsed JSON (or form) into `body`. */
export interface ControlRoute {
  method: HttpMethod;
  path: string;
  handler: (
    ctx: Ctx,
    req: {
      pathParams: Record<string, string>;
      body: Record<string, unknown>;
      query: Record<string, unknown>;
    },
  ) => unknown;
}

/**
 * Produces a field that Stripe only includes when expanded (e.g. a checkout session's
 * `line_items`). Keyed `"<object type>.<field>"`.
 */
export type Expander = (ctx: Ctx, object: StoredObject) => unknown;

/** What a resource or page module contributes. Register it in `src/resources/index.ts`. */
export interface EmulatorModule {
  name: string;
  routes?: ApiRoute[];
  pages?: PageRoute[];
  control?: ControlRoute[];
  jobs?: Record<string, JobHandler>;
  expanders?: Record<string, Expander>;
}
