import { randomBytes } from "node:crypto";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  withTransaction,
} from "@folio/db";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { defineJob, PermanentJobError, type JobContext, type RetryPolicy } from "../jobs/define.ts";
import { DELIVER_WEBHOOK_KIND } from "./events.ts";
import { postJson } from "./post.ts";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
import type { UrlPolicy } from "./url.ts";

/** Jobs that deliver webhooks need the server's URL policy (private addresses in demo/test). */
export type OutboundJobContext = JobContext & {
  webhookUrls: UrlPolicy;
  /** Default DELIVERY_TIMEOUT_MS (tests shorten it). */
  webhookTimeoutMs?: number;
};

const DAY_MS = 24 * 3600_000;

/**
 * Like Stripe's: retried with exponential back-off for up to three days — 1, 2, 4, 8, 16, 32 min,
 * 1 h 4 min, 2 h 8 min, 4 h 16 min, then every 8 h — then dead-lettered (staff can replay).
 */
export const WEBHOOK_RETRY: RetryPolicy = {
  maxAttempts: 100,
  baseDelayMs: 60_000,
  maxDelayMs: 8 * 3600_000,
  giveUpAfterMs: 3 * DAY_MS,
};

/** A receiver that has not answered by then counts as down for this attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * POSTs one delivery's event to its endpoint, signed (see signature.ts), and logs the attempt.
 * A 2xx answer delivers it; anything else (or none) fails the attempt and the job retries it.
 */
export const deliverWebhook = defineJob<{ deliveryId: string }, OutboundJobContext>({
  kind: DELIVER_WEBHOOK_KIND,
  payload: z.object({ deliveryId: z.string() }),
  retry: WEBHOOK_RETRY,
  timeoutMs: DELIVERY_TIMEOUT_MS + 20_000,
  run: async (ctx, { deliveryId }, job) => {
    const { db, clock } = ctx;
    const row = await db
      .select({
        status: webhookDeliveries.status,
        payload: webhookDeliveries.payload,
        eventId: webhookDeliveries.eventId,
        eventType: webhookDeliveries.eventType,
        url: webhookEndpoints.url,
        enabled: webhookEndpoints.enabled,
        secret: webhookEndpoints.secret,
        previousSecret: webhookEndpoints.previousSecret,
        previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .get();
    if (!row) throw new PermanentJobError(`no webhook delivery ${deliveryId}`);
    // A run repeated after its process died once the receiver had it (replays reset the status).
    if (row.status === "succeeded") return;
    const now = clock.now();
    if (!row.enabled) {
      await db
        .update(webhookDeliveries)
        .set({ status: "dead", lastError: "The endpoint is disabled.", nextAttemptAt: null })
        .where(eq(webhookDeliveries.id, deliveryId));
      return;
    }
    const body = JSON.stringify(row.payload);
    const secrets = [row.secret];
    if (row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) {
      secrets.push(row.previousSecret);
    }
    const timestamp = Math.floor(now.getTime() / 1000);
    const result = await postJson(
      new URL(row.url),
      body,
      {
        "user-agent": "Folio-Webhooks/1",
        [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
        "folio-event-id": row.eventId,
        "folio-event-type": row.eventType,
        "folio-delivery-id": deliveryId,
      },
      {
        timeoutMs: ctx.webhookTimeoutMs ?? DELIVERY_TIMEOUT_MS,
        policy: ctx.webhookUrls,
        signal: job.signal,
      },
    );
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const error = ok
      ? null
      : (result.error ?? `The endpoint answered ${result.statusCode ?? "nothing"}.`);
    const at = clock.now();
    await withTransaction(db, async (tx) => {
      await tx.insert(webhookDeliveryAttempts).values({
        id: `wda_${randomBytes(12).toString("hex")}`,
        deliveryId,
        at: now,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error,
        responseBody: result.body,
      });
      await tx
        .update(webhookDeliveries)
        .set({
          status: ok ? "succeeded" : job.nextRetryAt ? "failing" : "dead",
          attempts: sql`${webhookDeliveries.attempts} + 1`,
          lastStatusCode: result.statusCode,
          lastLatencyMs: result.latencyMs,
          lastError: error,
          lastAttemptAt: now,
          nextAttemptAt: ok ? null : job.nextRetryAt,
          deliveredAt: ok ? at : null,
        })
        .where(eq(webhookDeliveries.id, deliveryId));
    });
    if (!ok) throw new Error(error ?? "delivery failed");
  },
});
