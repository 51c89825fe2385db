import type { Db } from "@folio/db";
import { z } from "zod";
import type { Clock } from "../clock.ts";
import { defineJob } from "../jobs/define.ts";
import { enqueueJob } from "../jobs/enqueue.ts";
import { continueMovementsRebuild, requestMovementsRebuild } from "./rebuild.ts";

// The background half of a recognition-settings save (see rebuild.ts): a job works through the
// rebuild for a few seconds, then queues its own continuation, so requests and webhooks go on in
// between and a restart picks the rebuild up where its last chunk committed.

/** How long one run works before handing over to its continuation. */
const RUN_BUDGET_MS = 8_000;

const payload = z.object({
  /** When the rebuild was asked for (ms): a newer save starts a new chain of runs. */
  requestedAt: z.number().int(),
  /** The run's place in its chain, so every continuation has a key of its own. */
  run: z.number().int().nonnegative(),
});

export const rebuildMovementsJob = defineJob({
  kind: "metrics.rebuild_movements",
  payload,
  run: async (ctx, p) => {
    const status = await continueMovementsRebuild(ctx, { maxMs: RUN_BUDGET_MS });
    // A save since this chain began queued its own chain; this one stops.
    if (!status.recomputing || status.requestedAt?.getTime() !== p.requestedAt) return;
    await queueRun(ctx, { requestedAt: p.requestedAt, run: p.run + 1 });
  },
});

function queueRun(deps: { db: Db; clock: Clock }, p: z.infer<typeof payload>) {
  return enqueueJob(deps, {
    kind: rebuildMovementsJob,
    payload: p,
    key: `${rebuildMovementsJob.kind}:${p.requestedAt}:${p.run}`,
  });
}

/** Records the rebuild request and queues its first run, in the transaction saving the settings. */
export async function startMovementsRebuild(deps: { db: Db; clock: Clock }): Promise<void> {
  const now = deps.clock.now();
  await requestMovementsRebuild(deps.db, now);
  await queueRun(deps, { requestedAt: now.getTime(), run: 0 });
}
