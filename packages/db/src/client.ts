import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import { openPostgres } from "./driver/postgres.ts";
import { openSqlite, type SqliteOptions } from "./driver/sqlite.ts";
import type { Dialect, Driver, TransactionOptions } from "./driver/types.ts";
import * as schema from "./schema/index.ts";

export type { Dialect, TransactionOptions };

/**
 * Folio's database handle, the same type on both dialects. Queries are written with Drizzle's
 * (SQLite-flavoured) query builder and awaited; the driver runs them on SQLite or PostgreSQL.
 * The schema's column types are chosen so the builder's SQL and values mean the same on both
 * (see docs in README "Running on PostgreSQL"). What differs between dialects lives in this
 * package behind named functions. Drizzle's own `transaction`, `batch` and relational `query`
 * API are left out: use `withTransaction`.
 */
export type Db = Omit<SqliteRemoteDatabase<typeof schema>, "transaction" | "batch" | "query">;

/** Inside `withTransaction` the handle is the same type; statements through it are in the tx. */
export type Tx = Db;

export type DatabaseConfig =
  | ({ dialect: "sqlite" } & Omit<SqliteOptions, "migrationsFolder">)
  | { dialect: "postgres"; url: string; max?: number };

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

const drivers = new WeakMap<object, Driver>();

/** The driver behind a handle; for this package's named functions only. */
export function driverOf(db: Db): Driver {
  const driver = drivers.get(db);
  if (!driver) throw new Error("not a database handle made by createDb");
  return driver;
}

/**
 * Opens the database (creating a SQLite file if needed), applies every committed migration of
 * its dialect and returns the handle. `sqlitePath` is shorthand for the embedded default.
 */
export async function createDb(config: DatabaseConfig | string): Promise<Db> {
  const c: DatabaseConfig =
    typeof config === "string" ? { dialect: "sqlite", path: config } : config;
  const driver =
    c.dialect === "sqlite"
      ? openSqlite({ ...c, migrationsFolder: join(MIGRATIONS, "sqlite") })
      : await openPostgres({ ...c, migrationsFolder: join(MIGRATIONS, "postgres") });
  const db = drizzle((sql, params, method) => driver.exec(sql, params, method) as never, {
    schema,
  }) as unknown as Db;
  drivers.set(db, driver);
  return db;
}

/**
 * Runs `fn` in one transaction: everything it awaits through `tx` (or any handle on the same
 * database, inside its async scope) commits or rolls back together. A `withTransaction` inside
 * another joins it. On SQLite write transactions are serialized on the connection; on
 * PostgreSQL see `TransactionOptions`.
 */
export function withTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  return driverOf(db).transaction(() => fn(db), options);
}

/**
 * Runs `fn` inside the current transaction under a savepoint: if it throws, what it wrote is
 * rolled back and the transaction goes on without it (on PostgreSQL, usable again after an
 * error). For several independent units of work in one transaction.
 */
export async function withSavepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const driver = driverOf(tx);
  if (driver.scope.getStore() === undefined) throw new Error("withSavepoint: not in a transaction");
  await driver.run("savepoint folio_unit");
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await driver.run("rollback to savepoint folio_unit");
    await driver.run("release savepoint folio_unit");
    throw err;
  }
  await driver.run("release savepoint folio_unit");
  return result;
}

/** Another connection of this process waits to write (SQLite, see `yieldTo`): a transaction
 * that could stop early should commit now. */
export function writersWaiting(db: Db): boolean {
  return driverOf(db).writersWaiting();
}

/** True while the caller runs inside `withTransaction` on this database. */
export function inTransaction(db: Db): boolean {
  return driverOf(db).scope.getStore() !== undefined;
}

export function dialectOf(db: Db): Dialect {
  return driverOf(db).dialect;
}

/** Periodic housekeeping (SQLite: a passive WAL checkpoint; see `checkpointPages`). */
export function maintainDb(db: Db): Promise<void> {
  return driverOf(db).maintain();
}

export function pingDb(db: Db): Promise<void> {
  return driverOf(db).ping();
}

export function closeDb(db: Db): Promise<void> {
  return driverOf(db).close();
}

/** True when `err` (or its cause: Drizzle wraps driver errors) is a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (
      code === "23505" ||
      code === "SQLITE_CONSTRAINT_UNIQUE" ||
      code === "SQLITE_CONSTRAINT_PRIMARYKEY"
    )
      return true;
  }
  return false;
}
