import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseConfig } from "@folio/db";
import { dropTestDatabases, testDatabaseConfig } from "@folio/db/testing";

const dirs: string[] = [];

/**
 * Environment variables that point a server or the CLI at a fresh database of the run's dialect
 * (`DATABASE_PATH` on SQLite, `DATABASE_URL` on PostgreSQL), plus its config for opening it from
 * the test. `DATABASE_PATH` is always a fresh temp path: on PostgreSQL it only holds the embedded
 * Stripe emulator's state (kept beside it). Clean up with `dropServerTestDatabases`.
 */
export async function serverTestDatabase(): Promise<{
  env: Record<string, string>;
  config: DatabaseConfig;
}> {
  const config = await testDatabaseConfig();
  if (config.dialect === "sqlite") return { env: { DATABASE_PATH: config.path }, config };
  const dir = mkdtempSync(join(tmpdir(), "folio-server-test-"));
  dirs.push(dir);
  return { env: { DATABASE_URL: config.url, DATABASE_PATH: join(dir, "folio.db") }, config };
}

export async function dropServerTestDatabases(): Promise<void> {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await dropTestDatabases();
}
