import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Driver, ExecMethod, TransactionOptions } from "./types.ts";

export interface PostgresOptions {
  url: string;
  migrationsFolder: string;
  /** Pool size per instance. */
  max?: number;
}

// Values come back as the SQLite driver returns them, so one query builder serves both: int8 and
// numeric (bigint columns, count, sum) as numbers, JSON as its text (Drizzle parses it).
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    if (oid === 114 || oid === 3802) return (v: string) => v;
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  },
};

/**
 * The SQLite builder's SQL as PostgreSQL takes it: `?` placeholders become `$1…` (quoted text
 * and identifiers left alone), and an upsert's conflict target loses its table qualifier
 * (`on conflict ("t"."id")` is SQLite's spelling; PostgreSQL wants bare column names).
 */
export function toPostgres(sql: string): string {
  return numberPlaceholders(sql).replace(
    /on conflict \(([^)]*)\)/g,
    (_m, target: string) => `on conflict (${target.replace(/"(?:[^"]|"")*"\./g, "")})`,
  );
}

function numberPlaceholders(sql: string): string {
  let out = "";
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      out += `$${++n}`;
    } else out += ch;
  }
  return out;
}

const RETRYABLE = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected

/**
 * PostgreSQL through node-postgres behind the async driver interface. Statements get a stable
 * name per SQL text, so each pooled connection plans a query shape once. A transaction checks
 * out one connection for its whole callback; statements issued inside the callback's async
 * scope use it, everything else uses the pool.
 */
export async function openPostgres(options: PostgresOptions): Promise<Driver> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    types,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);

  await migratePostgres(pool, options.migrationsFolder);

  const statements = new Map<string, { text: string; name: string }>();
  const statement = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      const text = toPostgres(sql);
      s = { text, name: `f_${createHash("sha1").update(text).digest("hex").slice(0, 24)}` };
      if (statements.size >= 2_000) statements.clear();
      statements.set(sql, s);
    }
    return s;
  };

  const scope = new AsyncLocalStorage<pg.PoolClient>();
  const client = (): pg.Pool | pg.PoolClient => scope.getStore() ?? pool;

  const query = (sql: string, params: unknown[], rowMode?: "array") => {
    const { text, name } = statement(sql);
    return client().query({ text, name, values: params, ...(rowMode ? { rowMode } : {}) });
  };

  const driver: Driver = {
    dialect: "postgres",
    scope,
    async exec(sql: string, params: unknown[], method: ExecMethod) {
      const res = await query(sql, params, method === "run" ? undefined : "array");
      if (method === "get") return { rows: res.rows[0] };
      return { rows: method === "run" ? [] : res.rows };
    },
    async rows<T>(sql: string, params: unknown[] = []) {
      return (await query(sql, params)).rows as T[];
    },
    async run(sql, params = []) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async transaction<T>(fn: () => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
      if (scope.getStore()) return fn();
      const begin =
        opts.isolation === "serializable" ? "begin isolation level serializable" : "begin";
      for (let attempt = 1; ; attempt++) {
        const conn = await pool.connect();
        let broken: Error | undefined;
        // A connection lost while checked out is also an 'error' event on the client; unheard, it
        // would crash the process (the statement in flight rejects anyway).
        const lost = (e: Error) => (broken = e);
        conn.on("error", lost);
        try {
          await conn.query(begin);
          const result = await scope.run(conn, fn);
          await conn.query("commit");
          return result;
        } catch (err) {
          await conn.query("rollback").catch((e: Error) => (broken = e));
          const code = (err as { code?: string }).code;
          if (opts.isolation === "serializable" && code && RETRYABLE.has(code) && attempt < 5)
            continue;
          throw err;
        } finally {
          conn.off("error", lost);
          conn.release(broken);
        }
      }
    },
    writersWaiting: () => false,
    async maintain() {
      // Autovacuum and checkpoints are the server's business.
    },
    async ping() {
      await pool.query("select 1");
    },
    async close() {
      await pool.end();
    },
  };
  return driver;
}

/** Applies committed migrations once, even when several instances start together. */
async function migratePostgres(pool: pg.Pool, migrationsFolder: string) {
  const conn = await pool.connect();
  try {
    await conn.query("select pg_advisory_lock(7402311)");
    try {
      await migrate(drizzle(conn), { migrationsFolder });
    } finally {
      await conn.query("select pg_advisory_unlock(7402311)");
    }
  } finally {
    conn.release();
  }
}
