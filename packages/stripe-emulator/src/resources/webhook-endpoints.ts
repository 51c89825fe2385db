import type Stripe from "stripe";
import { resourceMissing } from "../core/errors.ts";
import { listObjects } from "../core/list.ts";
import {
  applyMetadata,
  emptyable,
  list,
  listShape,
  metadata,
  obj,
  parseParams,
  str,
  bool,
} from "../core/params.ts";
import type { Ctx, EmulatorModule } from "../core/types.ts";
import { z } from "zod";

const url = () =>
  z.string().refine(
    (u) => {
      try {
        const parsed = new URL(u);
        return parsed.protocol === "http:" || parsed.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "Invalid URL: must be an http(s) URL" },
  );

const createSchema = obj({
  url: url(),
  enabled_events: list(z.string().min(1)).refine((e) => e.length > 0, {
    message: "enabled_events must not be empty",
  }),
  api_version: z.string().optional(),
  connect: bool().optional(),
  description: emptyable(str({ max: 5000 })).optional(),
  metadata: metadata().optional(),
});

const updateSchema = obj({
  url: url().optional(),
  enabled_events: list(z.string().min(1)).optional(),
  description: emptyable(str({ max: 5000 })).optional(),
  disabled: bool().optional(),
  metadata: metadata().optional(),
});

export interface NewEndpoint {
  url: string;
  enabledEvents?: string[];
  secret?: string;
  description?: string | null;
  metadata?: Record<string, string>;
}

/**
 * Creates an endpoint and its signing secret. Used by the API and by `startEmulator({
 * webhookEndpoints })`; the secret is only part of the create response, like Stripe.
 */
export function createWebhookEndpoint(
  ctx: Ctx,
  input: NewEndpoint,
  apiVersion: string | null = ctx.core.apiVersion,
): Stripe.WebhookEndpoint & { secret: string } {
  const endpoint: Stripe.WebhookEndpoint = {
    id: ctx.ids.id("we"),
    object: "webhook_endpoint",
    api_version: apiVersion,
    application: null,
    created: ctx.now(),
    description: input.description ?? null,
    enabled_events: input.enabledEvents ?? ["*"],
    livemode: false,
    metadata: input.metadata ?? {},
    status: "enabled",
    url: input.url,
  };
  ctx.store.insert(endpoint);
  const secret = input.secret ?? `whsec_${ctx.ids.token(32)}`;
  ctx.core.webhooks.addSecret(endpoint.id, secret);
  return { ...endpoint, secret };
}

function load(ctx: Ctx, id: string): Stripe.WebhookEndpoint {
  const endpoint = ctx.store.getTyped<Stripe.WebhookEndpoint>("webhook_endpoint", id);
  if (!endpoint) throw resourceMissing("webhook endpoint", id);
  return endpoint;
}

export const webhookEndpointsModule: EmulatorModule = {
  name: "webhook_endpoints",
  routes: [
    {
      method: "POST",
      path: "/v1/webhook_endpoints",
      handler: (ctx, req) => {
        const p = parseParams(createSchema, req.params);
        return createWebhookEndpoint(
          ctx,
          {
            url: p.url,
            enabledEvents: p.enabled_events,
            description: p.description ?? null,
            metadata: applyMetadata({}, p.metadata),
          },
          p.api_version ?? ctx.core.apiVersion,
        );
      },
    },
    {
      method: "GET",
      path: "/v1/webhook_endpoints/:id",
      handler: (ctx, req) => load(ctx, req.pathParams.id ?? ""),
    },
    {
      method: "POST",
      path: "/v1/webhook_endpoints/:id",
      handler: (ctx, req) => {
        const endpoint = load(ctx, req.pathParams.id ?? "");
        const p = parseParams(updateSchema, req.params);
        const next: Stripe.WebhookEndpoint = {
          ...endpoint,
          url: p.url ?? endpoint.url,
          enabled_events: p.enabled_events ?? endpoint.enabled_events,
          description: p.description !== undefined ? p.description : endpoint.description,
          status: p.disabled === undefined ? endpoint.status : p.disabled ? "disabled" : "enabled",
          metadata: applyMetadata(endpoint.metadata, p.metadata),
        };
        ctx.store.update(next);
        return next;
      },
    },
    {
      method: "GET",
      path: "/v1/webhook_endpoints",
      handler: (ctx, req) => {
        const p = parseParams(obj({ ...listShape }), req.params);
        return listObjects(ctx, "webhook_endpoint", p, "/v1/webhook_endpoints");
      },
    },
    {
      method: "DELETE",
      path: "/v1/webhook_endpoints/:id",
      handler: (ctx, req) => {
        const endpoint = load(ctx, req.pathParams.id ?? "");
        ctx.store.delete(endpoint.id);
        // Pending deliveries to a deleted endpoint are abandoned.
        ctx.store.db
          .prepare(
            "UPDATE deliveries SET status = 'failed', next_attempt_at_ms = NULL WHERE endpoint_id = ? AND status = 'pending'",
          )
          .run(endpoint.id);
        const deleted: Stripe.DeletedWebhookEndpoint = {
          id: endpoint.id,
          object: "webhook_endpoint",
          deleted: true,
        };
        return deleted;
      },
    },
  ],
};
