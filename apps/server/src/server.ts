import { pruneWebhookInbox, systemClock, type Clock, type WebhookWorker } from "@folio/billing";
import { createDb, type Db } from "@folio/db";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { gateWrites, startApplyThread } from "./apply-worker.ts";
import { deleteExpiredSessions } from "./auth/session.ts";
import {
  DEMO_CUSTOMER_EMAIL,
  formatDemoAccounts,
  isDemoMode,
  seedDemo,
  seedDemoStripe,
} from "./demo.ts";
import type { Env } from "./env.ts";
import { startStripe, type StripeRuntime } from "./stripe.ts";

const SESSION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const INBOX_PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;
const WAL_CHECKPOINT_INTERVAL_MS = 60 * 1000;

/** `PRAGMA wal_checkpoint(PASSIVE)`: never waits for a lock; copies what it can of the WAL. */
export function checkpointWal(client: Db["$client"]): {
  busy: number;
  log: number;
  checkpointed: number;
} {
  const row = client.pragma("wal_checkpoint(PASSIVE)") as
    [{ busy: number; log: number; checkpointed: number }] | [];
  return row[0] ?? { busy: 0, log: 0, checkpointed: 0 };
}

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  stripe: StripeRuntime;
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

  // 2. Stripe: the merchant's account, a standalone emulator, or the embedded one (demo mode).
  let stripe: StripeRuntime;
  try {
    stripe = await startStripe(env);
  } catch (err) {
    db.$client.close();
    if (err instanceof Error && "code" in err && err.code === "EADDRINUSE") {
      throw new Error(
        `Port ${env.STRIPE_EMULATOR_PORT} on 127.0.0.1 (the embedded Stripe emulator) is already in use. Stop the other Folio or set STRIPE_EMULATOR_PORT to a free port, e.g. STRIPE_EMULATOR_PORT=12112.`,
        { cause: err },
      );
    }
    throw err;
  }

  // 3. Demo data, only when no real Stripe account is configured.
  if (isDemoMode(env)) {
    const demo = await seedDemo({ db, clock });
    const table = formatDemoAccounts(demo);
    if (table) print(table);
  }

  // 4. HTTP app with the webhook route and the apply worker; the emulator and the database are
  // closed after Fastify has drained in-flight requests and the worker has stopped.
  // Webhook events are applied on a thread of their own (needs a database file both threads
  // can open, and the system clock); otherwise buildApp runs the worker on the main thread.
  const applyInThread = clock === systemClock && env.DATABASE_PATH !== ":memory:";
  const app = await buildApp({
    env,
    db,
    clock,
    stripe: stripe.stripe,
    webhookSecrets: stripe.webhookSecrets,
    ...(applyInThread ? { webhookWorker: false as const } : {}),
  });
  let applyThread: WebhookWorker | null = null;
  if (applyInThread) {
    applyThread = await startApplyThread({
      databasePath: env.DATABASE_PATH,
      stripe: stripe.connection,
      log: app.log,
      writeGate: gateWrites(db.$client),
    });
    app.folio.webhookWorker = applyThread;
    // WAL checkpoints (copying the log into the database file, with an fsync) run on whichever
    // connection commits past the threshold. Leave them to the apply thread so that a webhook
    // acknowledgement never waits for one.
    db.$client.pragma("wal_autocheckpoint = 0");
  }
  // Fallback for when the apply thread is down or idle (it checkpoints only when it commits),
  // run unconditionally: whether it checkpointed lately is not observable from here without
  // checkpointing, and PASSIVE takes no lock it has to wait for. With the thread healthy the WAL
  // holds less than its 1,000-page autocheckpoint threshold, so this copies at most that once a
  // minute; with nothing new it does no I/O at all.
  const checkpointer = applyInThread
    ? setInterval(() => {
        try {
          checkpointWal(db.$client);
        } catch (err) {
          app.log.warn({ err }, "WAL checkpoint failed; it is retried in a minute");
        }
      }, WAL_CHECKPOINT_INTERVAL_MS).unref()
    : undefined;
  const sweep = () => deleteExpiredSessions(db, clock);
  sweep();
  const sweeper = setInterval(sweep, SESSION_SWEEP_INTERVAL_MS).unref();
  // Inbox retention: terminal events lose their payload after 30 days and their id after 90.
  const prune = () => {
    try {
      const r = pruneWebhookInbox({ db, clock });
      if (r.payloadsPruned + r.deleted > 0) app.log.info(r, "pruned the webhook inbox");
    } catch (err) {
      app.log.error({ err }, "could not prune the webhook inbox; it is retried tomorrow");
    }
  };
  prune();
  const pruner = setInterval(prune, INBOX_PRUNE_INTERVAL_MS).unref();
  app.addHook("onClose", async () => {
    clearInterval(sweeper);
    clearInterval(pruner);
    clearInterval(checkpointer);
    await applyThread?.stop();
    await stripe.close();
    db.$client.close();
  });

  // 5. Listen.
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

  // 6. Webhooks: an emulator delivers to the port we really listen on (PORT may be 0).
  const port = (app.server.address() as AddressInfo).port;
  const endpoint = await stripe.registerWebhookEndpoint(port);
  if (stripe.mode === "embedded-emulator" && stripe.emulator) {
    print(
      `Stripe emulator at ${stripe.emulator.url} (hosted checkout and invoices open there); webhooks go to ${endpoint?.url ?? "?"}`,
    );
  } else if (stripe.webhookSecrets.length === 0) {
    app.log.warn(
      "STRIPE_WEBHOOK_SECRETS is not set, so every Stripe webhook will be refused. Run `stripe listen --forward-to localhost:" +
        String(port) +
        "/api/stripe/webhook` and set STRIPE_WEBHOOK_SECRETS to the whsec_… it prints, or add a dashboard endpoint and use its signing secret.",
    );
  }

  // 7. Demo Stripe data, now that the emulator's webhooks reach us: catalog and demo customer.
  if (isDemoMode(env)) {
    try {
      const seeded = await seedDemoStripe({ db, stripe: stripe.stripe, clock });
      const s = seeded.catalog.summary;
      print(
        `Demo catalog pushed (${s.created} created, ${s.updated} updated, ${s.archived} archived, ${s.unchanged} unchanged); demo customer ${DEMO_CUSTOMER_EMAIL} is ${seeded.customerId ?? "missing"}${seeded.subscriptionId ? ` with subscription ${seeded.subscriptionId}` : ""}.`,
      );
    } catch (err) {
      app.log.error({ err }, "could not seed the demo Stripe data; the app runs without it");
    }
  }

  return { app, db, stripe, address, close: () => app.close() };
}
