import {
  JOB_STATUSES,
  jobs,
  keysetPage,
  withTransaction,
  type Db,
  type JobStatus,
} from "@folio/db";
import { and, count, eq, gt, gte, isNotNull, lte, min, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";

// Staff-facing job queue health: plain functions the tRPC router wraps.

const summaryColumns = {
  id: jobs.id,
  kind: jobs.kind,
  key: jobs.key,
  status: jobs.status,
  attempts: jobs.attempts,
  runAt: jobs.runAt,
  lastError: jobs.lastError,
  lastFailedAt: jobs.lastFailedAt,
  createdAt: jobs.createdAt,
  updatedAt: jobs.updatedAt,
  finishedAt: jobs.finishedAt,
};

export interface JobFilter {
  status?: JobStatus | undefined;
  /** Queued jobs that failed at least once (waiting for a retry). */
  failing?: boolean | undefined;
  kind?: string | undefined;
}

/** One page of jobs, most recently changed first. */
export function listJobs(
  db: Db,
  input: JobFilter & { limit: number; cursor?: string | undefined },
) {
  const conds: (SQL | undefined)[] = [
    input.status ? eq(jobs.status, input.status) : undefined,
    input.kind ? eq(jobs.kind, input.kind) : undefined,
    input.failing ? and(eq(jobs.status, "queued"), isNotNull(jobs.lastFailedAt)) : undefined,
  ];
  return keysetPage({
    sort: { column: jobs.updatedAt, key: "updatedAt", direction: "desc" },
    id: { column: jobs.id, key: "id" },
    cursor: input.cursor,
    limit: input.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select(summaryColumns)
        .from(jobs)
        .where(and(...conds, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
}

/**
 * Counts per status, lag (how long the oldest job due now has waited past its run time),
 * jobs waiting for a retry and failures in the last 24 hours.
 */
export async function jobStats(db: Db, clock: Clock) {
  const now = clock.now();
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const r of await db
    .select({ status: jobs.status, n: count() })
    .from(jobs)
    .groupBy(jobs.status)) {
    byStatus[r.status] = r.n;
  }
  const due = await db
    .select({ at: min(jobs.runAt) })
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), lte(jobs.runAt, now)))
    .get();
  const oldestDueAt = due?.at ?? null;
  const failing = await db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), isNotNull(jobs.lastFailedAt)))
    .get();
  const failures = await db
    .select({ n: count() })
    .from(jobs)
    .where(gte(jobs.lastFailedAt, new Date(now.getTime() - 24 * 3600_000)))
    .get();
  const scheduled = await db
    .select({ n: count() })
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), gt(jobs.runAt, now)))
    .get();
  return {
    byStatus,
    oldestDueAt,
    lagSeconds: oldestDueAt ? Math.max(0, (now.getTime() - oldestDueAt.getTime()) / 1000) : 0,
    failing: failing?.n ?? 0,
    /** Queued for later (scheduled jobs, retries backing off). */
    scheduled: scheduled?.n ?? 0,
    failedLast24h: failures?.n ?? 0,
  };
}

/**
 * Puts a dead-lettered (or failing) job back in the queue, due now, with a fresh attempt budget;
 * the audit row is written in the same transaction.
 */
export async function retryJob(db: Db, clock: Clock, id: string, actor: Actor) {
  const now = clock.now();
  return withTransaction(db, async (tx) => {
    const row = await tx
      .select({ status: jobs.status, kind: jobs.kind, attempts: jobs.attempts })
      .from(jobs)
      .where(eq(jobs.id, id))
      .get();
    if (!row) throw new DomainError("NOT_FOUND", `No job ${id}.`);
    if (row.status !== "dead" && row.status !== "queued") {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Job ${id} is ${row.status}; only dead-lettered or waiting jobs can be retried.`,
      );
    }
    await tx
      .update(jobs)
      .set({ status: "queued", attempts: 0, runAt: now, finishedAt: null, updatedAt: now })
      .where(eq(jobs.id, id));
    await audit(tx, actor, {
      action: "job.retried",
      target: `job:${id}`,
      before: { status: row.status, attempts: row.attempts },
      after: { status: "queued", attempts: 0 },
      at: now,
    });
    return { id, kind: row.kind, status: "queued" as const };
  });
}
