import { driverOf, type Db } from "./client.ts";

/**
 * Takes or renews the named lease for `ttlMs` when it is free, expired or already ours; true when
 * `holder` holds it now. Periodic work (pruning, schedulers) runs only while its lease is held,
 * so it runs on one instance at a time; a dead holder's lease lapses after `ttlMs`.
 */
export async function acquireLease(
  db: Db,
  name: string,
  holder: string,
  now: Date,
  ttlMs: number,
): Promise<boolean> {
  const rows = await driverOf(db).rows<{ holder: string }>(
    `insert into leases (name, holder, expires_at) values (?, ?, ?)
     on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
     where leases.expires_at <= ? or leases.holder = excluded.holder
     returning holder`,
    [name, holder, now.getTime() + ttlMs, now.getTime()],
  );
  return rows.length === 1;
}

/** Gives the lease up (on shutdown) so another instance need not wait for it to lapse. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await driverOf(db).run("delete from leases where name = ? and holder = ?", [name, holder]);
}
