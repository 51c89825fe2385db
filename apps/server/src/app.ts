import { existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";
import {
  recordHooks,
  recordUsage,
  startWebhookWorker,
  type Clock,
  type JobWorker,
  type UsageEventResult,
  type WebhookWorker,
  type WorkerOptions,
} from "@folio/billing";
import { pingDb, type Db } from "@folio/db";
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from "fastify";
import type Stripe from "stripe";
import { AUTH_RULES, LoginThrottle } from "./auth/throttle.ts";
import type { Env } from "./env.ts";
import { INTERNAL_ERROR_MESSAGE } from "./errors.ts";
import { guardApiRequests } from "./http/api-guard.ts";
import { isAuthPagePath } from "./http/auth-pages.ts";
import { MAX_API_URL_LENGTH } from "./http/limits.ts";
import { inlineScriptHashes, securityHeaders } from "./http/security.ts";
import { EXPORT_PREFIX, csvExportRoutes } from "./http/csv-export/route.ts";
import { TRPC_PREFIX, trpcRoutes } from "./http/trpc-plugin.ts";
import { stripeWebhookRoute } from "./routes/stripe-webhook.ts";
import { USAGE_API_PREFIX, usageApiRoutes } from "./routes/usage-api/route.ts";
import { demoHealth } from "./demo/status.ts";

export interface AppDeps {
  env: Env;
  db: Db;
  clock: Clock;
  stripe?: Stripe;
  /** Webhook signing secrets, read per request (a live array or a getter); default
   * STRIPE_WEBHOOK_SECRETS. */
  webhookSecrets?: readonly string[] | (() => readonly string[]);
  /** The in-process apply worker runs when `stripe` is given, unless this is false. */
  webhookWorker?: false | WorkerOptions;
  /** This instance's name in inbox claims (startServer's `holder`); default: the worker's. */
  holder?: string;
  /** Built SPA to serve in production; defaults to apps/web/dist. */
  webDistDir?: string;
  loginThrottle?: LoginThrottle;
}

/** What every route and the tRPC context can reach, via `app.folio` / `req.server.folio`. */
export interface AppServices {
  env: Env;
  db: Db;
  clock: Clock;
  stripe: Stripe | undefined;
  loginThrottle: LoginThrottle;
  /** Applies stored webhook events; null without a Stripe client. */
  webhookWorker: WebhookWorker | null;
  /** Runs queued jobs (startServer starts it); null when none runs in this process. */
  jobWorker: JobWorker | null;
  /** Records usage API events: here, or on the usage writer thread that startServer starts on
   * SQLite (usage-writer.ts). */
  recordUsage: (
    events: unknown[],
    opts: { apiKeyId: string | null },
  ) => Promise<UsageEventResult[]>;
}

declare module "fastify" {
  interface FastifyInstance {
    folio: AppServices;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIST = resolve(here, "../../web/dist");
export const VERSION = (
  JSON.parse(readFileSync(join(here, "../package.json"), "utf8")) as { version: string }
).version;

/** A database that has not answered by then counts as down (a dead host may take the pool's
 * whole connect timeout to fail). */
const HEALTH_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface WebBuild {
  dir: string;
  /** The SPA. */
  indexHtml: string;
  /** The light entry of the public auth pages (AUTH_PAGE_PATHS). */
  authHtml: string;
}

function loadWebBuild(dir: string, log: FastifyBaseLogger): WebBuild | null {
  const index = join(dir, "index.html");
  if (!existsSync(index)) {
    log.error(
      `The web app is not built: ${index} does not exist. Run \`pnpm --filter @folio/web build\` (or \`pnpm start\`, which builds it) and restart the server.`,
    );
    return null;
  }
  const auth = join(dir, "auth.html");
  if (!existsSync(auth)) {
    log.error(
      `The web build at ${dir} has no auth.html (the sign-in pages): rebuild it with \`pnpm --filter @folio/web build\` and restart the server.`,
    );
    return null;
  }
  return { dir, indexHtml: readFileSync(index, "utf8"), authHtml: readFileSync(auth, "utf8") };
}

function isApiPath(url: string): boolean {
  const path = url.split("?")[0] ?? "";
  return path === "/api" || path.startsWith("/api/") || path === "/healthz";
}

function wantsHtmlPage(req: FastifyRequest): boolean {
  return (
    (req.method === "GET" || req.method === "HEAD") &&
    !isApiPath(req.url) &&
    (req.headers.accept ?? "").includes("text/html")
  );
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { env, db } = deps;
  const app = Fastify({
    logger: { level: env.LOG_LEVEL },
    // One hop: the client IP is the address the proxy in front of us saw. `true` would trust
    // every X-Forwarded-For entry and take the leftmost, which the client writes itself.
    trustProxy: env.TRUST_PROXY ? (_address: string, hop: number) => hop < 1 : false,
    genReqId: () => randomUUID(),
    // tRPC batches put every procedure name in one path segment (`/api/trpc/a.b,c.d,…`);
    // Fastify's default 100-character limit answered bigger batches with 414.
    routerOptions: { maxParamLength: MAX_API_URL_LENGTH },
    // Fastify's default logs two lines per request; Stripe alone sends thousands. One line per
    // request instead, at debug for routine successes (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.decorate("folio", {
    env,
    db,
    clock: deps.clock,
    stripe: deps.stripe,
    loginThrottle:
      deps.loginThrottle ??
      new LoginThrottle(deps.clock, {
        ...AUTH_RULES,
        signUpIp: { ...AUTH_RULES.signUpIp, free: env.SIGN_UPS_PER_ADDRESS_PER_HOUR },
      }),
    webhookWorker: null,
    jobWorker: null,
    recordUsage: (events, opts) => recordUsage({ db, clock: deps.clock }, events, opts),
  } satisfies AppServices);

  const web =
    env.NODE_ENV === "production"
      ? loadWebBuild(deps.webDistDir ?? DEFAULT_WEB_DIST, app.log)
      : null;
  const headers = securityHeaders(
    env,
    web ? [web.indexHtml, web.authHtml].flatMap((html) => inlineScriptHashes(html)) : [],
  );
  // Closing destroys idle keep-alive connections once; a connection busy at that moment (a
  // Stripe webhook delivery in flight) would otherwise stay open after its answer, and the close
  // would wait out the client's keep-alive (over a minute). Answers sent while closing end theirs.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_req, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (_req, _reply, done) => {
    // An answer already on its way when closing began went out as keep-alive.
    if (closing) setImmediate(() => app.server.closeIdleConnections());
    done();
  });
  app.addHook("onRequest", async (req, reply) => {
    reply.headers(headers);
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    const line = {
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) req.log.error(line, "request failed");
    else if (reply.statusCode >= 400) req.log.warn(line, "request refused");
    else req.log.debug(line, "request");
  });

  // Fastify's default handler sends an unexpected error's own message (a SQLite path, a Node
  // internals message) to the client. Refusals (4xx) keep theirs; failures read like tRPC's.
  app.setErrorHandler<FastifyError>(async (err, req, reply) => {
    // The client went away mid-response (a cancelled query, a closed tab): a compressed body's
    // stream then ends early. Nobody is left to answer; it is not a server failure.
    if (err.code === "ERR_STREAM_PREMATURE_CLOSE" || reply.raw.destroyed) {
      req.log.debug({ code: err.code }, "client closed the connection before the response ended");
      return;
    }
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    if (status < 500) return reply.code(status).send(err);
    req.log.error({ err }, "request failed");
    return reply.code(status).send({
      error: { code: "INTERNAL_SERVER_ERROR", message: INTERNAL_ERROR_MESSAGE, requestId: req.id },
    });
  });

  app.get("/healthz", async (req, reply) => {
    reply.header("cache-control", "no-store");
    // Asks the database each time: a load balancer takes an instance out while its database
    // is unreachable and back in once it answers again; the server itself keeps running.
    try {
      await withTimeout(pingDb(db), HEALTH_TIMEOUT_MS);
      return { ok: true, db: "ok", version: VERSION, ...demoHealth() };
    } catch (err) {
      req.log.error({ err }, "health check: the database does not answer");
      return reply.code(503).send({ ok: false, db: "down", version: VERSION });
    }
  });

  // Dynamic responses (tRPC JSON, index.html) compressed per request; built assets are sent
  // from the .br/.gz files written at build time (see apps/web/build/precompress.ts).
  await app.register(fastifyCompress, {
    encodings: ["br", "gzip"],
    threshold: 1024,
    // Quality 4 keeps brotli about as cheap as gzip for per-request work.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  app.addHook("onRequest", guardApiRequests);

  await app.register(trpcRoutes, { prefix: TRPC_PREFIX });
  await app.register(csvExportRoutes, { prefix: EXPORT_PREFIX });
  await app.register(usageApiRoutes, { prefix: USAGE_API_PREFIX });

  if (deps.stripe && deps.webhookWorker !== false) {
    const worker = startWebhookWorker(
      { db, stripe: deps.stripe, clock: deps.clock, hooks: recordHooks, logger: app.log },
      { ...deps.webhookWorker, ...(deps.holder ? { holder: deps.holder } : {}) },
    );
    app.folio.webhookWorker = worker;
    // Before Fastify's onClose hooks (which close the database) run.
    app.addHook("preClose", () => worker.stop());
  }
  const secrets = deps.webhookSecrets ?? env.STRIPE_WEBHOOK_SECRETS;
  await app.register(stripeWebhookRoute, {
    secrets: typeof secrets === "function" ? secrets : () => secrets,
    onStored: () => app.folio.webhookWorker?.wake(),
  });

  if (web) {
    await app.register(fastifyStatic, {
      root: web.dir,
      // Routes for the files present at start; anything else falls to the handler below.
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders(res, path) {
        // Vite fingerprints everything under assets/, so it can be cached for good.
        // Each file may be sent as its .br or .gz twin (preCompressed), so caches must key on it.
        res.setHeader("vary", "accept-encoding");
        res.setHeader(
          "cache-control",
          path.startsWith(join(web.dir, "assets") + sep)
            ? "public, max-age=31536000, immutable"
            : "no-cache",
        );
      },
    });
  }

  app.setNotFoundHandler(async (req, reply) => {
    if (wantsHtmlPage(req)) {
      if (web) {
        // History fallback: the client router owns every non-API path but the auth pages,
        // which have their own light entry.
        const path = (req.url.split("?")[0] ?? "").replace(/(.)\/$/, "$1");
        return reply
          .type("text/html; charset=utf-8")
          .header("cache-control", "no-cache")
          .send(isAuthPagePath(path) ? web.authHtml : web.indexHtml);
      }
      if (env.NODE_ENV === "production") {
        return reply
          .code(503)
          .type("text/plain; charset=utf-8")
          .send(
            "Folio's web app has not been built. Run `pnpm --filter @folio/web build` (or `pnpm start`) and restart the server.",
          );
      }
    }
    return reply.code(404).send({
      error: { code: "NOT_FOUND", message: `No route for ${req.method} ${req.url.split("?")[0]}` },
    });
  });

  return app;
}
