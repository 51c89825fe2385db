import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { z } from "zod";
import type { Clock } from "../clock.ts";
import { backoffMs, type WorkerLogger } from "../webhooks/worker.ts";

/** What every job's `run` gets. The server may add services (a mailer…): a job that needs one
 * declares it in its definition's context type (`defineJob<P, JobContext & { mailer: … }>`). */
export interface JobContext {
  db: Db;
  clock: Clock;
  log: WorkerLogger;
  /** Null where no Stripe account is configured (a job that needs it fails, and is retried). */
  stripe: Stripe | null;
}

/** The run at hand, for logs and for keys of jobs a job enqueues. */
export interface JobRun {
  id: string;
  key: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** When the job runs again if this attempt fails; null when this is its last attempt. Lets a
   * job keep its own record of the schedule (a delivery log). */
  nextRetryAt: Date | null;
  /** Aborted when the job's `timeoutMs` passes or the worker stops. */
  signal: AbortSignal;
}

export interface RetryPolicy {
  /** Attempts before the job is dead-lettered. */
  maxAttempts: number;
  /** Delay before the first retry; doubles per failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Dead-letters once the next attempt would fall later than this after the job was enqueued
   * (a retry window, like Stripe's three days for webhooks), whatever the attempt count. */
  giveUpAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 10_000,
  maxDelayMs: 60 * 60_000,
};

export interface JobDefinition<P = unknown, C extends JobContext = JobContext> {
  /** Dotted name, e.g. `email.order_confirmation`; stored in each row. */
  kind: string;
  /** Checked when the job runs (a row written by an older version may not match any more: such a
   * job is dead-lettered at once, a retry could not help). */
  payload: z.ZodType<P>;
  retry: RetryPolicy;
  /** A run still going after this is aborted and counts as a failed attempt. */
  timeoutMs: number;
  /**
   * The work, run after the enqueueing transaction committed, outside any transaction. A job may
   * run more than once (its process died after the work but before recording success), so it
   * must be safe to repeat or check what it already did. Throwing fails the attempt.
   */
  run(ctx: C, payload: P, job: JobRun): Promise<void>;
}

export function defineJob<P, C extends JobContext = JobContext>(def: {
  kind: string;
  payload: z.ZodType<P>;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  run(ctx: C, payload: P, job: JobRun): Promise<void>;
}): JobDefinition<P, C> {
  return {
    ...def,
    retry: { ...DEFAULT_RETRY, ...def.retry },
    timeoutMs: def.timeoutMs ?? 60_000,
  };
}

/** A failure no retry can fix (bad input, a refused request): the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** When the attempt after `attempts` failed ones runs, failing now; null when none will. */
export function nextAttemptAt(
  policy: RetryPolicy,
  job: { attempts: number; createdAt: Date },
  now: Date,
): Date | null {
  if (job.attempts >= policy.maxAttempts) return null;
  const next = now.getTime() + retryDelayMs(policy, job.attempts);
  if (policy.giveUpAfterMs !== undefined && next - job.createdAt.getTime() > policy.giveUpAfterMs) {
    return null;
  }
  return new Date(next);
}

/** Delay before the attempt after `attempts` failed ones. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return backoffMs(attempts, policy.baseDelayMs, policy.maxDelayMs);
}
