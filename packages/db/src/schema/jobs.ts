import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const JOB_STATUSES = ["queued", "running", "succeeded", "dead"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Durable job queue (see @folio/billing jobs/). A job is enqueued in the transaction of the
 * change that causes it, keyed so that enqueueing the same key again is a no-op (a replayed
 * webhook still sends one e-mail). `queued` → due at `run_at` (a failed attempt is re-queued
 * with a backed-off `run_at`); `running` → claimed by `lease_holder` until `lease_expires_at`
 * (an expired lease is claimed again: its holder died); `succeeded`; `dead` → gave up (staff may
 * retry). Scheduled work is a row with a future `run_at`, never a timer in memory.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    runAt: integer("run_at", { mode: "timestamp_ms" }).notNull(),
    leaseHolder: text("lease_holder"),
    leaseExpiresAt: integer("lease_expires_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    lastFailedAt: integer("last_failed_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("jobs_by_key").on(t.key),
    // The worker's claims: due queued jobs in run_at order, and running jobs whose lease lapsed.
    index("jobs_due")
      .on(t.runAt, t.id)
      .where(sql`${t.status} = 'queued'`),
    index("jobs_leases")
      .on(t.leaseExpiresAt)
      .where(sql`${t.status} = 'running'`),
    // Health page counts and lists, and pruning finished jobs.
    index("jobs_by_status_updated").on(t.status, t.updatedAt),
    index("jobs_failing")
      .on(t.lastFailedAt)
      .where(sql`${t.lastFailedAt} is not null`),
  ],
);
