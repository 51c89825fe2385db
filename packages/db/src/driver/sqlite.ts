import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Driver, ExecMethod } from "./types.ts";

type Statement = Database.Statement<unknown[], unknown>;

export interface SqliteOptions {
  path: string;
  /**
   * Cross-thread write courtesy for a process with two connections to one file (the server's
   * main thread and its apply thread). The side that passes `announceWrites` counts its write
   * statements in progress in this shared counter; the side that passes `yieldTo` waits (up to
   * 50 ms) before each transaction while the counter is above zero. SQLite lets one writer in at
   * a time and a blocked writer backs off in growing sleeps, so without this the apply thread's
   * transaction after transaction could keep a webhook acknowledgement waiting for tens of ms.
   */
  announceWrites?: SharedArrayBuffer;
  yieldTo?: SharedArrayBuffer;
  /** Committed migrations to apply on open. */
  migrationsFolder: string;
  /**
   * WAL pages after which a commit on this connection also checkpoints (copies the log into the
   * database file, with an fsync): SQLite's `wal_autocheckpoint`, 1000 unless set. 0 leaves
   * checkpoints to other connections — the threads that commit most — so a webhook
   * acknowledgement never pays for one; call `maintainDb` now and then as a fallback.
   */
  checkpointPages?: number;
  /** Most distinct statements kept prepared. */
  statementCacheSize?: number;
}

/**
 * better-sqlite3 behind the async driver interface.
 *
 * One connection, so a transaction must own it while it is open: `transaction` takes an async
 * lock for its whole callback (awaits included), and any statement issued outside the
 * callback's async scope waits for the lock to be free before it runs. Inside the scope,
 * statements run at once. That is what makes interleaving impossible: work that is not part of
 * the transaction cannot execute on the connection until COMMIT or ROLLBACK.
 *
 * Statements are prepared once per SQL text and reused: Drizzle hands us the same text for the
 * same query shape, and preparing was about a tenth of the webhook path's CPU.
 */
export function openSqlite(options: SqliteOptions): Driver {
  const { path, checkpointPages } = options;
  if (checkpointPages !== undefined && !(Number.isInteger(checkpointPages) && checkpointPages >= 0))
    throw new Error(`checkpointPages must be a whole number ≥ 0, got ${checkpointPages}`);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const conn = new Database(path);
  conn.pragma("journal_mode = WAL");
  conn.pragma("foreign_keys = ON");
  conn.pragma("busy_timeout = 5000");
  conn.pragma("synchronous = NORMAL");
  // Statement journals (a multi-row statement or savepoint that may have to undo itself) and
  // sorts in memory: as temp files they were written page by page with pwrite, which cost the
  // usage API's batches more than their WAL commits did (BENCHMARKS.md, "Usage API").
  conn.pragma("temp_store = MEMORY");
  migrate(drizzle(conn), { migrationsFolder: options.migrationsFolder });
  if (checkpointPages !== undefined) conn.pragma(`wal_autocheckpoint = ${checkpointPages}`);

  const maxStatements = options.statementCacheSize ?? 500;
  const cache = new Map<string, Statement>();
  const announce = options.announceWrites ? new Int32Array(options.announceWrites) : null;
  const yieldTo = options.yieldTo ? new Int32Array(options.yieldTo) : null;

  const prepare = (sql: string): Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = conn.prepare(sql);
      if (cache.size >= maxStatements) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };

  const write = <T>(fn: () => T): T => {
    if (!announce) return fn();
    Atomics.add(announce, 0, 1);
    try {
      return fn();
    } finally {
      Atomics.sub(announce, 0, 1);
      Atomics.notify(announce, 0);
    }
  };

  const execNow = (sql: string, params: unknown[], method: ExecMethod): { rows: unknown } => {
    const stmt = prepare(sql);
    if (!stmt.reader) {
      const result = write(() => stmt.run(...params));
      return { rows: [], changes: result.changes } as { rows: unknown };
    }
    stmt.raw(true);
    if (method === "get") return { rows: stmt.get(...params) };
    if (method === "run") {
      write(() => stmt.all(...params)); // a write with RETURNING run for its effect
      return { rows: [] };
    }
    return { rows: stmt.all(...params) };
  };

  const scope = new AsyncLocalStorage<true>();
  // Work waiting for the connection, in arrival order. When a transaction ends, the statements
  // queued outside any transaction run at once, synchronously, so no transaction can slip in
  // ahead of them (woken in a later tick, a read could wait behind one transaction after another:
  // entitlement checks took ~0.9 s under usage load); the first queued transaction then takes
  // the connection and the hand-off stops.
  let locked = false;
  const queue: Array<() => void> = [];
  const release = () => {
    locked = false;
    while (!locked && queue.length > 0) queue.shift()!();
  };
  const acquire = (): Promise<void> => {
    if (!locked) {
      locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) =>
      queue.push(() => {
        locked = true;
        resolve();
      }),
    );
  };
  /** Runs the synchronous `fn` now, or as soon as no transaction (but the caller's) owns the
   * connection. */
  const outside = <T>(fn: () => T): Promise<T> => {
    const run = (resolve: (v: T) => void, reject: (e: Error) => void) => {
      try {
        resolve(fn());
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    return new Promise<T>((resolve, reject) => {
      if (!locked || scope.getStore()) run(resolve, reject);
      else queue.push(() => run(resolve, reject));
    });
  };

  /** Runs `fn` in a write transaction that owns the connection (see above). */
  const locally = async <T>(fn: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await scope.run(true, async () => {
        if (yieldTo) {
          for (let waited = 0, v = Atomics.load(yieldTo, 0); v > 0 && waited < 50; waited++) {
            Atomics.wait(yieldTo, 0, v, 1);
            v = Atomics.load(yieldTo, 0);
          }
        }
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads first
        // cannot wait its way into a write once another connection committed meanwhile.
        write(() => prepare("begin immediate").run());
        try {
          const result = await fn();
          write(() => prepare("commit").run());
          return result;
        } catch (err) {
          if (conn.inTransaction) prepare("rollback").run();
          throw err;
        }
      });
    } finally {
      release();
    }
  };

  // Durable commits: SQLite commits with synchronous=NORMAL (frames written to the WAL, not
  // fsynced), then the WAL file is fsynced off the event loop, outside the write lock, once for
  // every commit made before that fsync began (group commit). A frame is either still in the
  // WAL, made durable by it, or already checkpointed into the database file, which a checkpoint
  // fsyncs before the WAL is reused.
  let syncing: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const fsyncWal = async () => {
    const file = await open(`${path}-wal`, "r");
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  };
  const syncWal = (): Promise<void> => {
    if (!syncing) {
      syncing = fsyncWal().finally(() => (syncing = null));
      return syncing;
    }
    // One is running: it may have started before this commit; the next one starts after it.
    queued ??= syncing.then(
      () => ((queued = null), syncWal()),
      () => ((queued = null), syncWal()),
    );
    return queued;
  };

  const driver: Driver = {
    dialect: "sqlite",
    scope,
    exec(sql, params, method) {
      return outside(() => execNow(sql, params, method));
    },
    rows<T>(sql: string, params: unknown[] = []) {
      return outside(() => {
        const stmt = prepare(sql);
        if (!stmt.reader) {
          write(() => stmt.run(...params)); // a statement that returns no rows still runs
          return [];
        }
        stmt.raw(false);
        return write(() => stmt.all(...params)) as T[];
      });
    },
    run(sql, params = []) {
      return outside(() => {
        const stmt = prepare(sql);
        return write(() => stmt.run(...params)).changes;
      });
    },
    async transaction(fn, opts) {
      // A transaction opened inside another is part of it (one connection, one transaction).
      if (scope.getStore()) return fn();
      const result = await locally(fn);
      if (opts?.durable === true && path !== ":memory:") await syncWal();
      return result;
    },
    writersWaiting: () => yieldTo !== null && Atomics.load(yieldTo, 0) > 0,
    maintain: () =>
      // PASSIVE never waits for a lock; it copies what it can of the WAL.
      outside(() => void conn.pragma("wal_checkpoint(PASSIVE)")),
    ping: () => outside(() => void prepare("select 1").get()),
    close: () => outside(() => void conn.close()),
  };
  return driver;
}
