import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import qs from "qs";
import { ApiError } from "./errors.ts";
import { type EmulatorCore, logRequest, matchRoute } from "./emulator.ts";
import { applyExpand } from "./expand.ts";
import * as idem from "./idempotency.ts";
import type { ApiRequest, HttpMethod } from "./types.ts";

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 } as const;

export function parseForm(text: string): Record<string, unknown> {
  return qs.parse(text, QS_OPTIONS);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, "invalid_request_error", "Request body too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Accepts `Bearer sk_test_…` and Basic (`sk_test_…:`), like Stripe. */
function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ""] = header.split(" ", 2);
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    return Buffer.from(value, "base64").toString("utf8").split(":")[0];
  }
  return undefined;
}

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
  const inFlightKeys = new Set<string>();
  /** What the request log needs to know about a response beyond its status. */
  const notes = new WeakMap<ServerResponse, { error?: string; replayed?: boolean }>();

  return createServer((req, res) => {
    const requestId = `req_${core.ids.token(14)}`;
    res.setHeader("request-id", requestId);
    const url = new URL(req.url ?? "/", "http://localhost");
    const handle = url.pathname.startsWith("/v1/")
      ? logged(req, res, url, requestId, handleApi(req, res, url, requestId))
      : url.pathname.startsWith("/_emulator/")
        ? handleControl(req, res, url)
        : handlePage(req, res, url);
    handle.catch((error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, "api_error", `Internal emulator error: ${String(error)}`);
      if (!(error instanceof ApiError)) console.error("[stripe-emulator]", error);
      send(res, apiError.status, json(apiError.toBody()), { "content-type": "application/json" });
    });
  });

  async function logged(
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

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    const version = (req.headers["stripe-version"] as string | undefined) ?? core.apiVersion;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "stripe-version": version,
      "access-control-allow-origin": "*",
    };
    const fail = (error: ApiError, extra: Record<string, string> = {}) => {
      notes.set(res, { error: error.message });
      send(res, error.status, json(error.toBody()), { ...headers, ...extra });
    };

    const key = apiKeyOf(req);
    if (!key) {
      req.resume();
      return fail(
        new ApiError(
          401,
          "invalid_request_error",
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
        { "www-authenticate": 'Basic realm="Stripe"' },
      );
    }
    if (!/^(sk|rk)_test_\w+/.test(key)) {
      req.resume();
      const masked = key.length > 8 ? `${key.slice(0, 8)}${"*".repeat(4)}${key.slice(-4)}` : key;
      return fail(
        new ApiError(
          401,
          "invalid_request_error",
          `Invalid API Key provided: ${masked}. The Stripe emulator only accepts test mode secret keys (sk_test_…).`,
        ),
      );
    }

    if (req.headers["stripe-account"] !== undefined) {
      req.resume();
      // One account only: acting on a connected account would silently hit the platform.
      return fail(
        new ApiError(
          400,
          "invalid_request_error",
          "The Stripe-Account header (Connect) is not emulated: the emulator has a single account.",
          { param: "stripe_account" },
        ),
      );
    }
    const method = (req.method ?? "GET").toUpperCase() as HttpMethod;
    const idempotencyKey =
      method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
    // Marked before the body is read, so a duplicate arriving meanwhile gets 409.
    if (idempotencyKey !== undefined) {
      if (inFlightKeys.has(idempotencyKey)) {
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
      inFlightKeys.add(idempotencyKey);
    }
    try {
      const raw = await readBody(req);
      const params =
        method === "POST"
          ? parseForm(raw)
          : { ...parseForm(url.search.slice(1)), ...(raw ? parseForm(raw) : {}) };
      const path = url.pathname.replace(/\/+$/, "");
      const matched = matchRoute(core.apiRoutes, method, path);
      // `/v1/refunds/search` must not read as "No such refund: 'search'": a resource
      // without a search route has no search endpoint here.
      const searchNotEmulated =
        matched !== undefined &&
        !("methodMismatch" in matched) &&
        path.endsWith("/search") &&
        !matched.route.path.endsWith("/search");
      if (!matched || "methodMismatch" in matched || searchNotEmulated) {
        return fail(
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
            return fail(
              new ApiError(
                400,
                "idempotency_error",
                `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
              ),
            );
          }
          notes.set(res, { replayed: true });
          // A fresh Request-Id; the first request's id travels as Original-Request.
          return send(res, stored.response.status, stored.response.body, {
            ...headers,
            "idempotency-key": idempotencyKey,
            "idempotent-replayed": "true",
            "original-request": stored.response.headers["request-id"] ?? "",
          });
        }
      }

      const { expand: rawExpand, ...rest } = params;
      const expand = normalizeExpand(rawExpand);
      const apiReq: ApiRequest = {
        method,
        path,
        pathParams: matched.pathParams,
        params: rest,
        expand,
        headers: req.headers,
      };
      const saveKey = (status: number, body: string) => {
        if (idempotencyKey === undefined) return;
        idem.save(
          core.store,
          idempotencyKey,
          print,
          { status, headers: { "request-id": requestId }, body },
          core.now(),
        );
      };
      let body: string;
      try {
        body = core.run(
          (ctx) => {
            try {
              const result = matched.route.handler(ctx, apiReq);
              const out = json(applyExpand(ctx, result, expand, core.expanders));
              saveKey(200, out);
              return out;
            } catch (error) {
              // Declines keep their state (failed charge, last_payment_error) and replay.
              if (error instanceof ApiError && error.commit)
                saveKey(error.status, json(error.toBody()));
              throw error;
            }
          },
          { request: { id: requestId, idempotency_key: idempotencyKey ?? null } },
        );
      } catch (error) {
        if (error instanceof ApiError) return fail(error);
        throw error;
      }
      const replayHeaders: Record<string, string> =
        idempotencyKey !== undefined ? { "idempotency-key": idempotencyKey } : {};
      send(res, 200, body, { ...headers, ...replayHeaders });
    } finally {
      if (idempotencyKey !== undefined) inFlightKeys.delete(idempotencyKey);
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = { "content-type": "application/json" };
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw) {
      const type = req.headers["content-type"] ?? "";
      try {
        body = type.includes("json")
          ? (JSON.parse(raw) as Record<string, unknown>)
          : parseForm(raw);
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

  async function handlePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
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
}

function normalizeExpand(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw)) return raw.filter((x): x is string => typeof x === "string");
  if (raw && typeof raw === "object") {
    return Object.values(raw as Record<string, unknown>).filter(
      (x): x is string => typeof x === "string",
    );
  }
  return [];
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui;max-width:40rem;margin:4rem auto"><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></body></html>`;
}
