import { z } from "zod";
import type { Clock } from "../clock.ts";
import type { Db } from "@folio/db";
import { defineJob, type JobContext, type JobDefinition, type RetryPolicy } from "./define.ts";
import { enqueueJob } from "./enqueue.ts";

// Scheduled work is a job row with a future run_at, not a timer: it survives restarts and runs on
// one instance. Each run first enqueues the next (keyed by its time, so every instance and every
// retry agrees on one row per slot); startup enqueues the next slot in case none exists.

export interface ScheduledJob<C extends JobContext = JobContext> extends JobDefinition<
  Record<string, never>,
  C
> {
  /** The first run time strictly after `after`. */
  nextRunAt: (after: Date) => Date;
}

/** Every day at `hour`:00 UTC. */
export function dailyAt(hour: number): (after: Date) => Date {
  return (after) => {
    const at = new Date(after);
    at.setUTCHours(hour, 0, 0, 0);
    if (at.getTime() <= after.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    return at;
  };
}

export function defineScheduledJob<C extends JobContext = JobContext>(def: {
  kind: string;
  nextRunAt: (after: Date) => Date;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  run(ctx: C): Promise<void>;
}): ScheduledJob<C> {
  const job = defineJob<Record<string, never>, C>({
    kind: def.kind,
    payload: z.record(z.string(), z.never()),
    ...(def.retry ? { retry: def.retry } : {}),
    ...(def.timeoutMs ? { timeoutMs: def.timeoutMs } : {}),
    run: async (ctx) => {
      await scheduleNext(ctx, { kind: def.kind, nextRunAt: def.nextRunAt });
      await def.run(ctx);
    },
  });
  return { ...job, nextRunAt: def.nextRunAt };
}

/** Enqueues the job's next run after now (a no-op when that slot is already queued). */
export async function scheduleNext(
  deps: { db: Db; clock: Clock },
  job: Pick<ScheduledJob<never>, "kind" | "nextRunAt">,
): Promise<void> {
  const at = job.nextRunAt(deps.clock.now());
  await enqueueJob(deps, {
    kind: job.kind,
    payload: {},
    key: `${job.kind}@${at.toISOString()}`,
    runAt: at,
  });
}
