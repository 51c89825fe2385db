import { eq, type SQL } from "drizzle-orm";
import { driverOf, type Db, type Tx } from "./client.ts";
import { rowDecoder } from "./rows.ts";
import { webhookEvents } from "./schema/webhooks.ts";

// Queue statements of the Stripe webhook inbox. Several Folio instances may drain one
// PostgreSQL inbox: each claims a batch under a lease; claims are taken one instance at a time
// (an advisory lock) and never include an event whose object has an unapplied event claimed by
// another live instance, so one object's events are applied by one instance, in order.
//
// SQLite has one instance per database file, so claims are not recorded there: a claim is a
// read. Recording one would rewrite every claimed row (payload included) under the write lock
// while webhook acknowledgements wait for it. Two appliers on one file (the server and a CLI
// replay) still apply an event once: write transactions are serialized and each re-checks the
// event's status inside its transaction.

export type InboxEvent = typeof webhookEvents.$inferSelect;

/** Whether claims are written to the inbox (PostgreSQL) or only implied (SQLite; see above). */
function claimsRecorded(db: Db): boolean {
  return driverOf(db).dialect === "postgres";
}

/** For an update that must only happen while `holder` still holds the event's claim. */
export function whileClaimedBy(db: Db, holder: string): SQL | undefined {
  return claimsRecorded(db) ? eq(webhookEvents.claimedBy, holder) : undefined;
}

const decode = rowDecoder(webhookEvents);

const CLAIM_LOCK = 7402312;

/**
 * Claims up to `limit` due events (pending, or failed and due for a retry) for `holder` until
 * `now + leaseMs`, oldest `created` first (then id). Events already claimed by `holder` are
 * included again (and their lease renewed).
 */
export async function claimInboxEvents(
  db: Db,
  opts: { holder: string; now: Date; leaseMs: number; limit: number },
): Promise<InboxEvent[]> {
  const driver = driverOf(db);
  const now = opts.now.getTime();
  const byAge = (a: InboxEvent, b: InboxEvent) =>
    a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (!claimsRecorded(db)) {
    const due = await driver.rows<Record<string, unknown>>(
      "select * from webhook_events indexed by webhook_events_queue where status in ('pending', 'failed') and next_attempt_at <= ? order by created, id limit ?",
      [now, opts.limit],
    );
    return due.map((r) => ({
      ...decode(r),
      claimedBy: opts.holder,
      claimExpiresAt: new Date(now + opts.leaseMs),
    }));
  }
  const text = `update webhook_events set claimed_by = ?, claim_expires_at = ?
    where id in (
      select w.id from webhook_events as w
      where w.status in ('pending', 'failed') and w.next_attempt_at <= ?
        and (w.claim_expires_at is null or w.claim_expires_at <= ? or w.claimed_by = ?)
        and not exists (
          select 1 from webhook_events as o
          where o.object_id = w.object_id and o.status in ('pending', 'failed')
            and o.claimed_by <> ? and o.claim_expires_at > ?)
      order by w.created, w.id limit ? for update skip locked)
    returning *`;
  const params = [
    opts.holder,
    now + opts.leaseMs,
    now,
    now,
    opts.holder,
    opts.holder,
    now,
    opts.limit,
  ];
  const rows = await driver.transaction(async () => {
    await driver.rows("select pg_advisory_xact_lock(?)", [CLAIM_LOCK]);
    return driver.rows<Record<string, unknown>>(text, params);
  });
  return rows.map(decode).sort(byAge);
}

/**
 * Inside an apply transaction: locks the event's inbox row (PostgreSQL) and reads its state, so
 * the caller can check it is still due and still claimed by `holder` before applying it.
 */
export async function lockInboxEvent(
  tx: Tx,
  id: string,
  holder: string,
): Promise<{ status: InboxEvent["status"]; ours: boolean } | null> {
  const recorded = claimsRecorded(tx);
  const [row] = await driverOf(tx).rows<{
    status: InboxEvent["status"];
    claimed_by: string | null;
  }>(`select status, claimed_by from webhook_events where id = ?${recorded ? " for update" : ""}`, [
    id,
  ]);
  return row ? { status: row.status, ours: !recorded || row.claimed_by === holder } : null;
}

/** Gives back `holder`'s unapplied claims (a worker stopping), so another instance can start. */
export async function releaseInboxClaims(db: Db, holder: string): Promise<void> {
  await driverOf(db).run(
    "update webhook_events set claimed_by = null, claim_expires_at = null where claimed_by = ? and status in ('pending', 'failed')",
    [holder],
  );
}
