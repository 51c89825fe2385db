import { driverOf, type Db } from "./client.ts";
import { rowDecoder } from "./rows.ts";
import { jobs } from "./schema/jobs.ts";

// Queue statements of the job queue (see schema/jobs.ts). Unlike the webhook inbox, claims are
// recorded on both dialects: a job row is small, jobs call the network (a dead process must not
// leave one half-known), and a CLI or a second server on the same SQLite file may run workers too.

export type JobRow = typeof jobs.$inferSelect;

const decode = rowDecoder(jobs);

/**
 * The earliest time a job becomes claimable (a queued job's `run_at`, a running job's lease
 * expiry), or null when there is none. A read, so an idle worker polling it takes no write lock.
 */
export async function nextJobDueAt(db: Db): Promise<Date | null> {
  const [row] = await driverOf(db).rows<{ at: number | string | null }>(
    `select min(at) as at from (
       select min(run_at) as at from jobs where status = 'queued'
       union all
       select min(lease_expires_at) as at from jobs where status = 'running') as due`,
  );
  return row?.at === null || row?.at === undefined ? null : new Date(Number(row.at));
}

/**
 * Claims up to `limit` jobs for `holder` until `now + leaseMs`: queued jobs due by `now` (oldest
 * `run_at` first), and running jobs whose lease expired (their holder died; never `holder`'s own:
 * a live worker whose renewal ran late is still running them). Each claim counts an attempt. PostgreSQL: rows another instance is claiming are skipped (SKIP LOCKED), and the
 * statement re-checks each row it locks, so two instances never claim one job; SQLite: the
 * statement runs alone under the write lock.
 */
export async function claimJobs(
  db: Db,
  opts: { holder: string; now: Date; leaseMs: number; limit: number },
): Promise<JobRow[]> {
  const driver = driverOf(db);
  const lock = driver.dialect === "postgres" ? " for update skip locked" : "";
  const now = opts.now.getTime();
  const rows = await driver.rows<Record<string, unknown>>(
    `with due as (
       select id from jobs where status = 'queued' and run_at <= ?
       order by run_at, id limit ?${lock}),
     lapsed as (
       select id from jobs where status = 'running' and lease_expires_at <= ?
         and lease_holder <> ?
       order by lease_expires_at limit ?${lock})
     update jobs set status = 'running', lease_holder = ?, lease_expires_at = ?,
       attempts = attempts + 1, updated_at = ?
     where (id in (select id from due) and status = 'queued' and run_at <= ?)
        or (id in (select id from lapsed) and status = 'running' and lease_expires_at <= ?)
     returning *`,
    [now, opts.limit, now, opts.holder, opts.limit, opts.holder, now + opts.leaseMs, now, now, now],
  );
  return rows.map(decode).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** Extends `holder`'s leases on the jobs it is still running (a long job must not be claimed
 * again by another instance); returns how many it still holds. */
export async function renewJobLeases(
  db: Db,
  opts: { holder: string; ids: readonly string[]; until: Date },
): Promise<number> {
  if (opts.ids.length === 0) return 0;
  return driverOf(db).run(
    `update jobs set lease_expires_at = ? where status = 'running' and lease_holder = ?
       and id in (${opts.ids.map(() => "?").join(", ")})`,
    [opts.until.getTime(), opts.holder, ...opts.ids],
  );
}
