import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ARTIFACTS_DIR, writeServerInfo } from "./support/server-info.ts";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SERVER_DIR = join(REPO_ROOT, "apps", "server");
// Start-up plus seeding the small demo business on a busy CI machine.
const HEALTH_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

function buildWebApp(): void {
  const result = spawnSync("pnpm", ["--filter", "@folio/web", "build"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `Building the web app failed (pnpm --filter @folio/web build):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

async function waitForHealth(baseURL: string, child: ChildProcess, logPath: string) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited during start-up. Last log lines:\n${tail(logPath)}`);
    }
    try {
      const response = await fetch(`${baseURL}/healthz`);
      // While the demo business is seeded the server answers `demo: "preparing"`.
      if (response.ok && !("demo" in ((await response.json()) as object))) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `The server was not ready (/healthz) within ${HEALTH_TIMEOUT_MS / 1000} s. Last log lines:\n${tail(logPath)}`,
  );
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Builds the SPA and starts the real server (production mode, demo seed, embedded Stripe
 * emulator) on free ports with a fresh database. The returned function is the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  buildWebApp();

  const [port, emulatorPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), "folio-e2e-"));
  const databasePath = join(dataDir, "folio.db");
  const baseURL = `http://127.0.0.1:${port}`;
  const stripeEmulatorURL = `http://127.0.0.1:${emulatorPort}`;
  // Per port, so two runs in one checkout keep separate logs.
  const logPath = join(ARTIFACTS_DIR, `server-${port}.log`);
  writeServerInfo({ baseURL, databasePath, stripeEmulatorURL, pid: 0 });
  const log = openSync(logPath, "w");

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_URL: baseURL,
    DATABASE_PATH: databasePath,
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    LOG_LEVEL: "warn",
    // Every spec signs up its own customers from this one address.
    SIGN_UPS_PER_ADDRESS_PER_HOUR: "100000",
    // The demo business with fewer customers (the same story code as `pnpm start`'s full one).
    FOLIO_DEMO_SIZE: process.env.FOLIO_DEMO_SIZE ?? "small",
  };
  // Demo mode (seeded accounts, embedded emulator) needs the real-Stripe settings absent.
  delete env.STRIPE_SECRET_KEY;
  delete env.STRIPE_API_URL;
  delete env.STRIPE_WEBHOOK_SECRETS;

  // `node --import tsx` keeps the server a single process, so the teardown signal reaches it.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: SERVER_DIR,
    env,
    stdio: ["ignore", log, log],
  });
  closeSync(log);

  const teardown = async () => {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseURL, child, logPath);
  } catch (error) {
    await teardown();
    throw error;
  }
  writeServerInfo({ baseURL, databasePath, stripeEmulatorURL, pid: child.pid ?? 0 });
  return teardown;
}
