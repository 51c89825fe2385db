import type { AsyncLocalStorage } from "node:async_hooks";

export type Dialect = "sqlite" | "postgres";
export type ExecMethod = "run" | "all" | "values" | "get";

export interface TransactionOptions {
  /**
   * PostgreSQL only. `serializable` runs the callback at SERIALIZABLE and retries it (up to five
   * times) on serialization failures and deadlocks, so the callback must be safe to run again.
   * The default, READ COMMITTED, suits writers that take the row locks they need (`lockKeys`).
   * SQLite write transactions are serialized whatever this says.
   */
  isolation?: "read_committed" | "serializable";
  /**
   * The commit is on disk before the transaction resolves. PostgreSQL's commits are (fsync and
   * synchronous_commit on); SQLite's normally are not (WAL with synchronous=NORMAL: a power
   * loss may drop the last commits, never corrupt the file), so after this one the WAL file is
   * fsynced — off the event loop, after the write lock is released, one fsync for all the
   * commits made before it started. For writes acknowledged to a sender who will not send them
   * again: webhook deliveries.
   */
  durable?: boolean;
}

/**
 * What `@folio/db` needs from a connection. Drizzle's query builder (SQLite flavour, async)
 * sends every statement through `exec`; named functions in this package use `rows`/`run` with
 * SQL they pick per dialect. Statements issued inside `transaction`'s callback — found through
 * an AsyncLocalStorage scope, whichever handle issued them — run in that transaction.
 */
export interface Driver {
  readonly dialect: Dialect;
  readonly scope: AsyncLocalStorage<unknown>;
  exec(sql: string, params: unknown[], method: ExecMethod): Promise<{ rows: unknown }>;
  /** Rows as objects keyed by column name. Placeholders are `?` on both dialects. */
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** SQLite with `yieldTo`: another connection of this process is waiting to write, so a long
   * transaction should end soon. Always false on PostgreSQL (writers do not exclude each other). */
  writersWaiting(): boolean;
  /** Periodic housekeeping: a passive WAL checkpoint on SQLite; nothing on PostgreSQL. */
  maintain(): Promise<void>;
  /** Round trip that proves the database answers (`/healthz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
