import {
  MAX_BATCH,
  authenticateApiKey,
  entitlements,
  isDomainError,
  type ApiKeyView,
  type UsageEventResult,
} from "@folio/billing";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { openApiDocument } from "./openapi.ts";

// The usage API for the merchant's backend: plain JSON over HTTP under /api/v1 (not tRPC), with
// server-side API keys. Every refusal is `{ error: { code, field, message } }` with a 4xx that
// says what kind of refusal it is; see openapi.ts for the contract.

export const USAGE_API_PREFIX = "/api/v1";
/** Room for a full batch of events with long idempotency keys. */
export const USAGE_API_BODY_LIMIT = 512 * 1024;

type Scope = ApiKeyView["scopes"][number];

interface ApiError {
  code: string;
  field?: string;
  message: string;
}

const refuse = (reply: FastifyReply, status: number, error: ApiError) =>
  reply.code(status).header("cache-control", "no-store").send({ error });

/** Checks the bearer key for `scope`; answers the refusal itself and returns null when it fails. */
async function authorize(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: Scope,
): Promise<string | null> {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    reply.header("www-authenticate", 'Bearer realm="folio"');
    await refuse(reply, 401, {
      code: "unauthorized",
      field: "authorization",
      message: "Send your API key as `Authorization: Bearer <key>`.",
    });
    return null;
  }
  const check = await authenticateApiKey(app.folio, match[1]!, scope);
  if (!check.ok) {
    if (check.status === 401)
      reply.header("www-authenticate", 'Bearer realm="folio", error="invalid_token"');
    await refuse(reply, check.status, {
      code: check.status === 401 ? "unauthorized" : "forbidden",
      field: "authorization",
      message: check.message,
    });
    return null;
  }
  return check.id;
}

/** HTTP status for a single event's refusal. */
function statusOf(r: Extract<UsageEventResult, { status: "rejected" }>): number {
  switch (r.error.code) {
    case "unknown_customer":
    case "unknown_meter":
      return 404;
    case "limit_reached":
      return 402;
    case "invalid":
      return 400;
  }
}

/** What one event's result looks like on the wire (dates as ISO strings, no internal index). */
function wire(r: UsageEventResult) {
  if (r.status === "rejected") return { status: r.status, error: r.error };
  return {
    status: r.status,
    eventId: String(r.eventId),
    customer: r.customerId,
    meter: r.meter,
    quantity: r.quantity,
    periodStart: r.periodStart.toISOString(),
    included: r.included,
    credits: r.credits,
    overage: r.overage,
  };
}

export function usageApiRoutes(app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) {
  app.setErrorHandler<FastifyError>(async (err, req, reply) => {
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return refuse(reply, 413, {
        code: "body_too_large",
        field: "body",
        message: `The body is over ${USAGE_API_BODY_LIMIT / 1024} KiB; send at most ${MAX_BATCH} events per batch.`,
      });
    }
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return refuse(reply, 415, {
        code: "unsupported_media_type",
        field: "body",
        message: "Send JSON (Content-Type: application/json).",
      });
    }
    if (err.statusCode === 400) {
      return refuse(reply, 400, {
        code: "invalid_json",
        field: "body",
        message: `The body is not valid JSON: ${err.message}`,
      });
    }
    throw err; // the app's handler: 500 without internals
  });

  app.get("/openapi.json", async (_req, reply) => {
    reply.header("cache-control", "no-cache");
    return openApiDocument();
  });

  app.post("/usage", { bodyLimit: USAGE_API_BODY_LIMIT }, async (req, reply) => {
    const apiKeyId = await authorize(app, req, reply, "usage:write");
    if (apiKeyId === null) return reply;
    if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) {
      return refuse(reply, 400, {
        code: "invalid",
        field: "body",
        message: "Send one event as a JSON object; use /api/v1/usage/batch for many.",
      });
    }
    const [result] = await app.folio.recordUsage([req.body], { apiKeyId });
    if (result!.status === "rejected") return refuse(reply, statusOf(result!), result!.error);
    return reply
      .code(result!.status === "recorded" ? 201 : 200)
      .header("cache-control", "no-store")
      .send(wire(result!));
  });

  app.post("/usage/batch", { bodyLimit: USAGE_API_BODY_LIMIT }, async (req, reply) => {
    const apiKeyId = await authorize(app, req, reply, "usage:write");
    if (apiKeyId === null) return reply;
    const events = (req.body as { events?: unknown } | null)?.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH) {
      return refuse(reply, 400, {
        code: "invalid",
        field: "events",
        message: `Send { "events": [ … ] } with 1 to ${MAX_BATCH} events.`,
      });
    }
    const results = await app.folio.recordUsage(events, { apiKeyId });
    const count = (s: UsageEventResult["status"]) => results.filter((r) => r.status === s).length;
    reply.header("cache-control", "no-store");
    return {
      recorded: count("recorded"),
      duplicates: count("duplicate"),
      rejected: count("rejected"),
      results: results.map(wire),
    };
  });

  app.get<{ Params: { customer: string } }>("/entitlements/:customer", async (req, reply) => {
    if ((await authorize(app, req, reply, "entitlements:read")) === null) return reply;
    try {
      const e = await entitlements(app.folio, req.params.customer);
      reply.header("cache-control", "no-store");
      return {
        customer: e.customerId,
        at: e.at.toISOString(),
        credits: e.credits,
        meters: e.meters.map((m) => ({
          ...m,
          periodStart: m.periodStart.toISOString(),
          periodEnd: m.periodEnd.toISOString(),
        })),
      };
    } catch (err) {
      if (isDomainError(err) && err.code === "NOT_FOUND") {
        return refuse(reply, 404, {
          code: "unknown_customer",
          field: "customer",
          message: err.message,
        });
      }
      throw err;
    }
  });
  done();
}
