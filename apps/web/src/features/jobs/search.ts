import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { flag, oneOf } from "@/lib/search-params";

export type JobRow = RouterOutputs["admin"]["jobs"]["list"]["items"][number];
export type JobStatus = JobRow["status"];

export const JOB_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "dead",
] as const satisfies readonly JobStatus[];

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  dead: "Dead-lettered",
};

/** A job that gave up, or is waiting for a retry after failing, can be run again now. */
export function isRetryable(job: Pick<JobRow, "status" | "lastFailedAt">): boolean {
  return job.status === "dead" || (job.status === "queued" && job.lastFailedAt !== null);
}

/** The job list in the URL: status, or only jobs waiting for a retry after a failure. */
export const jobListSearch = defineListSearch({
  filters: { status: oneOf(JOB_STATUSES), failing: flag },
});

export type JobSearch = ReturnType<typeof jobListSearch.parse>;
