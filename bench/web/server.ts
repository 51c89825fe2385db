import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
// Seeding the small demo business on a busy machine.
const READY_TIMEOUT_MS = 300_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object"
          ? resolve(address.port)
          : reject(new Error("no free port")),
      );
    });
  });
}

/** The production build Lighthouse measures (the same command `pnpm start` runs). */
export function buildWebApp(): void {
  const result = spawnSync("pnpm", ["--filter", "@folio/web", "build"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`pnpm --filter @folio/web build failed:\n${result.stdout}\n${result.stderr}`);
  }
}

export interface RunningServer {
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * The real server in production mode (compression, precompressed assets, security headers) on a
 * fresh database with the small demo business and its embedded Stripe emulator.
 */
export async function startServer(): Promise<RunningServer> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), "folio-bench-web-"));
  const baseURL = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_URL: baseURL,
    DATABASE_PATH: join(dataDir, "folio.db"),
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    LOG_LEVEL: "warn",
    FOLIO_DEMO_SIZE: "small",
  };
  // Demo mode (seeded accounts, embedded emulator) needs the real-Stripe settings absent.
  delete env.STRIPE_SECRET_KEY;
  delete env.STRIPE_API_URL;
  delete env.STRIPE_WEBHOOK_SECRETS;
  delete env.DATABASE_URL;

  const log: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(REPO_ROOT, "apps", "server"),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  }

  const stop = async () => {
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(baseURL, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseURL, stop };
}

async function waitUntilReady(baseURL: string, child: ChildProcess, log: string[]) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The server exited during start-up:\n${log.join("").slice(-4000)}`);
    }
    try {
      const response = await fetch(`${baseURL}/healthz`);
      // While the demo business is seeded the server answers `demo: "preparing"`.
      if (response.ok && !("demo" in ((await response.json()) as object))) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The server was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Signs in through the API as a browser would and returns the session cookie to send. */
export async function sessionCookie(baseURL: string, email: string): Promise<string> {
  const response = await fetch(`${baseURL}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseURL },
    body: JSON.stringify({ email, password: "folio-demo" }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("folio_session="));
  if (!response.ok || !cookie) {
    throw new Error(`Signing in as ${email} failed: ${response.status} ${await response.text()}`);
  }
  return cookie;
}
