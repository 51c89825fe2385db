import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { CSRF_MESSAGE, csrfGuard } from "../auth/csrf.ts";
import { createContextFactory } from "../context.ts";
import { appRouter, type AppRouter } from "../routers/_app.ts";
import { MAX_TRPC_BATCH_SIZE } from "./limits.ts";

export const TRPC_PREFIX = "/api/trpc";

// A refusal before tRPC runs, in tRPC's own error envelope, so the client shows the message
// like any other.
function errorEnvelope(
  req: FastifyRequest,
  code: "FORBIDDEN" | "UNSUPPORTED_MEDIA_TYPE",
  httpStatus: number,
  message: string,
) {
  const url = new URL(req.url, "http://folio.invalid");
  const paths = decodeURIComponent(url.pathname.slice(TRPC_PREFIX.length + 1)).split(",");
  const error = (path: string | undefined) => ({
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus, path },
    },
  });
  return url.searchParams.get("batch") === "1" ? paths.map(error) : error(paths[0]);
}

const JSON_ONLY_MESSAGE = "Send procedure input as JSON (Content-Type: application/json).";

/** tRPC at /api/trpc, with the CSRF guard and no-store caching scoped to it. */
export async function trpcRoutes(app: FastifyInstance): Promise<void> {
  app.addHook(
    "onRequest",
    csrfGuard(app.folio.env.APP_URL, (req) => errorEnvelope(req, "FORBIDDEN", 403, CSRF_MESSAGE)),
  );
  // Every input is JSON. tRPC's adapter also takes multipart and binary bodies, and answers a
  // multipart one with a 500 (it cannot read Fastify's stream); refuse them before parsing.
  app.addHook("onRequest", async (req, reply) => {
    if (req.method !== "POST") return;
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type === "application/json") return;
    await reply
      .code(415)
      .send(errorEnvelope(req, "UNSUPPORTED_MEDIA_TYPE", 415, JSON_ONLY_MESSAGE));
  });
  app.addHook("onRequest", async (_req, reply) => {
    reply.header("cache-control", "no-store");
  });

  await app.register(fastifyTRPCPlugin, {
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_TRPC_BATCH_SIZE,
      createContext: createContextFactory(app.folio),
      responseMeta: ({ ctx }) => (ctx ? { headers: ctx.resHeaders } : {}),
      onError({ error, path, req }) {
        if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "BAD_GATEWAY") {
          req.log.error({ err: error.cause ?? error, path }, "tRPC procedure failed");
        } else {
          req.log.info(
            { code: error.code, path, message: error.message },
            "tRPC procedure refused",
          );
        }
      },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);
}
