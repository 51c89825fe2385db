import type { FastifyReply, FastifyRequest } from "fastify";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Decides whether a state-changing request came from our own pages. Browsers send
 * Sec-Fetch-Site on every request; older ones at least send Origin on POST. A request with
 * neither is refused, so non-browser clients must send `Origin: <APP_URL>`.
 */
export function isSameOriginRequest(
  method: string,
  headers: Record<string, string | string[] | undefined>,
  appOrigin: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const site = headers["sec-fetch-site"];
  if (typeof site === "string") return site === "same-origin" || site === "none";
  const origin = headers["origin"];
  return typeof origin === "string" && origin === appOrigin;
}

export const CSRF_MESSAGE =
  "Cross-site request refused. Send requests from the Folio app itself (non-browser clients: set the Origin header to APP_URL).";

/**
 * Fastify onRequest hook: 403 for cross-site state-changing requests. `body` shapes the refusal
 * for the route family (tRPC clients expect tRPC's error envelope).
 */
export function csrfGuard(
  appOrigin: string,
  body: (req: FastifyRequest) => unknown = () => ({
    error: { code: "FORBIDDEN", message: CSRF_MESSAGE },
  }),
) {
  return async function csrfHook(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (isSameOriginRequest(req.method, req.headers, appOrigin)) return;
    req.log.warn(
      { origin: req.headers.origin, secFetchSite: req.headers["sec-fetch-site"] },
      "rejected cross-site request",
    );
    await reply.code(403).send(body(req));
  };
}
