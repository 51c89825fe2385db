import { randomBytes } from "node:crypto";
import { keysetPage, webhookEndpoints, withTransaction, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { OUTBOUND_EVENT_TYPES } from "./events.ts";
import { checkEndpointUrl, type UrlPolicy } from "./url.ts";

export interface EndpointDeps {
  db: Db;
  clock: Clock;
  actor: Actor;
  urls: UrlPolicy;
}

/** After a rotation the old secret still signs (as a second v1) this long. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3600_000;

const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

export const endpointInput = z.object({
  url: z.string().trim().min(1, "Enter the receiver's URL.").max(2000),
  description: z.string().trim().max(200).default(""),
  eventTypes: z
    .array(z.enum(OUTBOUND_EVENT_TYPES))
    .min(1, "Choose at least one event type.")
    .transform((types) => [...new Set(types)].sort()),
});
export const updateEndpointInput = endpointInput.partial().extend({
  id: z.string().min(1),
  enabled: z.boolean().optional(),
});

const publicColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  eventTypes: webhookEndpoints.eventTypes,
  enabled: webhookEndpoints.enabled,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** Registers an endpoint; the signing secret is returned here (and on rotation) only. */
export async function createEndpoint(deps: EndpointDeps, raw: z.input<typeof endpointInput>) {
  const input = endpointInput.parse(raw);
  const url = await checkEndpointUrl(input.url, deps.urls);
  const now = deps.clock.now();
  const id = `we_${randomBytes(10).toString("hex")}`;
  const secret = newSecret();
  await withTransaction(deps.db, async (tx) => {
    await tx.insert(webhookEndpoints).values({
      id,
      url: url.href,
      description: input.description,
      eventTypes: input.eventTypes,
      secret,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    });
    await audit(tx, deps.actor, {
      action: "webhook_endpoint.created",
      target: `webhook_endpoint:${id}`,
      after: { url: url.href, eventTypes: input.eventTypes },
      at: now,
    });
  });
  return { id, url: url.href, secret };
}

export async function updateEndpoint(deps: EndpointDeps, raw: z.input<typeof updateEndpointInput>) {
  const input = updateEndpointInput.parse(raw);
  const url =
    input.url === undefined ? undefined : (await checkEndpointUrl(input.url, deps.urls)).href;
  const now = deps.clock.now();
  return withTransaction(deps.db, async (tx) => {
    const before = await tx
      .select(publicColumns)
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, input.id))
      .get();
    if (!before) throw new DomainError("NOT_FOUND", `No webhook endpoint ${input.id}.`);
    const change = {
      ...(url !== undefined ? { url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: input.eventTypes } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    };
    await tx
      .update(webhookEndpoints)
      .set({ ...change, updatedAt: now })
      .where(eq(webhookEndpoints.id, input.id));
    await audit(tx, deps.actor, {
      action: "webhook_endpoint.updated",
      target: `webhook_endpoint:${input.id}`,
      before: Object.fromEntries(
        Object.keys(change).map((k) => [k, before[k as keyof typeof before]]),
      ),
      after: change,
      at: now,
    });
    return { ...before, ...change, updatedAt: now };
  });
}

/**
 * A new signing secret, returned once. The previous one keeps signing alongside it for
 * PREVIOUS_SECRET_GRACE_MS, so deliveries keep verifying while the receiver is updated.
 */
export async function rotateEndpointSecret(deps: Omit<EndpointDeps, "urls">, id: string) {
  const now = deps.clock.now();
  const secret = newSecret();
  const expires = new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS);
  await withTransaction(deps.db, async (tx) => {
    const row = await tx
      .select({ secret: webhookEndpoints.secret })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, id))
      .get();
    if (!row) throw new DomainError("NOT_FOUND", `No webhook endpoint ${id}.`);
    await tx
      .update(webhookEndpoints)
      .set({ secret, previousSecret: row.secret, previousSecretExpiresAt: expires, updatedAt: now })
      .where(eq(webhookEndpoints.id, id));
    await audit(tx, deps.actor, {
      action: "webhook_endpoint.secret_rotated",
      target: `webhook_endpoint:${id}`,
      after: { previousSecretExpiresAt: expires.toISOString() },
      at: now,
    });
  });
  return { id, secret, previousSecretExpiresAt: expires };
}

/** Endpoints, newest first (never their secrets). */
export function listEndpoints(db: Db, input: { limit: number; cursor?: string | undefined }) {
  return keysetPage({
    sort: { column: webhookEndpoints.createdAt, key: "createdAt", direction: "desc" },
    id: { column: webhookEndpoints.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select(publicColumns)
        .from(webhookEndpoints)
        .where(after)
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}

export async function endpointById(db: Db, id: string) {
  const row = await db
    .select(publicColumns)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .get();
  if (!row) throw new DomainError("NOT_FOUND", `No webhook endpoint ${id}.`);
  return row;
}
