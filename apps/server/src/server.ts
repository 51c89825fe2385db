import { hostname } from "node:os";
import {
  systemClock,
  type Clock,
  type JobWorkerOptions,
  type WebhookWorker,
  type WorkerOptions,
} from "@folio/billing";
import { closeDb, maintainDb, writeCourtesyState, type DatabaseConfig, type Db } from "@folio/db";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { limitConcurrency } from "./concurrency-limit.ts";
import { ProgressBar } from "./demo/progress.ts";
import { demoBusinessSeeded, seedDemoBusiness } from "./demo/index.ts";
import { setDemoProgress } from "./demo/status.ts";
import { startApplyThread } from "./apply-worker.ts";
import { startJobs } from "./jobs/start.ts";
import { startMail } from "./mail.ts";
import { webhookUrlPolicy } from "./outbound-urls.ts";
import { openDatabase } from "./database.ts";
import {
  DEMO_CUSTOMER_EMAIL,
  formatDemoAccounts,
  isDemoMode,
  seedDemo,
  seedDemoStripe,
} from "./demo.ts";
import type { Env } from "./env.ts";
import { startStripe, type StripeRuntime } from "./stripe.ts";
import { startUsageWriter } from "./usage-writer.ts";

const MAINTENANCE_INTERVAL_MS = 60 * 1000;
/**
 * WAL pages between the writer threads' checkpoints (SQLite's default is 1,000). A page written
 * again before the next checkpoint is copied once, so fewer, larger checkpoints copy less: for
 * the usage API's batches 10,000 halved the checkpoints' CPU (BENCHMARKS.md, "Usage API"). The
 * cost is a WAL of up to ~40 MB and a longer pause in the thread that runs each checkpoint.
 */
const WRITER_CHECKPOINT_PAGES = 10_000;

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  stripe: StripeRuntime;
  /** Where the server actually listens (the real port when PORT=0). */
  address: string;
  /** This instance's name in inbox claims and leases. */
  holder: string;
  /** Stops accepting connections, waits for in-flight requests, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  print?: (s: string) => void;
  /** Apply worker tuning (e.g. a short claim lease in tests). */
  webhookWorker?: WorkerOptions;
  /** This instance's name in inbox claims and leases; see `instanceName`. */
  holder?: string;
  /** Job worker tuning (e.g. a short lease in tests). */
  jobWorker?: JobWorkerOptions;
}

let started = 0;

/**
 * `host:pid`, the name under which this instance claims inbox events and holds leases. It stays
 * the same while the server runs (an apply thread restarted after a crash takes its own claims
 * back at once); a second server in the same process gets `host:pid:2`.
 */
/** Objects one instance applies side by side on PostgreSQL (its pool has 10 connections). */
const POSTGRES_APPLY_CONCURRENCY = 8;
/** Usage API batches writing at once on PostgreSQL: under half the main pool's connections. */
const POSTGRES_USAGE_WRITERS = 4;

export function instanceName(): string {
  started += 1;
  return `${hostname()}:${process.pid}${started > 1 ? `:${started}` : ""}`;
}

/**
 * The whole startup sequence, in order. Steps that must run before the server takes traffic
 * (Stripe emulator, webhook endpoint, background workers) belong here.
 */
export async function startServer(
  env: Env,
  {
    clock = systemClock,
    print = console.log,
    webhookWorker: workerOptions = {},
    holder = instanceName(),
    jobWorker: jobOptions = {},
  }: StartOptions = {},
): Promise<RunningServer> {
  // Webhook events are applied on a thread of their own with its own connection (needs a
  // database both threads can open, and the system clock); otherwise buildApp runs the worker on
  // the main thread.
  const sqlite = env.database.dialect === "sqlite";
  const applyInThread =
    clock === systemClock &&
    !(env.database.dialect === "sqlite" && env.database.path === ":memory:");
  // SQLite: the main thread announces its writes so the writer threads let them go first, and
  // leaves WAL checkpoints to those threads (which commit most) so that a webhook
  // acknowledgement never pays for one. See @folio/db's driver/sqlite.ts.
  const writes = sqlite && applyInThread ? writeCourtesyState() : undefined;
  const mainConfig: DatabaseConfig =
    env.database.dialect === "sqlite" && writes
      ? { ...env.database, announceWrites: writes, checkpointPages: 0 }
      : env.database;
  const threadConfig: DatabaseConfig =
    env.database.dialect === "sqlite" && writes
      ? { ...env.database, yieldTo: writes, checkpointPages: WRITER_CHECKPOINT_PAGES }
      : env.database;

  // 1. Store: opens the database and applies committed migrations (once across instances).
  const db = await openDatabase(mainConfig);

  // 2. Stripe: the merchant's account, a standalone emulator, or the embedded one (demo mode).
  let stripe: StripeRuntime;
  try {
    stripe = await startStripe(env);
  } catch (err) {
    await closeDb(db);
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
  const app = await buildApp({
    env,
    db,
    clock,
    holder,
    stripe: stripe.stripe,
    webhookSecrets: stripe.webhookSecrets,
    webhookWorker: applyInThread ? false : workerOptions,
  });
  let applyThread: WebhookWorker | null = null;
  if (applyInThread) {
    applyThread = await startApplyThread({
      database: threadConfig,
      stripe: stripe.connection,
      // PostgreSQL commits transactions side by side (sharing WAL flushes), so several objects
      // are applied at once there; SQLite serializes write transactions.
      options: { concurrency: sqlite ? 1 : POSTGRES_APPLY_CONCURRENCY, ...workerOptions, holder },
      log: app.log,
    });
    app.folio.webhookWorker = applyThread;
  }
  // SQLite: usage API batches are written on a thread of their own too (usage-writer.ts).
  const usageWriter =
    sqlite && applyInThread
      ? await startUsageWriter({ database: threadConfig, log: app.log })
      : null;
  if (usageWriter) {
    app.folio.recordUsage = (events, { apiKeyId }) =>
      usageWriter.record(events, { apiKeyId, now: clock.now() });
  } else if (!sqlite) {
    // PostgreSQL: a batch holds a pooled connection for its whole transaction. With every
    // connection taken by batches, entitlement checks (and the console) queued behind them for
    // over a second (BENCHMARKS.md, "Usage API"); batches past this many wait in memory instead.
    app.folio.recordUsage = limitConcurrency(app.folio.recordUsage, POSTGRES_USAGE_WRITERS);
  }

  // Housekeeping of this instance's own connection runs on a timer everywhere; shared work
  // (sweeps, prunes, the MRR rebuild) is queued as jobs (jobs/registry.ts).
  const maintainer = applyInThread
    ? // SQLite fallback for when the apply thread is down or idle (it checkpoints only when it
      // commits): a PASSIVE checkpoint takes no lock it has to wait for, and with nothing new
      // does no I/O. A no-op on PostgreSQL.
      setInterval(() => {
        maintainDb(db).catch((err: unknown) =>
          app.log.warn({ err }, "database maintenance failed; it is retried in a minute"),
        );
      }, MAINTENANCE_INTERVAL_MS).unref()
    : undefined;
  // Queued jobs (e-mails, outbound webhooks, scheduled housekeeping) run after their
  // transactions commit, on whichever instance claims them.
  // E-mail jobs send through SMTP_URL, or into the built-in catcher (admin → Sent mail).
  const mail = await startMail(env, db, app.log);
  const jobWorker = await startJobs(
    {
      db,
      clock,
      log: app.log,
      stripe: stripe.stripe,
      webhookUrls: webhookUrlPolicy(env),
      mail: mail.services,
    },
    { ...jobOptions, holder },
  );
  app.folio.jobWorker = jobWorker;
  app.addHook("onClose", async () => {
    clearInterval(maintainer);
    await jobWorker.stop();
    await mail.close();
    await applyThread?.stop();
    await usageWriter?.stop();
    await stripe.close();
    await closeDb(db);
  });

  // The demo business is seeded once the server listens (its webhooks need us): /healthz says
  // "preparing" from the first answer, not only once seeding has started, so that a caller
  // waiting for a ready server (e2e's global setup) does not start in between.
  const seedsBusiness = isDemoMode(env) && env.FOLIO_DEMO_SIZE !== "none" && stripe.emulator;
  if (seedsBusiness && !(await demoBusinessSeeded(db))) setDemoProgress(0);

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
    // The demo business (demo/): months of customers played through the emulator, once.
    const emulator = stripe.emulator;
    if (env.FOLIO_DEMO_SIZE !== "none" && emulator) {
      try {
        const business = await seedDemoBusiness(
          {
            db,
            stripe: stripe.stripe,
            clock,
            flushWebhooks: async () => void (await emulator.flushWebhooks(30 * 60_000)),
            // Redrawn in place on a terminal; printed lines otherwise (and in tests).
            progress: new ProgressBar(
              print,
              print === console.log && process.stdout.isTTY ? process.stdout : undefined,
            ),
          },
          env.FOLIO_DEMO_SIZE,
        );
        if (!business.seeded && business.reason !== "already seeded") {
          print(`Demo business not seeded: ${business.reason}.`);
        } else if (business.seeded && business.failures.length > 0) {
          app.log.warn({ failures: business.failures }, "some demo business steps failed");
        }
      } catch (err) {
        app.log.error({ err }, "could not seed the demo business; the app runs without it");
      }
    }
  }

  return { app, db, stripe, address, holder, close: () => app.close() };
}
