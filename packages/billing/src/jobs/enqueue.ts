import { randomBytes } from "node:crypto";
import { jobs, type Db } from "@folio/db";
import type { Clock } from "../clock.ts";
import type { JobDefinition } from "./define.ts";

export interface EnqueueInput<P = unknown> {
  /** A definition (payload type-checked) or its kind. */
  kind: JobDefinition<P, never> | string;
  payload: P;
  /**
   * Unique across all jobs, ever (until pruned): enqueueing a key that exists is a no-op. Derive
   * it from the cause (`email.order_confirmation:${orderId}`), so a hook replayed by a duplicate
   * webhook, or a command retried, enqueues once.
   */
  key: string;
  /** Not before (scheduled jobs); default now. */
  runAt?: Date;
}

/**
 * Enqueues a job. Call it inside the transaction of the change that causes it (a sync hook's
 * `write`, a command's `withTransaction`): the job exists exactly when the change committed, and
 * the worker runs it after. Never sends anything itself. Returns the job's id when this call
 * created it, null when its key was already taken.
 */
export async function enqueueJob<P>(
  deps: { db: Db; clock: Clock },
  input: EnqueueInput<P>,
): Promise<{ id: string } | null> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .insert(jobs)
    .values({
      id: `job_${randomBytes(12).toString("hex")}`,
      kind: typeof input.kind === "string" ? input.kind : input.kind.kind,
      key: input.key,
      payload: input.payload ?? null,
      status: "queued",
      runAt: input.runAt ?? now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: jobs.key })
    .returning({ id: jobs.id });
  return row ?? null;
}
