import { jobStats, listJobs, retryJob } from "@folio/billing";
import { JOB_STATUSES } from "@folio/db";
import { z } from "zod";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The job queue's health for staff: counts, lag, failing and dead jobs, a retry. */
export const jobsRouter = router({
  stats: staffProcedure("jobs.read").query(async ({ ctx }) => {
    const s = await jobStats(ctx.db, ctx.clock);
    return { ...s, oldestDueAt: iso(s.oldestDueAt) };
  }),

  /** Most recently changed first; `failing` = waiting for a retry after a failure. */
  list: staffProcedure("jobs.read")
    .input(
      listInput({
        status: z.enum(JOB_STATUSES).optional(),
        failing: z.boolean().optional(),
        kind: z.string().max(100).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listJobs(ctx.db, input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((j) => ({
          id: j.id,
          kind: j.kind,
          key: j.key,
          status: j.status,
          attempts: j.attempts,
          runAt: j.runAt.toISOString(),
          lastError: j.lastError,
          lastFailedAt: iso(j.lastFailedAt),
          createdAt: j.createdAt.toISOString(),
          updatedAt: j.updatedAt.toISOString(),
          finishedAt: iso(j.finishedAt),
        })),
      };
    }),

  retry: staffProcedure("jobs.retry")
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => retryJob(ctx.db, ctx.clock, input.id, ctx.actor)),
});
