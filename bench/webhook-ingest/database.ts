import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseConfig } from "@folio/db";
import pg from "pg";

export interface BenchDatabase {
  config: DatabaseConfig;
  /** What the server is given: DATABASE_PATH or DATABASE_URL. */
  env: Record<string, string>;
  /** For the report (no password). */
  label: string;
  /** Deletes the temp file or drops the database (unless kept). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one run: a temp SQLite file, or — given a PostgreSQL server URL —
 * a new database `folio_bench_<random>` created on that server (the URL's user needs CREATEDB),
 * so a run never touches existing data and every run starts from the same empty state.
 */
export async function benchDatabase(
  postgresUrl: string | undefined,
  { keep }: { keep: boolean },
): Promise<BenchDatabase> {
  if (!postgresUrl) {
    const dir = mkdtempSync(join(tmpdir(), "folio-bench-"));
    const path = join(dir, "folio.db");
    return {
      config: { dialect: "sqlite", path },
      env: { DATABASE_PATH: path },
      label: `SQLite ${path}`,
      drop: () => {
        if (!keep) rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const name = `folio_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  // Server and bench on the machine's one filesystem: a dir for anything else they write.
  const dir = mkdtempSync(join(tmpdir(), "folio-bench-"));
  return {
    config: { dialect: "postgres", url: url.toString() },
    env: { DATABASE_URL: url.toString(), DATABASE_PATH: join(dir, "folio.db") },
    label: `PostgreSQL ${url.hostname}:${url.port || 5432}/${name}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      if (!keep) await admin(`drop database if exists "${name}" with (force)`);
    },
  };
}
