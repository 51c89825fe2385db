import { systemClock, type Clock } from "@folio/billing";
import { createDb, type Db } from "@folio/db";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { deleteExpiredSessions } from "./auth/session.ts";
import { formatDemoAccounts, isDemoMode, seedDemo } from "./demo.ts";
import type { Env } from "./env.ts";

const SESSION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  /** Where the server actually listens (the real port when PORT=0). */
  address: string;
  /** Stops accepting connections, waits for in-flight requests, then closes the database. */
  close(): Promise<void>;
}

/**
 * The whole startup sequence, in order. Steps that must run before the server takes traffic
 * (Stripe emulator, webhook endpoint, background workers) belong here.
 */
export async function startServer(
  env: Env,
  { clock = systemClock, print = console.log }: { clock?: Clock; print?: (s: string) => void } = {},
): Promise<RunningServer> {
  // 1. Store: opens the file and applies committed migrations.
  const db = createDb(env.DATABASE_PATH);

  // 2. Demo data, only when no real Stripe account is configured.
  if (isDemoMode(env)) {
    const demo = await seedDemo({ db, clock });
    const table = formatDemoAccounts(demo);
    if (table) print(table);
  }

  // 3. HTTP app; the database is closed after Fastify has drained in-flight requests.
  const app = await buildApp({ env, db, clock });
  const sweep = () => deleteExpiredSessions(db, clock);
  sweep();
  const sweeper = setInterval(sweep, SESSION_SWEEP_INTERVAL_MS).unref();
  app.addHook("onClose", () => {
    clearInterval(sweeper);
    db.$client.close();
  });

  // 4. Listen.
  let address: string;
  try {
    address = await app.listen({ port: env.PORT, host: env.HOST });
  } catch (err) {
    await app.close();
    if (err instanceof Error && "code" in err && err.code === "EADDRINUSE") {
      throw new Error(
        `Port ${env.PORT} on ${env.HOST} is already in use. Stop the other process or set PORT to a free port, e.g. PORT=3001.`,
        { cause: err },
      );
    }
    throw err;
  }
  print(`Folio is running at ${env.APP_URL} (listening on ${address}, ${env.NODE_ENV} mode)`);

  return { app, db, address, close: () => app.close() };
}
