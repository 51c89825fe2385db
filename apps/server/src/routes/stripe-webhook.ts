import { ingestWebhook } from "@folio/billing";
import type { FastifyInstance } from "fastify";

export const STRIPE_WEBHOOK_PATH = "/api/stripe/webhook";

export interface StripeWebhookRouteOptions {
  /** Read on every request: the set can change at runtime (endpoint registration, rotation). */
  secrets: () => readonly string[];
  /** Called after a new event is stored (wakes the apply worker). */
  onStored?: () => void;
  toleranceSeconds?: number;
}

const MESSAGES: Record<string, string> = {
  missing_header: "Missing Stripe-Signature header.",
  malformed_header: "Malformed Stripe-Signature header.",
  no_v1_signature: "No v1 signature in the Stripe-Signature header.",
  timestamp_too_old: "Signature timestamp is outside the tolerance (too old).",
  timestamp_in_future: "Signature timestamp is outside the tolerance (in the future).",
  no_secret_configured: "No webhook signing secret is configured (STRIPE_WEBHOOK_SECRETS).",
  signature_mismatch: "Signature does not match any configured signing secret.",
  invalid_payload: "Body is not a Stripe event.",
};

/**
 * `POST /api/stripe/webhook`: verify over the exact bytes, store in the inbox, acknowledge.
 * Registered as its own plugin so the raw-Buffer body parser stays scoped to this route and
 * tRPC keeps Fastify's JSON parser.
 */
export function stripeWebhookRoute(
  app: FastifyInstance,
  opts: StripeWebhookRouteOptions,
  done: (err?: Error) => void,
): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: 4 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  app.post(STRIPE_WEBHOOK_PATH, async (req, reply) => {
    reply.header("cache-control", "no-store");
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await ingestWebhook(
      { db: app.folio.db, clock: app.folio.clock },
      {
        rawBody,
        signatureHeader: req.headers["stripe-signature"],
        secrets: opts.secrets(),
        ...(opts.toleranceSeconds !== undefined ? { toleranceSeconds: opts.toleranceSeconds } : {}),
      },
    );
    if (!result.ok) {
      req.log.warn({ reason: result.reason }, "stripe webhook refused");
      return reply.code(400).send({ error: result.reason, message: MESSAGES[result.reason] });
    }
    if (!result.duplicate && result.status === "pending") opts.onStored?.();
    return { received: true };
  });
  done();
}
