import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors.ts";
import { type EmulatorCore, matchRoute } from "./emulator.ts";
import { applyExpand } from "./expand.ts";
import * as idem from "./idempotency.ts";
import { apiKeyOf, json, normalizeExpand, parseForm, readBody, send } from "./http.ts";
import type { ApiRequest, ApiRoute, HttpMethod } from "./types.ts";

/**
 * `/v1/*`, the Stripe API over HTTP: auth, idempotency keys (in flight and replayed), one
 * transaction per request, `expand[]`.
 */

export interface ApiServerState {
  core: EmulatorCore;
  /** Idempotency keys of requests still running: a duplicate meanwhile is a 409. */
  inFlightKeys: Set<string>;
  /** What the request log needs to know about a response beyond its status. */
  notes: WeakMap<ServerResponse, { error?: string; replayed?: boolean }>;
}

interface Refusal {
  error: ApiError;
  headers?: Record<string, string>;
}

/** What Stripe refuses before reading the body: no key, a live or unknown key, Connect. */
function refuse(req: IncomingMessage): Refusal | null {
  const key = apiKeyOf(req);
  if (!key) {
    return {
      error: new ApiError(
        401,
        "invalid_request_error",
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      ),
      headers: { "www-authenticate": 'Basic realm="Stripe"' },
    };
  }
  if (!/^(sk|rk)_test_\w+/.test(key)) {
    const masked = key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(4)}${key.slice(-4)}` : key;
    return {
      error: new ApiError(
        401,
        "invalid_request_error",
        `Invalid API Key provided: ${masked}. The Stripe emulator only accepts test mode secret keys (sk_test_…).`,
      ),
    };
  }
  if (req.headers["stripe-account"] !== undefined) {
    // One account only: acting on a connected account would silently hit the platform.
    return {
      error: new ApiError(
        400,
        "invalid_request_error",
        "The Stripe-Account header (Connect) is not emulated: the emulator has a single account.",
        { param: "stripe_account" },
      ),
    };
  }
  return null;
}

/** The route for a request, or null: a resource without a search route has no /search. */
function routeFor(core: EmulatorCore, method: HttpMethod, path: string) {
  const matched = matchRoute(core.apiRoutes, method, path);
  // `/v1/refunds/search` must not read as "No such refund: 'search'".
  if (!matched || "methodMismatch" in matched) return null;
  if (path.endsWith("/search") && !matched.route.path.endsWith("/search")) return null;
  return matched;
}

interface Call {
  state: ApiServerState;
  res: ServerResponse;
  requestId: string;
  idempotencyKey: string | undefined;
  headers: Record<string, string>;
  fail: (error: ApiError, extra?: Record<string, string>) => void;
}

/** Runs the route in one transaction; saves the answer under the idempotency key. */
function execute(
  call: Call,
  route: { route: ApiRoute; pathParams: Record<string, string> },
  apiReq: ApiRequest,
  print: string,
): void {
  const { core } = call.state;
  const { idempotencyKey } = call;
  const saveKey = (status: number, body: string) => {
    if (idempotencyKey === undefined) return;
    idem.save(
      core.store,
      idempotencyKey,
      print,
      { status, headers: { "request-id": call.requestId }, body },
      core.now(),
    );
  };
  let body: string;
  try {
    body = core.run(
      (ctx) => {
        try {
          const result = route.route.handler(ctx, apiReq);
          const out = json(applyExpand(ctx, result, apiReq.expand, core.expanders));
          saveKey(200, out);
          return out;
        } catch (error) {
          // Declines keep their state (failed charge, last_payment_error) and replay.
          if (error instanceof ApiError && error.commit)
            saveKey(error.status, json(error.toBody()));
          throw error;
        }
      },
      { request: { id: call.requestId, idempotency_key: idempotencyKey ?? null } },
    );
  } catch (error) {
    if (error instanceof ApiError) return call.fail(error);
    throw error;
  }
  const replayHeaders: Record<string, string> =
    idempotencyKey !== undefined ? { "idempotency-key": idempotencyKey } : {};
  send(call.res, 200, body, { ...call.headers, ...replayHeaders });
}

/** Reads, routes and answers (or replays) one API request. */
async function answer(
  call: Call,
  req: IncomingMessage,
  url: URL,
  method: HttpMethod,
): Promise<void> {
  const { core } = call.state;
  const { idempotencyKey } = call;
  const raw = await readBody(req);
  const params =
    method === "POST"
      ? parseForm(raw)
      : { ...parseForm(url.search.slice(1)), ...(raw ? parseForm(raw) : {}) };
  const path = url.pathname.replace(/\/+$/, "");
  const matched = routeFor(core, method, path);
  if (!matched) {
    return call.fail(
      new ApiError(
        404,
        "invalid_request_error",
        `Unrecognized request URL (${method}: ${path}). This endpoint is not emulated by @folio/stripe-emulator; see its README for the supported endpoints.`,
      ),
    );
  }
  let print = "";
  if (idempotencyKey !== undefined) {
    print = idem.fingerprint(method, path, params);
    const stored = idem.lookup(core.store, idempotencyKey, core.now());
    if (stored) {
      if (stored.fingerprint !== print) {
        return call.fail(
          new ApiError(
            400,
            "idempotency_error",
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          ),
        );
      }
      call.state.notes.set(call.res, { replayed: true });
      // A fresh Request-Id; the first request's id travels as Original-Request.
      return send(call.res, stored.response.status, stored.response.body, {
        ...call.headers,
        "idempotency-key": idempotencyKey,
        "idempotent-replayed": "true",
        "original-request": stored.response.headers["request-id"] ?? "",
      });
    }
  }
  const { expand: rawExpand, ...rest } = params;
  const apiReq: ApiRequest = {
    method,
    path,
    pathParams: matched.pathParams,
    params: rest,
    expand: normalizeExpand(rawExpand),
    headers: req.headers,
  };
  execute(call, matched, apiReq, print);
}

export async function handleApi(
  state: ApiServerState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const version = (req.headers["stripe-version"] as string | undefined) ?? state.core.apiVersion;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "stripe-version": version,
    "access-control-allow-origin": "*",
  };
  const fail = (error: ApiError, extra: Record<string, string> = {}) => {
    state.notes.set(res, { error: error.message });
    send(res, error.status, json(error.toBody()), { ...headers, ...extra });
  };
  const refusal = refuse(req);
  if (refusal) {
    req.resume();
    return fail(refusal.error, refusal.headers);
  }
  const method = (req.method ?? "GET").toUpperCase() as HttpMethod;
  const idempotencyKey =
    method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
  // Marked before the body is read, so a duplicate arriving meanwhile gets 409.
  if (idempotencyKey !== undefined) {
    if (state.inFlightKeys.has(idempotencyKey)) {
      req.resume();
      return fail(
        new ApiError(
          409,
          "idempotency_error",
          `There is currently another in-progress request using this Idempotent Key (${idempotencyKey}). Please try again later.`,
          { code: "idempotency_key_in_use" },
        ),
      );
    }
    state.inFlightKeys.add(idempotencyKey);
  }
  try {
    await answer({ state, res, requestId, idempotencyKey, headers, fail }, req, url, method);
  } finally {
    if (idempotencyKey !== undefined) state.inFlightKeys.delete(idempotencyKey);
  }
}
