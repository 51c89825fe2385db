import { lockKeys, withTransaction, type Tx } from "@folio/db";
import type { Snapshot } from "./decide.ts";
import { keyOf, plan, prepareHooks, type ApplyContext, type PlannedWrite } from "./plan.ts";
import { writePlan } from "./write.ts";

export interface ApplyInTx {
  /** Runs first inside the transaction (after the object locks); false abandons the apply and
   * nothing is written. */
  before?: (tx: Tx) => Promise<boolean>;
  /** Runs last inside the transaction (the inbox's `applied` mark, the write path's audit row). */
  after?: (tx: Tx) => Promise<void>;
}

/**
 * Applies snapshots: plan (reads and Stripe calls) → hooks' prepare (Stripe calls) → one
 * transaction that locks every planned object, re-checks the plan and writes it with the hooks.
 * Returns the planned writes, or null when `before` abandoned the apply. A PlanConflictError
 * means another writer got in between planning and writing: call again to re-plan.
 */
export async function applySnapshots(
  ctx: ApplyContext,
  snaps: Snapshot[],
  inTx: ApplyInTx = {},
): Promise<PlannedWrite[] | null> {
  const writes = await plan(ctx, snaps);
  const hooks = await prepareHooks(ctx, writes);
  return withTransaction(ctx.deps.db, async (tx) => {
    // PostgreSQL: writers of the same objects (another instance's worker, a command's write
    // path) queue here; what they committed is visible to the re-check below (READ COMMITTED).
    await lockKeys(
      tx,
      writes.map((w) => keyOf(w.snap)),
    );
    if (inTx.before && !(await inTx.before(tx))) return null;
    await writePlan(tx, ctx, writes, hooks);
    await inTx.after?.(tx);
    return writes;
  });
}
