import { dailyAt, defineScheduledJob } from "../jobs/schedule.ts";
import { pruneWebhookInbox } from "./prune.ts";

/**
 * Inbox retention as a scheduled job: daily at 03:00 UTC, one row per day, run by whichever
 * instance claims it (terminal events lose their payload after 30 days and their id after 90).
 */
export const pruneWebhookInboxJob = defineScheduledJob({
  kind: "webhooks.prune_inbox",
  nextRunAt: dailyAt(3),
  // A first run over a large inbox deletes in many small batches.
  timeoutMs: 30 * 60_000,
  run: async ({ db, clock, log }) => {
    const r = await pruneWebhookInbox({ db, clock });
    if (r.payloadsPruned + r.deleted > 0) log.info?.(r, "pruned the webhook inbox");
  },
});
