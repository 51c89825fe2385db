import { createDb, type DatabaseConfig, type Db } from "@folio/db";
import { redactUrl } from "./env.ts";

/** The database could not be opened or migrated at start; the message says what to do. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

/** Where the database is, for people: no password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.dialect === "sqlite") return `SQLite file ${config.path}`;
  const t = postgresTarget(config.url);
  return `PostgreSQL ${t.user ? `${t.user}@` : ""}${t.host}:${t.port}/${t.database}`;
}

function postgresTarget(value: string) {
  const url = new URL(value);
  const socket = url.searchParams.get("host");
  return {
    host: url.hostname || socket || "localhost",
    port: url.port || "5432",
    database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username),
    user: decodeURIComponent(url.username),
  };
}

/** Why PostgreSQL refused, in words that point at the part of DATABASE_URL to fix. */
function postgresReason(err: unknown, t: ReturnType<typeof postgresTarget>): string {
  const seen: string[] = [];
  for (let e = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    switch (code) {
      case "ECONNREFUSED":
        return `nothing accepts connections at ${t.host}:${t.port} (connection refused): is PostgreSQL running there, on that port?`;
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `the host name ${t.host} does not resolve`;
      case "ETIMEDOUT":
      case "EHOSTUNREACH":
      case "ENETUNREACH":
        return `${t.host}:${t.port} cannot be reached from this machine (${String(code)}): check the host, the port and any firewall`;
      case "28P01":
      case "28000":
        return `PostgreSQL refused user "${t.user}": wrong password, or no pg_hba.conf entry for this client`;
      case "3D000":
        return `the database "${t.database}" does not exist: create it (createdb ${t.database}) or fix the name in DATABASE_URL`;
      case "42501":
        return `user "${t.user}" may not create Folio's tables in "${t.database}" (permission denied)`;
    }
    if (typeof message === "string" && message !== "") seen.push(message);
  }
  const message = seen.find((m) => !m.startsWith("Failed query")) ?? seen[0] ?? String(err);
  return /timeout/i.test(message)
    ? `no answer from ${t.host}:${t.port} within 5 s (${message})`
    : message;
}

/**
 * Opens the configured database and applies pending migrations (on PostgreSQL under an advisory
 * lock, so instances starting together migrate once). Failures become one message that names
 * the variable, what was tried (never the password) and what to check.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  try {
    return await createDb(config);
  } catch (err) {
    if (config.dialect === "sqlite") {
      throw new DatabaseUnavailableError(
        `Cannot open the SQLite database at ${config.path} (DATABASE_PATH): ${err instanceof Error ? err.message : String(err)}. Set DATABASE_PATH to a writable file path, e.g. ./.data/folio.db.`,
        { cause: err },
      );
    }
    const t = postgresTarget(config.url);
    throw new DatabaseUnavailableError(
      [
        `Cannot use the PostgreSQL database given by DATABASE_URL.`,
        `  tried: ${describeDatabase(config)} (${redactUrl(config.url)})`,
        `  problem: ${postgresReason(err, t)}`,
        `Fix DATABASE_URL (postgres://user:password@host:5432/database), or unset it to run on the embedded SQLite database at DATABASE_PATH.`,
      ].join("\n"),
      { cause: err },
    );
  }
}
