import { inTransaction, withTransaction, type Db, type Tx } from "./client.ts";

// Group commit. A write that is acknowledged to someone who will not send it again (a webhook
// delivery) must be on disk before the answer; one fsync per delivery would cap ingest at a few
// hundred a second (~5 ms each on a VM disk). Writes issued in the same turn of the event loop
// (concurrent deliveries) go into one transaction instead, and every caller's promise settles
// once that transaction has committed — an fsync shared by the whole group.

interface Pending {
  write: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const queues = new WeakMap<Db, Pending[]>();

async function flush(db: Db, group: Pending[]) {
  try {
    const results = await withTransaction(
      db,
      async (tx) => {
        const out: unknown[] = [];
        for (const p of group) out.push(await p.write(tx));
        return out;
      },
      { durable: true },
    );
    group.forEach((p, i) => p.resolve(results[i]));
  } catch {
    // One write failing must not fail the others: each again on its own; whatever still
    // fails rejects only its own caller (who answers non-2xx, so Stripe delivers again).
    for (const p of group) {
      withTransaction(db, p.write, { durable: true }).then(p.resolve, p.reject);
    }
  }
}

/**
 * Runs `write` in a transaction shared with the other writes issued in this turn of the event
 * loop, and resolves with its result once that transaction has committed durably (on disk:
 * `TransactionOptions.durable`). Inside a transaction it simply joins that one.
 */
export function commitTogether<T>(db: Db, write: (tx: Tx) => Promise<T>): Promise<T> {
  if (inTransaction(db)) return write(db);
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) {
      queue = [];
      queues.set(db, queue);
      setImmediate(() => {
        queues.delete(db);
        void flush(db, queue!);
      });
    }
    queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
  });
}
