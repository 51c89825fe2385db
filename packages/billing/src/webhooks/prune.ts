import { webhookEvents, type Db, type WebhookEventStatus } from "@folio/db";
import { and, asc, eq, gt, inArray, lt, ne, or } from "drizzle-orm";
import type { Clock } from "../clock.ts";

/**
 * What a pruned event's payload becomes. The column stays NOT NULL (no migration); no Stripe
 * event serialises to `{}`, so it cannot be mistaken for a delivered body.
 */
export const PRUNED_PAYLOAD = "{}";

const TERMINAL: WebhookEventStatus[] = ["applied", "ignored"];
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneWebhookInboxOptions {
  /** Terminal events received longer ago than this keep their id and status, not their payload. */
  payloadRetentionDays?: number;
  /** Terminal events received longer ago than this are deleted (Stripe retries for 3 days). */
  idRetentionDays?: number;
  /** Rows per write transaction, so an acknowledgement never waits long for the lock. */
  batchSize?: number;
}

export interface PruneWebhookInboxResult {
  payloadsPruned: number;
  deleted: number;
}

/**
 * Retention for the webhook inbox. Only `applied` and `ignored` events are touched; pending,
 * failed and dead-lettered events keep everything. Each batch is its own short statement. Run it
 * on one instance at a time (the server holds a lease for it); two at once are merely wasteful.
 */
export async function pruneWebhookInbox(
  { db, clock }: { db: Db; clock: Clock },
  {
    payloadRetentionDays = 30,
    idRetentionDays = 90,
    batchSize = 500,
  }: PruneWebhookInboxOptions = {},
): Promise<PruneWebhookInboxResult> {
  if (!(payloadRetentionDays >= 0) || !(idRetentionDays >= 0) || !(batchSize >= 1)) {
    throw new RangeError("Retention days must be ≥ 0 and batchSize ≥ 1.");
  }
  const now = clock.now().getTime();
  const idCutoff = new Date(now - idRetentionDays * DAY_MS);
  const payloadCutoff = new Date(now - payloadRetentionDays * DAY_MS);
  const terminalBefore = (cutoff: Date) =>
    and(inArray(webhookEvents.status, TERMINAL), lt(webhookEvents.receivedAt, cutoff));

  let deleted = 0;
  for (;;) {
    // `delete … limit` is not portable; `id in (select … limit)` is, on both dialects.
    const batch = db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(terminalBefore(idCutoff))
      .limit(batchSize);
    const gone = await db
      .delete(webhookEvents)
      .where(inArray(webhookEvents.id, batch))
      .returning({ id: webhookEvents.id });
    deleted += gone.length;
    if (gone.length < batchSize) break;
  }

  // Rows pruned on earlier runs stay until idCutoff, so walk forward with a cursor (reads do not
  // take the write lock) instead of rescanning them for every batch.
  let payloadsPruned = 0;
  let cursor: { receivedAt: Date; id: string } | null = null;
  for (;;) {
    const after: ReturnType<typeof or> = cursor
      ? or(
          gt(webhookEvents.receivedAt, cursor.receivedAt),
          and(eq(webhookEvents.receivedAt, cursor.receivedAt), gt(webhookEvents.id, cursor.id)),
        )
      : undefined;
    const rows = await db
      .select({ id: webhookEvents.id, receivedAt: webhookEvents.receivedAt })
      .from(webhookEvents)
      .where(and(terminalBefore(payloadCutoff), ne(webhookEvents.payload, PRUNED_PAYLOAD), after))
      .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id))
      .limit(batchSize);
    const last = rows.at(-1);
    if (!last) break;
    const pruned = await db
      .update(webhookEvents)
      .set({ payload: PRUNED_PAYLOAD })
      .where(
        and(
          inArray(
            webhookEvents.id,
            rows.map((r) => r.id),
          ),
          inArray(webhookEvents.status, TERMINAL),
        ),
      )
      .returning({ id: webhookEvents.id });
    payloadsPruned += pruned.length;
    if (rows.length < batchSize) break;
    cursor = last;
  }
  return { payloadsPruned, deleted };
}
