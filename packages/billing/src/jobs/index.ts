export {
  DEFAULT_RETRY,
  PermanentJobError,
  defineJob,
  nextAttemptAt,
  retryDelayMs,
  type JobContext,
  type JobDefinition,
  type JobRun,
  type RetryPolicy,
} from "./define.ts";
export { enqueueJob, type EnqueueInput } from "./enqueue.ts";
export {
  DEFAULT_JOB_LEASE_MS,
  startJobWorker,
  type JobWorker,
  type JobWorkerOptions,
} from "./worker.ts";
export { dailyAt, defineScheduledJob, scheduleNext, type ScheduledJob } from "./schedule.ts";
export { FINISHED_JOB_RETENTION_MS, pruneJobs } from "./prune.ts";
export { jobStats, listJobs, retryJob, type JobFilter } from "./admin.ts";
