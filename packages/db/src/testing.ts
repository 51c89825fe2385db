import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { closeDb, createDb, type DatabaseConfig, type Db, type Dialect } from "./client.ts";

/**
 * Databases for tests, on the dialect the run asks for: `FOLIO_TEST_DIALECT` is `sqlite`
 * (default) or `postgres`. The root vitest.config.ts runs the database suites once per dialect;
 * its `*:postgres` projects set the variable and attach `testing/postgres-global-setup.ts`, which
 * provides a server (`FOLIO_TEST_POSTGRES_URL`) and a migrated template database
 * (`FOLIO_TEST_POSTGRES_TEMPLATE`) that every test database is cloned from.
 */

export function testDialect(): Dialect {
  const value = process.env.FOLIO_TEST_DIALECT || "sqlite";
  if (value === "sqlite" || value === "postgres") return value;
  throw new Error(`FOLIO_TEST_DIALECT must be "sqlite" or "postgres", not "${value}"`);
}

/** A database other connections can open too, with the config to open it and its cleanup. */
export interface TestDatabase {
  db: Db;
  config: DatabaseConfig;
  /** SQLite only: the database file. */
  path: string | undefined;
}

interface Created {
  config: DatabaseConfig;
  db?: Db;
  drop: () => Promise<void>;
}

const created: Created[] = [];

/**
 * A fresh, migrated, empty database for one test. On SQLite it is in memory; with
 * `{ file: true }` it is a temp file (for tests that open it again from another connection,
 * thread or process). On PostgreSQL it is a new database cloned from the run's template.
 */
export function createTestDb(): Promise<Db>;
export function createTestDb(options: { file: true }): Promise<TestDatabase>;
export async function createTestDb(options?: { file?: boolean }): Promise<Db | TestDatabase> {
  if (!options?.file && testDialect() === "sqlite") {
    // Not tracked: nothing to drop, and holding it would keep every test's database in memory.
    return createDb(":memory:");
  }
  const entry = await newDatabase();
  const db = await createDb(entry.config);
  entry.db = db;
  const { config } = entry;
  return options?.file
    ? { db, config, path: config.dialect === "sqlite" ? config.path : undefined }
    : db;
}

/**
 * Config for a fresh database that is not opened here: for a server, worker thread or child
 * process that opens its own connection (createDb applies migrations, a no-op on a clone). On
 * SQLite a path in a new temp directory; on PostgreSQL a new database cloned from the template.
 */
export async function testDatabaseConfig(): Promise<DatabaseConfig> {
  return (await newDatabase()).config;
}

async function newDatabase(): Promise<Created> {
  let entry: Created;
  if (testDialect() === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "folio-test-db-"));
    entry = {
      config: { dialect: "sqlite", path: join(dir, "folio.db") },
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  } else {
    const { url, template } = postgresTarget();
    const name = `${template}_${randomBytes(4).toString("hex")}`;
    await adminQuery(`create database "${name}" template "${template}"`);
    entry = {
      config: { dialect: "postgres", url: databaseUrl(url, name) },
      drop: () => adminQuery(`drop database if exists "${name}" with (force)`),
    };
  }
  created.push(entry);
  return entry;
}

/**
 * Drops the databases `createTestDb` and `testDatabaseConfig` made in this test file (PostgreSQL
 * databases, SQLite temp files), closing the handles `createTestDb` opened on them first. Use as
 * `afterAll(dropTestDatabases)`. Optional: the throwaway cluster goes away with the run, and on a
 * server of your own (`FOLIO_TEST_POSTGRES_URL`) the global teardown drops what is left.
 */
export async function dropTestDatabases(): Promise<void> {
  const entries = created.splice(0);
  for (const entry of entries) {
    // A test may have closed its handle already; closing twice is not an error here.
    if (entry.db) await closeDb(entry.db).catch(() => undefined);
    await entry.drop();
  }
  const pool = adminPool;
  adminPool = undefined;
  await pool?.end();
}

/** `url` with its database name replaced. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function postgresTarget(): { url: string; template: string } {
  const url = process.env.FOLIO_TEST_POSTGRES_URL;
  const template = process.env.FOLIO_TEST_POSTGRES_TEMPLATE;
  if (!url || !template) {
    throw new Error(
      "FOLIO_TEST_DIALECT=postgres, but FOLIO_TEST_POSTGRES_URL / FOLIO_TEST_POSTGRES_TEMPLATE " +
        "are not set. They come from packages/db/src/testing/postgres-global-setup.ts, which the " +
        "root vitest.config.ts attaches to the `<project>:postgres` projects: run from the repo " +
        "root, e.g. `npx vitest run --project billing:postgres`.",
    );
  }
  return { url, template };
}

let adminPool: pg.Pool | undefined;

/** CREATE/DROP DATABASE on the server's maintenance database, one connection per test file. */
async function adminQuery(sql: string): Promise<void> {
  if (!adminPool) {
    adminPool = new pg.Pool({
      connectionString: postgresTarget().url,
      max: 1,
      allowExitOnIdle: true,
    });
    adminPool.on("error", () => undefined);
  }
  await adminPool.query(sql);
}
