import { webhookDeliveries, webhookDeliveryAttempts } from "@folio/db";
import { and, inArray, lt } from "drizzle-orm";
import { dailyAt, defineScheduledJob } from "../jobs/schedule.ts";

/** The delivery log keeps finished deliveries this long (like the job queue's keys: a cause
 * replayed later than this could be delivered again). */
export const DELIVERY_RETENTION_MS = 90 * 24 * 3600_000;

const BATCH = 500;

/** Daily at 03:00 UTC: deletes delivered and given-up deliveries past retention, with their
 * attempts, a batch per statement. Deliveries still being retried are kept. */
export const pruneWebhookDeliveries = defineScheduledJob({
  kind: "webhooks.prune_deliveries",
  nextRunAt: dailyAt(3),
  timeoutMs: 30 * 60_000,
  run: async ({ db, clock, log }) => {
    const before = new Date(clock.now().getTime() - DELIVERY_RETENTION_MS);
    let deleted = 0;
    for (;;) {
      const old = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(
          and(
            inArray(webhookDeliveries.status, ["succeeded", "dead"]),
            lt(webhookDeliveries.createdAt, before),
          ),
        )
        .limit(BATCH);
      if (old.length === 0) break;
      const ids = old.map((d) => d.id);
      await db
        .delete(webhookDeliveryAttempts)
        .where(inArray(webhookDeliveryAttempts.deliveryId, ids));
      await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, ids));
      deleted += ids.length;
    }
    if (deleted > 0) log.info?.({ deleted }, "pruned the webhook delivery log");
  },
});
