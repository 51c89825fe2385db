import { claimJobs, jobs, nextJobDueAt, renewJobLeases, type JobRow } from "@folio/db";
import { and, eq } from "drizzle-orm";
import { processHolder } from "../webhooks/worker.ts";
import {
  DEFAULT_RETRY,
  PermanentJobError,
  nextAttemptAt,
  type JobContext,
  type JobDefinition,
  type RetryPolicy,
} from "./define.ts";

export interface JobWorkerOptions {
  /** Who claims jobs: unique per live worker (default: one id per process). */
  holder?: string;
  /** How long a claim lasts without renewal; renewed every third of it while a job runs, so only
   * a dead worker's jobs are claimed again (after this). */
  leaseMs?: number;
  /** Jobs run side by side (they mostly wait on the network). */
  concurrency?: number;
  /** Longest an idle worker sleeps before looking again (it also wakes when the next known job is
   * due, and on `wake()`). */
  pollMs?: number;
  autoStart?: boolean;
}

export interface JobWorker {
  readonly holder: string;
  /** Runs every job due now (and those that become due meanwhile) and resolves when none is. */
  drain(): Promise<{ succeeded: number; failed: number; dead: number }>;
  /** Look for due jobs now (something was just enqueued and committed). */
  wake(): void;
  /** Stops claiming, waits for the jobs it is running (aborting them after their timeout). */
  stop(): Promise<void>;
}

export const DEFAULT_JOB_LEASE_MS = 5 * 60_000;

/**
 * Runs queued jobs after their enqueueing transactions committed. Several workers (instances,
 * processes) may share a database: each job is claimed by one of them under a lease (see
 * claimJobs) and its outcome is recorded only while the claim is still that worker's. A failed
 * attempt is re-queued with exponential back-off and dead-lettered after its definition's
 * `maxAttempts` (or `giveUpAfterMs`); a job whose worker died is claimed again when the lease
 * lapses, and that counts as an attempt (a job that kills its process each time ends dead).
 */
export function startJobWorker<C extends JobContext>(
  ctx: C,
  definitions: readonly JobDefinition<unknown, C>[],
  options: JobWorkerOptions = {},
): JobWorker {
  const { db, clock, log } = ctx;
  const holder = options.holder ?? processHolder;
  const leaseMs = options.leaseMs ?? DEFAULT_JOB_LEASE_MS;
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 1_000;
  const byKind = new Map(definitions.map((d) => [d.kind, d]));

  const running = new Map<string, AbortController>();
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | null = null;

  const heartbeat = setInterval(() => {
    if (running.size === 0) return;
    const until = new Date(clock.now().getTime() + leaseMs);
    renewJobLeases(db, { holder, ids: [...running.keys()], until }).catch((err: unknown) =>
      log.warn({ err }, "could not renew job leases"),
    );
  }, leaseMs / 3);
  heartbeat.unref();

  /** Records the outcome, only while the claim is ours (a lapsed claim belongs to another). */
  const finish = async (row: JobRow, set: Partial<JobRow>) => {
    const now = clock.now();
    const done = await db
      .update(jobs)
      .set({ ...set, leaseHolder: null, leaseExpiresAt: null, updatedAt: now })
      .where(and(eq(jobs.id, row.id), eq(jobs.status, "running"), eq(jobs.leaseHolder, holder)))
      .returning({ id: jobs.id });
    return done.length > 0;
  };

  const fail = async (row: JobRow, retry: RetryPolicy, err: unknown) => {
    const now = clock.now();
    const message = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(
      0,
      2000,
    );
    const next = err instanceof PermanentJobError ? null : nextAttemptAt(retry, row, now);
    const dead = next === null;
    const recorded = await finish(row, {
      status: dead ? "dead" : "queued",
      runAt: next ?? row.runAt,
      lastError: message,
      lastFailedAt: now,
      finishedAt: dead ? now : null,
    });
    if (!recorded) return null;
    const info = { jobId: row.id, kind: row.kind, attempts: row.attempts, err: message };
    if (dead) log.error(info, "job dead-lettered");
    else log.warn(info, "job failed; will retry");
    return dead;
  };

  const runOne = async (row: JobRow): Promise<"succeeded" | "failed" | "dead" | null> => {
    const def = byKind.get(row.kind);
    if (!def) {
      // Another version of Folio may know it; retried on the default schedule meanwhile.
      const err = new Error(`no job is defined for kind ${row.kind}`);
      const dead = await fail(row, DEFAULT_RETRY, err);
      return dead === null ? null : dead ? "dead" : "failed";
    }
    if (row.attempts > def.retry.maxAttempts) {
      const err = new Error("the worker running this job died (its lease lapsed)");
      return (await fail(row, def.retry, err)) === null ? null : "dead";
    }
    const parsed = def.payload.safeParse(row.payload);
    if (!parsed.success) {
      const err = new PermanentJobError(`invalid payload: ${parsed.error.message}`);
      return (await fail(row, def.retry, err)) === null ? null : "dead";
    }
    const abort = new AbortController();
    running.set(row.id, abort);
    const timer = setTimeout(
      () => abort.abort(new Error(`timed out after ${def.timeoutMs} ms`)),
      def.timeoutMs,
    );
    try {
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason as Error), {
          once: true,
        });
      });
      const job = {
        id: row.id,
        key: row.key,
        attempt: row.attempts,
        nextRetryAt: nextAttemptAt(def.retry, row, clock.now()),
        signal: abort.signal,
      };
      await Promise.race([def.run(ctx, parsed.data, job), aborted]);
      const recorded = await finish(row, { status: "succeeded", finishedAt: clock.now() });
      return recorded ? "succeeded" : null;
    } catch (err) {
      const dead = await fail(row, def.retry, err);
      return dead === null ? null : dead ? "dead" : "failed";
    } finally {
      clearTimeout(timer);
      running.delete(row.id);
    }
  };

  let draining: Promise<{ succeeded: number; failed: number; dead: number }> | null = null;
  const drainOnce = async () => {
    const result = { succeeded: 0, failed: 0, dead: 0 };
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      if (!stopped && inFlight.size < concurrency) {
        const rows = await claimJobs(db, {
          holder,
          now: clock.now(),
          leaseMs,
          limit: concurrency - inFlight.size,
        });
        for (const row of rows) {
          const p: Promise<void> = runOne(row)
            .then((outcome) => {
              if (outcome) result[outcome]++;
            })
            .catch((err: unknown) => log.error({ err, jobId: row.id }, "job worker failed"))
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        if (rows.length > 0 && inFlight.size < concurrency) continue;
      }
      if (inFlight.size === 0) return result;
      await Promise.race(inFlight);
    }
  };
  const drain = () => {
    draining ??= drainOnce().finally(() => {
      draining = null;
    });
    return draining;
  };

  const loop = async () => {
    while (!stopped) {
      woken = false;
      let next: Date | null = null;
      try {
        // Claiming writes; an idle worker only reads when the next job is due.
        const due = await nextJobDueAt(db);
        if (due && due.getTime() <= clock.now().getTime()) await drain();
        next = await nextJobDueAt(db);
      } catch (err) {
        log.error({ err }, "job worker loop failed");
      }
      if (stopped) break;
      if (woken) continue;
      // At least a moment: the earliest "due" may be a lease of this worker's own that it is
      // about to renew (it never claims those), which must not spin the loop.
      const wait = next
        ? Math.max(50, Math.min(pollMs, next.getTime() - clock.now().getTime()))
        : pollMs;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        setTimeout(resolve, wait).unref();
      });
      wakeUp = null;
    }
  };
  const looping = options.autoStart === false ? Promise.resolve() : loop();

  return {
    holder,
    drain,
    wake: () => {
      woken = true;
      wakeUp?.();
    },
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await looping;
      await draining;
      clearInterval(heartbeat);
    },
  };
}
