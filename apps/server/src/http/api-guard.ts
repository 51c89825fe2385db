import type { FastifyReply, FastifyRequest } from "fastify";
import { STRIPE_WEBHOOK_PATH } from "../routes/stripe-webhook.ts";
import { MAX_API_URL_LENGTH } from "./limits.ts";

/** Methods each API path answers; everything under /api is GET/POST unless listed. */
function allowedMethods(path: string): string[] {
  if (path === STRIPE_WEBHOOK_PATH) return ["POST"];
  return ["GET", "HEAD", "POST"];
}

function apiPath(url: string): string | null {
  const path = url.split("?")[0] ?? "";
  return path === "/api" || path.startsWith("/api/") ? path : null;
}

/**
 * Refuses what no API route handles before any route runs: other methods (TRACE, PUT, DELETE…)
 * get 405 with `Allow`, OPTIONS gets the same list with 204, over-long URLs get 414. Without it
 * the tRPC adapter takes every method and answers TRACE with a 500.
 */
export async function guardApiRequests(req: FastifyRequest, reply: FastifyReply) {
  const path = apiPath(req.url);
  if (path === null) return;
  const allowed = allowedMethods(path);
  if (req.method === "OPTIONS") {
    return reply.code(204).header("allow", allowed.join(", ")).send();
  }
  if (!allowed.includes(req.method)) {
    return reply
      .code(405)
      .header("allow", allowed.join(", "))
      .send({
        error: {
          code: "METHOD_NOT_ALLOWED",
          message: `${req.method} is not supported on ${path}; use ${allowed.filter((m) => m !== "HEAD").join(" or ")}.`,
        },
      });
  }
  if (req.url.length > MAX_API_URL_LENGTH) {
    return reply.code(414).send({
      error: {
        code: "URI_TOO_LONG",
        message: `Request URLs are limited to ${MAX_API_URL_LENGTH} characters; send large input in a POST body.`,
      },
    });
  }
}
