import { withTransaction, type Db } from "@folio/db";
import type { Clock } from "../clock.ts";
import { defineJob, PermanentJobError } from "../jobs/define.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { defineScheduledJob } from "../jobs/schedule.ts";
import { overageReportPayload, sendOverageReport, unreportedOverage } from "./report.ts";

/** How often overage is reported: Stripe hears from a counter at most once per interval. */
export const OVERAGE_REPORT_INTERVAL_MS = 15 * 60_000;

/** Sends one planned report (see report.ts); safe to run again. */
export const reportOverageJob = defineJob({
  kind: "usage.report_overage",
  payload: overageReportPayload,
  retry: { maxAttempts: 10, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: async ({ db, stripe, clock }, report) => {
    if (!stripe) throw new Error("No Stripe account is configured to bill overage.");
    const outcome = await sendOverageReport({ db, stripe, clock }, report);
    if (outcome === "not_billable") {
      throw new PermanentJobError(
        `Counter ${report.counterId} has overage but no Stripe customer, meter or subscription to bill it on.`,
      );
    }
  },
});

/**
 * Plans a report for every counter with unreported overage: one job per counter, keyed by the
 * counter and what it had reported, so planning again before the job ran adds nothing and the
 * quantity the job reports is fixed when it is planned. Returns how many were planned.
 */
export async function planOverageReports(
  deps: { db: Db; clock: Clock },
  limit = 1000,
): Promise<number> {
  return withTransaction(deps.db, async (tx) => {
    let planned = 0;
    for (const report of await unreportedOverage(tx, limit)) {
      const job = await enqueueJob(
        { db: tx, clock: deps.clock },
        {
          kind: reportOverageJob,
          payload: report,
          key: `${reportOverageJob.kind}:${report.counterId}:${report.from}`,
        },
      );
      if (job) planned += 1;
    }
    return planned;
  });
}

/** Every reporting interval: plan the reports the interval's usage calls for. */
export const overageSweepJob = defineScheduledJob({
  kind: "usage.overage_sweep",
  nextRunAt: (after) =>
    new Date(
      Math.floor(after.getTime() / OVERAGE_REPORT_INTERVAL_MS) * OVERAGE_REPORT_INTERVAL_MS +
        OVERAGE_REPORT_INTERVAL_MS,
    ),
  run: async (ctx) => {
    const planned = await planOverageReports(ctx);
    if (planned > 0) ctx.log.info?.({ planned }, "overage reports planned");
  },
});
