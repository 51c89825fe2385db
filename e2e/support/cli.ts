import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerInfo } from "./server-info.ts";

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "apps", "server");

/** Runs the operator CLI (`folio …`) against the e2e server's database. */
export function folio(server: ServerInfo, args: string[]): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, DATABASE_PATH: server.databasePath, LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`folio ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}
