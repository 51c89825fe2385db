import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ingestWebhook, recordHooks, startWebhookWorker, systemClock } from "@folio/billing";
import { createDb } from "@folio/db";
import Stripe from "stripe";
import { startFakeStripe } from "./fake-stripe.ts";
import { Account, signature } from "./generate.ts";

// Where the time goes, without HTTP: inbox writes alone, then the apply worker alone over the
// filled inbox, in one process on a temp-file database. `pnpm --filter @folio/bench components`.

const { values: opts } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    hooks: { type: "boolean", default: true },
    "no-hooks": { type: "boolean", default: false },
    /** Turn off WAL auto-checkpoints while applying (shows what checkpoints cost the applier). */
    "no-checkpoint": { type: "boolean", default: false },
  },
});
const SECRET = "whsec_bench_components";

async function main() {
  const now = Math.floor(Date.now() / 1000);
  const account = new Account(7, now - 200 * 86_400);
  const events = [
    ...account.catalog(),
    ...account.customers(Number(opts.events), now - 200 * 86_400, 60).events,
  ];
  const fake = await startFakeStripe(account.objects);
  const dir = mkdtempSync(join(tmpdir(), "folio-components-"));
  const db = createDb(join(dir, "folio.db"));
  try {
    const signed = events.map((e) => ({
      body: Buffer.from(e.payload),
      header: signature(e.payload, SECRET, now),
    }));
    const clock = { now: () => new Date(now * 1000) };
    let t = performance.now();
    let cpu = process.cpuUsage();
    for (const s of signed) {
      const r = ingestWebhook(
        { db, clock },
        { rawBody: s.body, signatureHeader: s.header, secrets: [SECRET] },
      );
      if (!r.ok) throw new Error(r.reason);
    }
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
    if (opts["no-checkpoint"]) db.$client.pragma("wal_autocheckpoint = 0");
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
    db.$client.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
