import { dialectOf, withTransaction, type DatabaseConfig, type Db, type Dialect } from "@folio/db";
import { getTableColumns, sql } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";

// Bulk loading for the admin queries bench, on either dialect: rows in large multi-row INSERTs (one transaction per table), secondary indexes dropped while loading and
// rebuilt once at the end (building an index from sorted data is far cheaper than a million
// random B-tree inserts that no longer fit in the page cache).

export type Row = Record<string, unknown>;

/**
 * Where bulk statements go. SQLite: the app's own connection (`sql.raw` through the Db).
 * PostgreSQL: a separate plain connection, because the app's driver names (prepares) every
 * distinct statement text on its pooled connections, and each bulk statement is distinct.
 */
export interface Loader {
  dialect: Dialect;
  exec(text: string): Promise<void>;
  transaction(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openLoader(db: Db, config: DatabaseConfig): Promise<Loader> {
  if (config.dialect === "sqlite") {
    return {
      dialect: "sqlite",
      exec: async (text) => void (await db.run(sql.raw(text))),
      transaction: (fn) => withTransaction(db, fn),
      close: () => Promise.resolve(),
    };
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  return {
    dialect: "postgres",
    exec: async (text) => void (await client.query(text)),
    async transaction(fn) {
      await client.query("begin");
      try {
        await fn();
        await client.query("commit");
      } catch (err) {
        await client.query("rollback");
        throw err;
      }
    },
    close: () => client.end(),
  };
}

/** Statements of about this many bytes: large enough that per-statement work does not matter. */
const STATEMENT_BYTES = 1 << 20;

/**
 * A value as an SQL literal. Values arrive as Drizzle encodes them for the column (dates as epoch
 * ms, JSON as text, booleans as 1/0). PostgreSQL gets every value as a quoted literal, which it
 * coerces to the column's type (a bare 1 would not become a boolean).
 */
function literal(v: unknown, dialect: Dialect): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number" || typeof v === "bigint") {
    return dialect === "sqlite" ? String(v) : `'${String(v)}'`;
  }
  if (typeof v === "string") return `'${v.replaceAll("'", "''")}'`;
  throw new Error(`unsupported bulk value ${typeof v}`);
}

/**
 * Inserts rows `make(0…total-1)` (null skips one) by multi-row INSERTs of literal values (about
 * 1 MB of SQL each), all in one transaction. Drizzle's insert builder spent most of its time
 * building parameter lists (~2,000 rows/s under load); this path is bounded by the database.
 */
export async function insertAll(
  loader: Loader,
  table: SQLiteTable,
  total: number,
  make: (i: number) => Row | null,
): Promise<number> {
  const config = getTableConfig(table);
  const byKey = new Map(Object.entries(getTableColumns(table)));
  let keys: string[] | null = null;
  let head = "";
  let tuples: string[] = [];
  let bytes = 0;
  let written = 0;
  const flush = async () => {
    if (!tuples.length) return;
    await loader.exec(head + tuples.join(", "));
    written += tuples.length;
    tuples = [];
    bytes = 0;
  };
  await loader.transaction(async () => {
    for (let i = 0; i < total; i++) {
      const row = make(i);
      if (!row) continue;
      if (!keys) {
        keys = Object.keys(row);
        const cols = keys.map((k) => {
          const column = byKey.get(k);
          if (!column) throw new Error(`${config.name}: no column for ${k}`);
          return `"${column.name}"`;
        });
        head = `insert into "${config.name}" (${cols.join(", ")}) values `;
      }
      const tuple = `(${keys
        .map((k) => {
          const v = row[k];
          return literal(v == null ? null : byKey.get(k)!.mapToDriverValue(v), loader.dialect);
        })
        .join(", ")})`;
      tuples.push(tuple);
      bytes += tuple.length;
      if (bytes >= STATEMENT_BYTES) await flush();
    }
    await flush();
  });
  return written;
}

interface IndexDef {
  name: string;
  sql: string;
}

/**
 * Runs `load` with the tables' secondary indexes dropped (SQLite: also foreign-key checks off and
 * a large page cache), then recreates them exactly as the migrations defined them. PostgreSQL
 * keeps indexes that back a constraint (primary keys, unique constraints a foreign key needs).
 */
export async function withIndexesDeferred(
  db: Db,
  tables: SQLiteTable[],
  load: () => Promise<void>,
  log: (msg: string) => void,
): Promise<void> {
  const names = tables.map((t) => getTableConfig(t).name);
  const sqlite = dialectOf(db) === "sqlite";
  const defs: IndexDef[] = [];
  for (const name of names) {
    const found = sqlite
      ? await db.all<[string, string]>(
          sql`select name, sql from sqlite_master where type = 'index' and tbl_name = ${name} and sql is not null`,
        )
      : await db.all<[string, string]>(
          sql`select i.indexname as name, i.indexdef as sql from pg_indexes i
              where i.schemaname = current_schema() and i.tablename = ${name}
                and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
        );
    // Raw statements come back as value arrays on both drivers.
    defs.push(...found.map(([n, text]) => ({ name: n, sql: text })));
  }
  const dropped: IndexDef[] = [];
  for (const d of defs) {
    try {
      await db.run(sql.raw(`drop index "${d.name}"`));
      dropped.push(d);
    } catch {
      // PostgreSQL: another constraint depends on it; it stays and is maintained while loading.
    }
  }
  if (sqlite) {
    await db.run(sql.raw("pragma foreign_keys = off"));
    await db.run(sql.raw("pragma cache_size = -262144"));
  }
  log(`loading with ${dropped.length} of ${defs.length} secondary indexes dropped`);
  try {
    await load();
  } finally {
    const t0 = performance.now();
    for (const d of dropped) await db.run(sql.raw(d.sql));
    log(`indexes rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (sqlite) {
      await db.run(sql.raw("pragma cache_size = -2000"));
      await db.run(sql.raw("pragma foreign_keys = on"));
    } else {
      await db.run(sql.raw("analyze"));
    }
  }
}
