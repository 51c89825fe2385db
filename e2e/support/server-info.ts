import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where global setup leaves what tests need to know about the server it started. */
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", ".artifacts");
const SERVER_INFO_PATH = join(ARTIFACTS_DIR, "server.json");

export interface ServerInfo {
  baseURL: string;
  /** SQLite file of the running server; tests open it read-only to prove nothing changed. */
  databasePath: string;
  /** The embedded Stripe emulator (demo mode): its API for the SDK, and its hosted pages. */
  stripeEmulatorURL: string;
  pid: number;
}

/**
 * Set in the runner by global setup and inherited by the workers it spawns, so two suites run at
 * once in the same checkout each talk to their own server (the file is shared between them).
 */
const SERVER_INFO_ENV = "FOLIO_E2E_SERVER_INFO";

export function writeServerInfo(info: ServerInfo): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(SERVER_INFO_PATH, JSON.stringify(info, null, 2));
  process.env[SERVER_INFO_ENV] = JSON.stringify(info);
}

export function readServerInfo(): ServerInfo {
  const inherited = process.env[SERVER_INFO_ENV];
  if (inherited) return JSON.parse(inherited) as ServerInfo;
  try {
    return JSON.parse(readFileSync(SERVER_INFO_PATH, "utf8")) as ServerInfo;
  } catch (cause) {
    throw new Error(
      `No running server described in ${SERVER_INFO_PATH}; run the suite with \`pnpm --filter @folio/e2e test\` so global setup starts one.`,
      { cause },
    );
  }
}
