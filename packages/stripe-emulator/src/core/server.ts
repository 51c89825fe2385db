import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApiError } from "./errors.ts";
import { type EmulatorCore, logRequest, matchRoute } from "./emulator.ts";
import { errorPage, json, parseForm, readBody, send } from "./http.ts";
import { handleApi, type ApiServerState } from "./server-api.ts";

export interface ServerHooks {
  /** Control routes built into the emulator (reset, clock, deliveries, faults, flush). */
  builtinControl: (
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: Record<string, unknown>,
  ) => Promise<{ status: number; body: unknown } | undefined>;
}

/**
 * HTTP front: `/v1/*` is the Stripe API (auth, idempotency, one transaction per request,
 * `expand[]`), `/_emulator/*` the JSON control API, anything else a hosted page.
 */
export function createHttpServer(core: EmulatorCore, hooks: ServerHooks): Server {
  const state: ApiServerState = { core, inFlightKeys: new Set(), notes: new WeakMap() };

  return createServer((req, res) => {
    const requestId = `req_${core.ids.token(14)}`;
    res.setHeader("request-id", requestId);
    const url = new URL(req.url ?? "/", "http://localhost");
    const handle = url.pathname.startsWith("/v1/")
      ? logged(state, req, res, url, requestId, handleApi(state, req, res, url, requestId))
      : url.pathname.startsWith("/_emulator/")
        ? handleControl(core, hooks, req, res, url)
        : handlePage(core, req, res, url);
    handle.catch((error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, "api_error", `Internal emulator error: ${String(error)}`);
      if (!(error instanceof ApiError)) console.error("[stripe-emulator]", error);
      send(res, apiError.status, json(apiError.toBody()), { "content-type": "application/json" });
    });
  });
}

/** Runs an API request and records it in the request log (dashboard, `/_emulator/requests`). */
async function logged(
  { core, notes }: ApiServerState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  requestId: string,
  work: Promise<void>,
): Promise<void> {
  const started = Date.now();
  let crashed = false;
  try {
    await work;
  } catch (error) {
    crashed = true;
    throw error;
  } finally {
    const note = notes.get(res);
    logRequest(core, {
      id: requestId,
      at: new Date(started).toISOString(),
      method: req.method ?? "GET",
      path: url.pathname,
      status: crashed && !res.headersSent ? 500 : res.statusCode,
      durationMs: Date.now() - started,
      idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null,
      replayed: note?.replayed ?? false,
      error: note?.error ?? null,
    });
  }
}

/** `/_emulator/*`: the JSON control API (built-in routes first, then the modules'). */
async function handleControl(
  core: EmulatorCore,
  hooks: ServerHooks,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const headers = { "content-type": "application/json" };
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw) {
    const type = req.headers["content-type"] ?? "";
    try {
      body = type.includes("json") ? (JSON.parse(raw) as Record<string, unknown>) : parseForm(raw);
    } catch {
      throw new ApiError(400, "invalid_request_error", "Control API bodies must be JSON.");
    }
  }
  const query = parseForm(url.search.slice(1));
  const method = (req.method ?? "GET").toUpperCase();
  const path = url.pathname.replace(/\/+$/, "");
  const builtin = await hooks.builtinControl(method, path, body, query);
  if (builtin) return send(res, builtin.status, json(builtin.body), headers);
  const matched = matchRoute(core.controlRoutes, method, path);
  if (!matched || "methodMismatch" in matched) {
    throw new ApiError(
      404,
      "invalid_request_error",
      `Unknown control endpoint (${method}: ${path}).`,
    );
  }
  const result = core.run((ctx) =>
    matched.route.handler(ctx, { pathParams: matched.pathParams, body, query }),
  );
  send(res, 200, json(result), headers);
}

/** Anything else: a hosted page (HTML, a redirect after a form, or a file such as a PDF). */
async function handlePage(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const raw = await readBody(req);
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const matched = matchRoute(core.pageRoutes, method, path);
  if (!matched || "methodMismatch" in matched || (method !== "GET" && method !== "POST")) {
    return send(res, 404, errorPage("Not found", `No page at ${path}.`), {
      "content-type": "text/html; charset=utf-8",
    });
  }
  try {
    const page = core.run((ctx) =>
      matched.route.handler(ctx, {
        method,
        path,
        pathParams: matched.pathParams,
        query: parseForm(url.search.slice(1)),
        form: method === "POST" ? parseForm(raw) : {},
      }),
    );
    if (page.redirect) {
      return send(res, page.status ?? 303, "", { location: page.redirect, ...page.headers });
    }
    if (page.html !== undefined) {
      return send(res, page.status ?? 200, page.html, {
        "content-type": "text/html; charset=utf-8",
        ...page.headers,
      });
    }
    send(res, page.status ?? 200, page.body ?? "", {
      "content-type": page.contentType ?? "application/octet-stream",
      ...page.headers,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    send(
      res,
      error.status === 402 ? 402 : error.status,
      errorPage("Something went wrong", error.message),
      {
        "content-type": "text/html; charset=utf-8",
      },
    );
  }
}
