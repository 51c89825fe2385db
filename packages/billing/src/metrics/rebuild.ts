import {
  metricRebuilds,
  mrrMovements,
  subscriptionHistory,
  withTransaction,
  type Db,
  type Tx,
} from "@folio/db";
import { and, asc, countDistinct, eq, gt, notInArray, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { loadMetricSettings, rewriteCustomerMovements } from "./store.ts";

// Saving the recognition settings asks for every customer's movements to be recomputed
// (docs/METRICS.md, "Recognition settings"). On a big store that takes minutes, so the save only
// records the request (`requestMovementsRebuild`, in the save's transaction) and a job
// (rebuild-job.ts) works through it in the background, a chunk of customers per transaction in customer id order
// (`continueMovementsRebuild`). Every chunk commits its movements with their mrr_daily deltas, so
// the figures are always a consistent sum — a mix of old and new recognition until the rebuild
// finishes, which the Revenue page says ("recomputing") meanwhile.

const NAME = "movements";

export interface RebuildStatus {
  /** True from the save until every customer has been recomputed. */
  recomputing: boolean;
  customersDone: number;
  /** Null until the first chunk has counted them. */
  customersTotal: number | null;
  requestedAt: Date | null;
  finishedAt: Date | null;
}

type RebuildRow = typeof metricRebuilds.$inferSelect;

const statusOf = (row: RebuildRow | undefined): RebuildStatus => ({
  recomputing: row !== undefined && row.finishedAt === null,
  customersDone: row?.customersDone ?? 0,
  customersTotal: row?.customersTotal ?? null,
  requestedAt: row?.requestedAt ?? null,
  finishedAt: row?.finishedAt ?? null,
});

const readRow = (db: Db) =>
  db.select().from(metricRebuilds).where(eq(metricRebuilds.name, NAME)).get();

/**
 * Records that every customer's movements must be recomputed (call in the transaction that saves
 * the settings). A rebuild already under way starts over: its next chunk cannot commit.
 */
export async function requestMovementsRebuild(tx: Tx, now: Date): Promise<void> {
  const fresh = { cursor: null, customersDone: 0, customersTotal: null, finishedAt: null };
  await tx
    .insert(metricRebuilds)
    .values({ name: NAME, generation: 1, requestedAt: now, ...fresh })
    .onConflictDoUpdate({
      target: metricRebuilds.name,
      set: { generation: sql`${metricRebuilds.generation} + 1`, requestedAt: now, ...fresh },
    });
}

export async function movementsRebuildStatus(deps: { db: Db }): Promise<RebuildStatus> {
  return statusOf(await readRow(deps.db));
}

/**
 * Claims the rebuild's next step for this transaction: true when `row` is still its state (same
 * generation, same progress), after moving it on. Another worker that read the same state, or a
 * save in between, makes it false and the caller's transaction writes nothing.
 */
async function claim(tx: Tx, row: RebuildRow, next: Partial<RebuildRow>): Promise<boolean> {
  const claimed = await tx
    .update(metricRebuilds)
    .set(next)
    .where(
      and(
        eq(metricRebuilds.name, NAME),
        eq(metricRebuilds.generation, row.generation),
        eq(metricRebuilds.customersDone, row.customersDone),
      ),
    )
    .returning({ name: metricRebuilds.name });
  return claimed.length === 1;
}

/** One chunk: the next `batch` customers after the cursor, or the end (customers whose history
 * is gone lose their movements). False when there was nothing to do. */
async function step(deps: { db: Db; clock: Clock }, row: RebuildRow, batch: number) {
  return withTransaction(deps.db, async (tx) => {
    const customers = (
      await tx
        .selectDistinct({ id: subscriptionHistory.stripeCustomerId })
        .from(subscriptionHistory)
        .where(
          row.cursor === null ? undefined : gt(subscriptionHistory.stripeCustomerId, row.cursor),
        )
        .orderBy(asc(subscriptionHistory.stripeCustomerId))
        .limit(batch)
    ).map((r) => r.id);
    const total =
      row.customersTotal ??
      (
        await tx
          .select({ n: countDistinct(subscriptionHistory.stripeCustomerId) })
          .from(subscriptionHistory)
          .get()
      )?.n ??
      0;
    const last = customers.at(-1);
    if (last === undefined) {
      if (!(await claim(tx, row, { customersTotal: total, finishedAt: deps.clock.now() }))) return;
      const orphans = (
        await tx
          .selectDistinct({ id: mrrMovements.stripeCustomerId })
          .from(mrrMovements)
          .where(
            notInArray(
              mrrMovements.stripeCustomerId,
              tx
                .selectDistinct({ id: subscriptionHistory.stripeCustomerId })
                .from(subscriptionHistory),
            ),
          )
      ).map((r) => r.id);
      // Settings read after the claim: those saved with this generation.
      if (orphans.length > 0)
        await rewriteCustomerMovements(tx, orphans, await loadMetricSettings(tx));
      return;
    }
    const next = {
      cursor: last,
      customersDone: row.customersDone + customers.length,
      customersTotal: total,
    };
    if (await claim(tx, row, next))
      await rewriteCustomerMovements(tx, customers, await loadMetricSettings(tx));
  });
}

/**
 * Works through a pending rebuild, a chunk of `batch` customers per transaction, until it is
 * done or `maxMs` has passed (checked after each chunk, so at least one runs). Safe to run on several instances at once:
 * each chunk is claimed before it is written. Returns the status afterwards.
 */
export async function continueMovementsRebuild(
  deps: { db: Db; clock: Clock },
  options: { batch?: number; maxMs?: number } = {},
): Promise<RebuildStatus> {
  const batch = options.batch ?? 250;
  const deadline = performance.now() + (options.maxMs ?? Infinity);
  for (;;) {
    const row = await readRow(deps.db);
    if (!row || row.finishedAt !== null) return statusOf(row);
    await step(deps, row, batch);
    if (performance.now() > deadline) return statusOf(await readRow(deps.db));
  }
}
