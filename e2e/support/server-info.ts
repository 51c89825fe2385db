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
  pid: number;
}

export function writeServerInfo(info: ServerInfo): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(SERVER_INFO_PATH, JSON.stringify(info, null, 2));
}

export function readServerInfo(): ServerInfo {
  try {
    return JSON.parse(readFileSync(SERVER_INFO_PATH, "utf8")) as ServerInfo;
  } catch (cause) {
    throw new Error(
      `No running server described in ${SERVER_INFO_PATH}; run the suite with \`pnpm --filter @folio/e2e test\` so global setup starts one.`,
      { cause },
    );
  }
}
