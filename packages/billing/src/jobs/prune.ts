import { jobs } from "@folio/db";
import { and, eq, lt } from "drizzle-orm";
import { dailyAt, defineScheduledJob } from "./schedule.ts";

/**
 * Succeeded jobs are kept this long: their keys are what makes an enqueue exactly-once, so they
 * outlive every way a cause can be replayed (the webhook inbox keeps event ids 90 days too).
 */
export const FINISHED_JOB_RETENTION_MS = 90 * 24 * 3600_000;

/** Daily at 03:00 UTC: deletes succeeded jobs past retention. Dead jobs wait for a person. */
export const pruneJobs = defineScheduledJob({
  kind: "jobs.prune",
  nextRunAt: dailyAt(3),
  run: async ({ db, clock, log }) => {
    const before = new Date(clock.now().getTime() - FINISHED_JOB_RETENTION_MS);
    const deleted = await db
      .delete(jobs)
      .where(and(eq(jobs.status, "succeeded"), lt(jobs.finishedAt, before)))
      .returning({ id: jobs.id });
    if (deleted.length > 0) log.info?.({ deleted: deleted.length }, "pruned finished jobs");
  },
});
