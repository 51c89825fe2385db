import { driverOf, type Tx } from "./client.ts";

/**
 * Serializes writers that touch the same logical objects (e.g. a Stripe object's mirror row and
 * its derived records) until the transaction ends. PostgreSQL: transaction-scoped advisory locks,
 * taken in sorted order so two writers cannot deadlock; READ COMMITTED statements after the lock
 * see what the previous holder committed. SQLite: nothing to do — write transactions are already
 * serialized (BEGIN IMMEDIATE on one connection per process, the file lock across processes).
 * Call it first thing inside `withTransaction`.
 */
export async function lockKeys(tx: Tx, keys: Iterable<string>): Promise<void> {
  const driver = driverOf(tx);
  if (driver.dialect !== "postgres") return;
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;
  // One round trip; unnest yields the keys in array (sorted) order, which is the lock order.
  await driver.rows(
    "select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(?::text[]) as k",
    [sorted],
  );
}
