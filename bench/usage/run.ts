import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { closeDb, createDb, usageCounters, usageEvents } from "@folio/db";
import { count, sum } from "drizzle-orm";
import { benchDatabase } from "../webhook-ingest/database.ts";
import { startFakeStripe } from "../webhook-ingest/fake-stripe.ts";
import { call as httpCall } from "./http.ts";
import type { ProberConfig, ProberResult } from "./prober.ts";
import { seedBench } from "./seed.ts";

// Usage API benchmark (issue 13): 32 keep-alive senders POST batches to /api/v1/usage/batch in a
// closed loop (or paced to --rate events/s) while a prober asks GET /api/v1/entitlements/:customer;
// see BENCHMARKS.md.

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    events: { type: "string", default: "200000" },
    batch: { type: "string", default: "100" },
    concurrency: { type: "string", default: "32" },
    customers: { type: "string", default: "1000" },
    /** Entitlement checks in flight at once during the load. */
    probes: { type: "string", default: "2" },
    /** Pause (ms) between one prober's checks: a steady trickle of checks beside the load,
     * not a second load of their own once they answer fast. */
    "probe-every": { type: "string", default: "20" },
    /** Offered load in events/s: batches leave on a fixed schedule shared by the senders (each
     * still waits for its previous answer) instead of as fast as the server answers. */
    rate: { type: "string" },
    port: { type: "string", default: "7210" },
    /** Each sender reports for its own slice of the customers (one backend per customer shard)
     * instead of all of them; PostgreSQL serializes writers per customer, so shared customers
     * queue behind each other. */
    shard: { type: "boolean", default: false },
    postgres: { type: "string" },
    profile: { type: "string" },
    /** Another checkout's apps/server, run by this driver: an A/B in one sitting. */
    "server-dir": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const EVENTS = Number(opts.events);
const BATCH = Number(opts.batch);
const CONCURRENCY = Number(opts.concurrency);
const CUSTOMERS = Number(opts.customers);
const PORT = Number(opts.port);
const RATE = opts.rate === undefined ? undefined : Number(opts.rate);
const PROBER = fileURLToPath(new URL("./prober.ts", import.meta.url));
const SERVER_DIR = resolve(
  opts["server-dir"] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../apps/server"),
);
const log = (msg: string) => console.log(`[bench:usage] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(2);
  return `p50 ${f(percentile(s, 50))} ms, p99 ${f(percentile(s, 99))} ms, max ${f(s[s.length - 1] ?? NaN)} ms (n=${s.length})`;
};
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

const call = (method: string, path: string, key: string, body?: unknown) =>
  httpCall(PORT, method, path, key, body);

/** The entitlement probers, in their own process (see prober.ts), loaded and waiting. */
async function startProbers(config: ProberConfig) {
  const child = spawn(process.execPath, ["--import", "tsx", PROBER, JSON.stringify(config)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`prober exited with ${code} before reporting`))),
  );
  const next = () =>
    Promise.race([new Promise<unknown>((resolve) => child.once("message", resolve)), exited]);
  await next(); // "ready"
  return {
    start: () => child.send("start"),
    stop: async () => {
      const result = next();
      child.send("stop");
      return (await result) as ProberResult;
    },
  };
}

async function waitHealthy(child: ChildProcess) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
  }
  throw new Error("server did not become healthy within 60 s");
}

async function main() {
  const database = await benchDatabase(opts.postgres ?? process.env.DATABASE_URL, {
    keep: opts.keep,
  });
  const db = await createDb(database.config);
  const { key, ids } = await seedBench(db, CUSTOMERS);
  log(
    `seeded ${CUSTOMERS} customers (¼ each on Pro, Team, Enterprise, no plan) in ${database.label}; server ${SERVER_DIR}`,
  );
  const fake = await startFakeStripe(new Map());
  const child = spawn(
    process.execPath,
    [
      ...(opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${opts.profile}`] : []),
      "--import",
      "tsx",
      "src/main.ts",
    ],
    {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(PORT),
        ...database.env,
        LOG_LEVEL: "warn",
        STRIPE_SECRET_KEY: "sk_test_bench",
        STRIPE_API_URL: fake.url,
        STRIPE_WEBHOOK_SECRETS: "whsec_bench",
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  try {
    await waitHealthy(child);
    let seq = 0;
    const pick = (n: number, sender: number) => {
      if (!opts.shard) return (n * 7919) % ids.length;
      const slice = Math.floor(ids.length / CONCURRENCY);
      return sender * slice + ((n * 7919) % slice);
    };
    const nextBatch = (sender = 0) =>
      Array.from({ length: BATCH }, () => {
        const n = seq++;
        const c = pick(n, sender);
        return {
          customer: n % 2 ? ids[c]! : `ext_${c}`,
          meter: "api_calls",
          idempotencyKey: `bench-${n}`,
        };
      });
    // Warm-up: every customer's counters opened, statements prepared, JIT warm.
    for (let i = 0; i < 20; i++)
      await call("POST", "/api/v1/usage/batch", key, { events: nextBatch() });
    const warm = seq;

    log(
      `${EVENTS} events in batches of ${BATCH}, ${CONCURRENCY} senders${RATE ? ` paced to ${RATE} events/s` : " in a closed loop"}, ${opts.probes} entitlement probes; load ${load()}`,
    );
    const batchMs: number[] = [];
    let failures = 0;
    let scheduled = 0;
    let t0 = 0;
    /** With --rate, waits until the next batch is due; a sender running late goes at once. */
    const due = async () => {
      if (!RATE) return;
      const wait = t0 + (scheduled++ * BATCH * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
    };
    const sender = async (_: unknown, index: number) => {
      while (seq - warm < EVENTS) {
        await due();
        if (seq - warm >= EVENTS) break;
        const events = nextBatch(index);
        const t = performance.now();
        const res = await call("POST", "/api/v1/usage/batch", key, { events });
        batchMs.push(performance.now() - t);
        const body = JSON.parse(res.body) as { recorded?: number };
        if (res.status !== 200 || body.recorded !== events.length) failures++;
      }
    };
    const probers = await startProbers({
      port: PORT,
      key,
      ids,
      probes: Number(opts.probes),
      every: Number(opts["probe-every"]),
    });
    probers.start();
    const cpu0 = cpuSeconds(child.pid!);
    const client0 = process.cpuUsage();
    t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const elapsed = (performance.now() - t0) / 1000;
    const probed = await probers.stop();
    failures += probed.failures;
    const cpu = cpuSeconds(child.pid!) - cpu0;
    const client = process.cpuUsage(client0);
    const sent = seq - warm;

    const [events] = await db.select({ n: count() }).from(usageEvents);
    const [counted] = await db.select({ q: sum(usageCounters.quantity) }).from(usageCounters);
    log(
      `accepted and applied: ${(sent / elapsed).toFixed(0)} events/s (${sent} in ${elapsed.toFixed(1)} s; ${(sent / BATCH / elapsed).toFixed(0)} requests/s), failures ${failures}`,
    );
    log(`batch request latency: ${stats(batchMs)}`);
    log(`entitlement check under load (probers in their own process): ${stats(probed.ms)}`);
    log(
      `server CPU ${((cpu * 1e6) / sent).toFixed(1)} µs/event, senders' CPU ${((client.user + client.system) / sent).toFixed(1)} µs/event (same 2 cores); load after ${load()}`,
    );
    log(`check: ${events!.n} events stored, counters sum ${counted!.q} (expected ${seq} both)`);
    if (Number(events!.n) !== seq || Number(counted!.q) !== seq) process.exitCode = 1;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await closeDb(db);
    await fake.close();
    await database.drop();
  }
}

await main();
