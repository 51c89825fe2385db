import {
  scheduleNext,
  startJobWorker,
  type JobWorker,
  type JobWorkerOptions,
} from "@folio/billing";
import { jobDefinitions, scheduledJobs, type ServerJobContext } from "./registry.ts";

/**
 * Starts this instance's job worker after making sure every scheduled job has its next run
 * queued (a row per slot, shared by every instance; see @folio/billing jobs/schedule.ts).
 */
export async function startJobs(
  ctx: ServerJobContext,
  options: JobWorkerOptions = {},
): Promise<JobWorker> {
  for (const job of scheduledJobs) await scheduleNext(ctx, job);
  return startJobWorker(ctx, jobDefinitions, options);
}
