import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Driver, ExecMethod } from "./types.ts";

type Statement = Database.Statement<unknown[], unknown>;

export interface SqliteOptions {
  path: string;
  /**
   * Cross-thread write courtesy for a process with several connections to one file (the server's
   * main thread and its writer threads), sharing one `writeCourtesyState()`. The side that passes
   * `announceWrites` (the main thread) counts the writes it wants to make; the sides that pass
   * `yieldTo` wait (up to 50 ms) before each transaction while that count is above zero, and count
   * their own transactions in progress, which the main thread waits out without blocking its
   * event loop before it begins one. SQLite lets one writer in at a time and a blocked writer
   * backs off in growing sleeps — on the main thread, sleeps that stop every request.
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

/** Slots of the shared write-courtesy state (Int32): writes the main thread wants to make, and
 * transactions of writer threads in progress. */
const ANNOUNCED = 0;
const YIELDERS_WRITING = 1;
/** How long either side waits for the other before leaving it to SQLite's busy handler. */
const COURTESY_MS = 50;

/** The state shared by the connections of one process that pass `announceWrites` / `yieldTo`. */
export function writeCourtesyState(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** `Atomics.waitAsync` (ES2024; Node ≥ 16), typed here because the project targets ES2023. */
type WaitAsyncResult = { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) =>
  (
    Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number, t: number): WaitAsyncResult;
    }
  ).waitAsync(a, index, value, timeoutMs);

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
    Atomics.add(announce, ANNOUNCED, 1);
    try {
      return fn();
    } finally {
      Atomics.sub(announce, ANNOUNCED, 1);
      Atomics.notify(announce, ANNOUNCED);
    }
  };

  /** Main thread: BEGIN IMMEDIATE once no writer thread is inside a transaction, waiting for
   * that without blocking the event loop (other requests are parsed and verified meanwhile). */
  const beginAnnounced = async (state: Int32Array) => {
    Atomics.add(state, ANNOUNCED, 1); // writer threads hold back new transactions meanwhile
    try {
      const deadline = performance.now() + COURTESY_MS;
      for (let v; (v = Atomics.load(state, YIELDERS_WRITING)) > 0;) {
        const left = deadline - performance.now();
        if (left <= 0) break; // e.g. a thread that died mid-transaction: SQLite decides
        const wait = waitAsync(state, YIELDERS_WRITING, v, left);
        if (wait.async) await wait.value;
      }
      prepare("begin immediate").run();
    } finally {
      Atomics.sub(state, ANNOUNCED, 1);
      Atomics.notify(state, ANNOUNCED);
    }
  };

  /** Writer thread: enters (counted in YIELDERS_WRITING) once the main thread announces no
   * writes, or after COURTESY_MS; returns the function that leaves. */
  const enterYielding = (state: Int32Array): (() => void) => {
    const leave = () => {
      Atomics.sub(state, YIELDERS_WRITING, 1);
      Atomics.notify(state, YIELDERS_WRITING);
    };
    // Count ourselves in before looking, so the main thread either sees us or we see it.
    for (let waited = 0; ; waited++) {
      Atomics.add(state, YIELDERS_WRITING, 1);
      const announced = Atomics.load(state, ANNOUNCED);
      if (announced === 0 || waited >= COURTESY_MS) return leave;
      leave();
      Atomics.wait(state, ANNOUNCED, announced, 1);
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
        const leave = yieldTo ? enterYielding(yieldTo) : undefined;
        try {
          // IMMEDIATE takes the write lock up front: a deferred transaction that reads first
          // cannot wait its way into a write once another connection committed meanwhile.
          if (announce) await beginAnnounced(announce);
          else prepare("begin immediate").run();
          try {
            const result = await fn();
            write(() => prepare("commit").run());
            return result;
          } catch (err) {
            if (conn.inTransaction) prepare("rollback").run();
            throw err;
          }
        } finally {
          leave?.();
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
  // The WAL file lives as long as this connection is open, so one handle serves every fsync.
  let wal: Promise<FileHandle> | null = null;
  const fsyncWal = async () => {
    wal ??= open(`${path}-wal`, "r");
    try {
      await (await wal).sync();
    } catch (err) {
      const failed = wal;
      wal = null; // opened again next time
      void failed.then((file) => file.close()).catch(() => undefined);
      throw err;
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
    writersWaiting: () => yieldTo !== null && Atomics.load(yieldTo, ANNOUNCED) > 0,
    maintain: () =>
      // PASSIVE never waits for a lock; it copies what it can of the WAL.
      outside(() => void conn.pragma("wal_checkpoint(PASSIVE)")),
    ping: () => outside(() => void prepare("select 1").get()),
    close: async () => {
      await outside(() => void conn.close());
      await (await wal?.catch(() => null))?.close();
    },
  };
  return driver;
}
