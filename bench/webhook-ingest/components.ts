import { parseArgs } from "node:util";
import { ingestWebhook, recordHooks, startWebhookWorker, systemClock } from "@folio/billing";
import { closeDb, createDb, type DatabaseConfig } from "@folio/db";
import Stripe from "stripe";
import { benchDatabase } from "./database.ts";
import { startFakeStripe } from "./fake-stripe.ts";
import { FIXTURES_FILE, fixtureEvents } from "./fixtures.ts";
import { Account, signature, type ObjectStore } from "./generate.ts";

// Where the time goes, without HTTP: inbox writes alone, then the apply worker alone over the
// filled inbox, in one process on a fresh database (a temp SQLite file, or a new database on the
// PostgreSQL server given by --postgres / DATABASE_URL). `pnpm --filter @folio/bench
// bench:components`.

// `pnpm bench:components -- --flag` passes the `--` through.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    events: { type: "string", default: "20000" },
    hooks: { type: "boolean", default: true },
    "no-hooks": { type: "boolean", default: false },
    /** SQLite: WAL pages between auto-checkpoints (SQLite's default 1000; the server's writer
     * threads use 10000; 0 turns them off, which shows what checkpoints cost). */
    "checkpoint-pages": { type: "string" },
    postgres: { type: "string" },
    /** generated (Folio's lifecycle generator) or fixtures (Stripe's fixture objects, 10 events
     * a set: --events / 10 sets). */
    workload: { type: "string", default: "generated" },
    "fixtures-file": { type: "string", default: FIXTURES_FILE },
    /** Inbox writes in flight at once (concurrent deliveries share a commit). */
    concurrency: { type: "string", default: "32" },
  },
});
const SECRET = "whsec_bench_components";

async function main() {
  const now = Math.floor(Date.now() / 1000);
  const account = new Account(7, now - 200 * 86_400);
  const objects: ObjectStore =
    opts.workload === "fixtures" ? new Map<string, { id: string }>() : account.objects;
  const events =
    opts.workload === "fixtures"
      ? fixtureEvents(Math.ceil(Number(opts.events) / 10), {
          seed: 7,
          start: now - 200 * 86_400,
          objects,
          file: opts["fixtures-file"],
        })
      : [
          ...account.catalog(),
          ...account.customers(Number(opts.events), now - 200 * 86_400, 60).events,
        ];
  const fake = await startFakeStripe(objects);
  const database = await benchDatabase(opts.postgres ?? process.env.DATABASE_URL, { keep: false });
  const config: DatabaseConfig =
    database.config.dialect === "sqlite" && opts["checkpoint-pages"] !== undefined
      ? { ...database.config, checkpointPages: Number(opts["checkpoint-pages"]) }
      : database.config;
  const db = await createDb(config);
  console.log(`database: ${database.label}`);
  try {
    const signed = events.map((e) => ({
      body: Buffer.from(e.payload),
      header: signature(e.payload, SECRET, now),
    }));
    const clock = { now: () => new Date(now * 1000) };
    let t = performance.now();
    let cpu = process.cpuUsage();
    let next = 0;
    const sender = async () => {
      for (let s = signed[next++]; s; s = signed[next++]) {
        const r = await ingestWebhook(
          { db, clock },
          { rawBody: s.body, signatureHeader: s.header, secrets: [SECRET] },
        );
        if (!r.ok) throw new Error(r.reason);
      }
    };
    await Promise.all(Array.from({ length: Number(opts.concurrency) }, sender));
    const ingestMs = performance.now() - t;
    const ingestCpu = process.cpuUsage(cpu);
    console.log(
      `inbox writes: ${events.length} in ${(ingestMs / 1000).toFixed(2)} s = ${Math.round(events.length / (ingestMs / 1000))}/s; CPU ${((ingestCpu.user + ingestCpu.system) / events.length).toFixed(0)} µs per event`,
    );

    const url = new URL(fake.url);
    const stripe = new Stripe("sk_test_bench", {
      host: url.hostname,
      port: url.port,
      protocol: "http",
      maxNetworkRetries: 2,
      telemetry: false,
    });
    const worker = startWebhookWorker(
      {
        db,
        stripe,
        clock: systemClock,
        hooks: opts["no-hooks"] ? [] : recordHooks,
        logger: { warn: () => undefined, error: (o) => console.error(o) },
      },
      { autoStart: false },
    );
    t = performance.now();
    cpu = process.cpuUsage();
    const result = await worker.drain();
    const applyMs = performance.now() - t;
    const applyCpu = process.cpuUsage(cpu);
    await worker.stop();
    console.log(
      `apply (${opts["no-hooks"] ? "no hooks" : "with Folio's record hooks"}): ${JSON.stringify(result)} in ${(applyMs / 1000).toFixed(2)} s = ${Math.round(events.length / (applyMs / 1000))}/s; CPU ${((applyCpu.user + applyCpu.system) / events.length).toFixed(0)} µs per event`,
    );
    console.log(
      `Stripe calls: ${[...fake.requests.entries()].map(([k, n]) => `${k} ×${n}`).join(", ") || "none"}`,
    );
  } finally {
    await closeDb(db);
    await fake.close();
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
