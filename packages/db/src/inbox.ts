import { getTableColumns } from "drizzle-orm";
import { driverOf, type Db, type Tx } from "./client.ts";
import { webhookEvents } from "./schema/webhooks.ts";

// Queue statements of the Stripe webhook inbox. Several Folio instances may drain one
// PostgreSQL inbox: each claims a batch under a lease; claims are taken one instance at a time
// (an advisory lock) and never include an event whose object has an unapplied event claimed by
// another live instance, so one object's events are applied by one instance, in order.

export type InboxEvent = typeof webhookEvents.$inferSelect;

const columns = Object.entries(getTableColumns(webhookEvents));
function decode(row: Record<string, unknown>): InboxEvent {
  const out: Record<string, unknown> = {};
  for (const [key, c] of columns) {
    const v = row[c.name];
    out[key] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
  }
  return out as InboxEvent;
}

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
  const pg = driver.dialect === "postgres";
  const now = opts.now.getTime();
  const text = `update webhook_events set claimed_by = ?, claim_expires_at = ?
    where id in (
      select w.id from webhook_events as w${pg ? "" : " indexed by webhook_events_queue"}
      where w.status in ('pending', 'failed') and w.next_attempt_at <= ?
        and (w.claim_expires_at is null or w.claim_expires_at <= ? or w.claimed_by = ?)
        and not exists (
          select 1 from webhook_events as o
          where o.object_id = w.object_id and o.status in ('pending', 'failed')
            and o.claimed_by <> ? and o.claim_expires_at > ?)
      order by w.created, w.id limit ?${pg ? " for update skip locked" : ""})
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
    if (pg) await driver.rows("select pg_advisory_xact_lock(?)", [CLAIM_LOCK]);
    return driver.rows<Record<string, unknown>>(text, params);
  });
  return rows
    .map(decode)
    .sort(
      (a, b) =>
        a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/**
 * Inside an apply transaction: locks the event's inbox row (PostgreSQL) and reads its state, so
 * the caller can check it is still due and still its claim before applying it.
 */
export async function lockInboxEvent(
  tx: Tx,
  id: string,
): Promise<{ status: InboxEvent["status"]; claimedBy: string | null } | null> {
  const driver = driverOf(tx);
  const [row] = await driver.rows<{ status: InboxEvent["status"]; claimed_by: string | null }>(
    `select status, claimed_by from webhook_events where id = ?${driver.dialect === "postgres" ? " for update" : ""}`,
    [id],
  );
  return row ? { status: row.status, claimedBy: row.claimed_by } : null;
}

/** Gives back `holder`'s unapplied claims (a worker stopping), so another instance can start. */
export async function releaseInboxClaims(db: Db, holder: string): Promise<void> {
  await driverOf(db).run(
    "update webhook_events set claimed_by = null, claim_expires_at = null where claimed_by = ? and status in ('pending', 'failed')",
    [holder],
  );
}
