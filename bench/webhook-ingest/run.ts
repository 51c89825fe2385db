import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { cpus, setPriority, totalmem } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { closeDb, createDb, subscriptionHistory, webhookEvents, type Db } from "@folio/db";
import { count } from "drizzle-orm";
import { benchDatabase } from "./database.ts";
import { startFakeStripe } from "./fake-stripe.ts";
import { FIXTURE_TYPES, FIXTURES_FILE, fixtureEvents } from "./fixtures.ts";
import { Account, signature, type BenchEvent, type ObjectStore } from "./generate.ts";

// Webhook ingest benchmark: see BENCHMARKS.md for what it measures and the latest figures.

// `pnpm bench -- --flag` passes the `--` through.
const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    events: { type: "string", default: "50000" },
    "latency-events": { type: "string", default: "10000" },
    rate: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "32" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
    /** Raise the scheduling priority (nice -10) of the server and the client; needs root. On a
     * shared box this keeps concurrent builds from distorting the figures. */
    priority: { type: "boolean", default: false },
    /** Write a V8 CPU profile of the server to this directory. */
    profile: { type: "string" },
    /** Extra Node.js flags for the server, e.g. --node-arg=--trace-gc. */
    "node-arg": { type: "string", multiple: true, default: [] },
    /** A PostgreSQL server (postgres://user:pw@host:port/db, a user that may CREATE DATABASE) to
     * run against instead of SQLite; the run uses a fresh database on it. Default DATABASE_URL. */
    postgres: { type: "string" },
    /** Folio servers sharing the database, each on its own port; requests alternate between
     * them as behind a round-robin load balancer. More than one needs PostgreSQL. */
    instances: { type: "string", default: "1" },
    /** generated (Folio's lifecycle generator), fixtures (Stripe's fixture objects) or both. */
    workload: { type: "string", default: "both" },
    /** Fixture workload: linked sets of 10 events, and the concurrencies to run it at. */
    sets: { type: "string", default: "2000" },
    "fixture-concurrency": { type: "string", default: "16,64" },
    "fixture-latency-events": { type: "string", default: "5000" },
    /** Stripe's fixtures3.json (default: ../shared/stripe-openapi/ beside the checkout). */
    "fixtures-file": { type: "string", default: FIXTURES_FILE },
    /** The server to measure (apps/server of another checkout, for an A/B in one sitting). */
    "server-dir": { type: "string" },
  },
});
const EVENTS = Number(opts.events);
const LATENCY_EVENTS = Number(opts["latency-events"]);
const RATE = Number(opts.rate);
const CONCURRENCY = Number(opts.concurrency);
const POSTGRES_URL = opts.postgres ?? process.env.DATABASE_URL;
const INSTANCES = Number(opts.instances);
if (!(Number.isInteger(INSTANCES) && INSTANCES >= 1)) throw new Error("--instances: 1 or more");
if (INSTANCES > 1 && !POSTGRES_URL) {
  console.error(
    "--instances > 1 needs PostgreSQL (--postgres <url> or DATABASE_URL): SQLite is one Folio instance per database file.",
  );
  process.exit(2);
}
const SECRET = "whsec_bench_0123456789abcdefghijklmnopqrstuv";
const SERVER_DIR = resolve(
  opts["server-dir"] ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../apps/server"),
);
const WORKLOAD = opts.workload;
if (!["generated", "fixtures", "both"].includes(WORKLOAD))
  throw new Error("--workload: generated, fixtures or both");
const SETS = Number(opts.sets);
const WARMUP_SETS = 50;
const FIXTURE_CONCURRENCY = opts["fixture-concurrency"].split(",").map(Number);
const FIXTURE_LATENCY_EVENTS = Number(opts["fixture-latency-events"]);

const log = (msg: string) => console.log(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/** CPU seconds per thread of the process, keyed by `tid name`. */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const label = Number(tid) === pid ? "main" : name;
      out.set(`${tid} ${label}`, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Posts to the servers in turn, as a round-robin load balancer in front of them would. */
class Poster {
  readonly agent: Agent;
  private next = 0;
  constructor(
    private readonly ports: number[],
    sockets: number,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: sockets,
      maxFreeSockets: sockets,
    });
  }

  /** POSTs one event signed now; resolves with the HTTP status when the response has ended. */
  post(e: BenchEvent): Promise<number> {
    const port = this.ports[this.next++ % this.ports.length]!;
    const body = Buffer.from(e.payload);
    const header = signature(e.payload, SECRET, Math.floor(Date.now() / 1000));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/stripe/webhook",
          agent: this.agent,
          headers: {
            "content-type": "application/json; charset=utf-8",
            "content-length": body.length,
            "stripe-signature": header,
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
}

/** Closed loop: `concurrency` senders, each posting the next event as soon as the last is acked. */
async function postAll(poster: Poster, events: BenchEvent[], concurrency: number) {
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const sender = async () => {
    while (next < events.length) {
      const e = events[next++]!;
      const t = performance.now();
      const status = await poster.post(e);
      latencies.push(performance.now() - t);
      if (status < 200 || status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { failures, latencies };
}

/** Open loop at a fixed offered rate: sends on schedule whether or not earlier requests finished. */
async function postAtRate(poster: Poster, events: BenchEvent[], rate: number) {
  const service: number[] = [];
  const bySecond = new Map<number, number[]>();
  const fromSchedule: number[] = [];
  let failures = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  let sent = 0;
  while (sent < events.length) {
    const due = Math.min(events.length, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    while (sent < due) {
      const i = sent++;
      const scheduled = t0 + (i * 1000) / rate;
      const start = performance.now();
      inflight.push(
        poster.post(events[i]!).then((status) => {
          const end = performance.now();
          service.push(end - start);
          const second = Math.floor((scheduled - t0) / 1000);
          const list = bySecond.get(second) ?? [];
          list.push(end - start);
          bySecond.set(second, list);
          fromSchedule.push(end - scheduled);
          if (status < 200 || status >= 300) failures++;
        }),
      );
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  if (process.env.BENCH_VERBOSE) {
    for (const [sec, l] of [...bySecond.entries()].sort((a, b) => a[0] - b[0])) {
      l.sort((a, b) => a - b);
      log(
        `  second ${sec}: n=${l.length} p50=${percentile(l, 50).toFixed(1)} p99=${percentile(l, 99).toFixed(1)}`,
      );
    }
  }
  return { service, fromSchedule, failures, elapsed };
}

async function inboxCounts(db: Db) {
  const rows = await db
    .select({ status: webhookEvents.status, n: count() })
    .from(webhookEvents)
    .groupBy(webhookEvents.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
}

async function waitDrained(db: Db, expectedTotal: number, timeoutMs = 15 * 60_000) {
  const deadline = performance.now() + timeoutMs;
  let lastLog = performance.now();
  for (;;) {
    const c = await inboxCounts(db);
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    const open = (c.pending ?? 0) + (c.failed ?? 0);
    if (total >= expectedTotal && open === 0) return performance.now();
    if (performance.now() > deadline) throw new Error(`inbox not drained: ${JSON.stringify(c)}`);
    if (performance.now() - lastLog > 5000) {
      log(`  waiting for the worker: ${open} to apply, ${total}/${expectedTotal} received`);
      lastLog = performance.now();
    }
    await sleep(20);
  }
}

async function waitHealthy(port: number, child: ChildProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("server did not become healthy within 60 s");
}

interface Instance {
  child: ChildProcess;
  port: number;
}

/** Sums a per-process figure over every server. */
const total = (instances: Instance[], f: (pid: number) => number) =>
  instances.reduce((sum, i) => sum + f(i.child.pid!), 0);

interface Workload {
  name: string;
  /** Posted and applied before the clock starts (a catalog; warms the server up). */
  warmup: BenchEvent[];
  throughput: BenchEvent[];
  latency: BenchEvent[];
  concurrency: number;
  objects: ObjectStore;
}

function generatedWorkload(): Workload {
  const now = Math.floor(Date.now() / 1000);
  const account = new Account(Number(opts.seed), now - 200 * 86_400);
  const catalog = account.catalog();
  // The throughput run goes first (it also warms the server up); the latency run offers
  // customers who sign up later, so their events are new to the store.
  const throughputSet = account.customers(EVENTS, now - 200 * 86_400, 60);
  const latencySet = account.customers(LATENCY_EVENTS, now - 120 * 86_400, 40);
  return {
    name: "generated",
    warmup: catalog,
    throughput: throughputSet.events,
    latency: latencySet.events,
    concurrency: CONCURRENCY,
    objects: account.objects,
  };
}

function fixtureWorkloads(): Workload[] {
  const objects: ObjectStore = new Map();
  const seed = Number(opts.seed);
  const start = Math.floor(Date.now() / 1000) - 100 * 86_400;
  // Warm-up, measured and latency sets: distinct ids, each later in time than the one before.
  const file = opts["fixtures-file"];
  const warmup = fixtureEvents(WARMUP_SETS, { seed: seed + 1, start, objects, file });
  const throughput = fixtureEvents(SETS, { seed: seed + 2, start: start + 86_400, objects, file });
  const latency = fixtureEvents(Math.ceil(FIXTURE_LATENCY_EVENTS / FIXTURE_TYPES.length), {
    seed: seed + 3,
    start: start + 2 * 86_400,
    objects,
    file,
  });
  return FIXTURE_CONCURRENCY.map((concurrency) => ({
    name: `fixtures c${concurrency}`,
    warmup,
    throughput,
    latency,
    concurrency,
    objects,
  }));
}

async function run(w: Workload) {
  const all = [...w.warmup, ...w.throughput, ...w.latency];
  const bytes = all.reduce((a, e) => a + e.payload.length, 0);
  const types = new Map<string, number>();
  for (const e of w.throughput) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  log(
    `workload ${w.name}: ${all.length} events (${(bytes / 1e6).toFixed(1)} MB, mean ${Math.round(bytes / all.length)} B)`,
  );

  const fake = await startFakeStripe(w.objects);
  const database = await benchDatabase(POSTGRES_URL, { keep: opts.keep });
  const nodeArgs = [
    ...(opts.profile
      ? [`--cpu-prof`, `--cpu-prof-dir=${resolve(opts.profile, w.name.replace(/\W+/g, "-"))}`]
      : []),
    ...opts["node-arg"],
  ];
  const instances: Instance[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/main.ts"], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        ...database.env,
        LOG_LEVEL: "warn",
        STRIPE_SECRET_KEY: "sk_test_bench",
        STRIPE_API_URL: fake.url,
        STRIPE_WEBHOOK_SECRETS: SECRET,
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    instances.push({ child, port });
  }
  let db: Db | undefined;
  const cleanup = async () => {
    for (const { child } of instances) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    }
    if (db) await closeDb(db);
    await fake.close();
    await database.drop();
  };

  const raisePriority = () => {
    // The apply thread is a separate task of each server process; raise every task.
    for (const { child } of instances) {
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) setPriority(Number(tid), -10);
    }
  };
  if (opts.priority) {
    setPriority(0, -10);
    raisePriority();
  }

  try {
    await Promise.all(instances.map(({ port, child }) => waitHealthy(port, child)));
    if (opts.priority) raisePriority();
    log(
      `server pid(s) ${instances.map((i) => i.child.pid).join(", ")} on port(s) ${instances.map((i) => i.port).join(", ")}, database ${database.label}, server ${SERVER_DIR}`,
    );
    db = await createDb(database.config);
    const poster = new Poster(
      instances.map((i) => i.port),
      Math.max(w.concurrency, 256),
    );

    for (const e of w.warmup) await poster.post(e);
    await waitDrained(db, w.warmup.length);

    log(`throughput: ${w.throughput.length} events, ${w.concurrency} concurrent senders …`);
    const load0 = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const cpu0 = total(instances, cpuSeconds);
    const threads0 = instances.map((i) => threadCpu(i.child.pid!));
    const t0 = performance.now();
    const tp = await postAll(poster, w.throughput, w.concurrency);
    const tAccepted = performance.now();
    const tApplied = await waitDrained(db, w.warmup.length + w.throughput.length);
    const cpuPerEvent = ((total(instances, cpuSeconds) - cpu0) * 1e6) / w.throughput.length;
    const perThread = instances
      .flatMap(({ child }, n) =>
        [...threadCpu(child.pid!).entries()].map(([k, v]) => {
          const name = k.split(" ").slice(1).join(" ");
          return [
            INSTANCES > 1 ? `#${n + 1} ${name}` : name,
            ((v - (threads0[n]!.get(k) ?? 0)) * 1e6) / w.throughput.length,
          ] as const;
        }),
      )
      .filter(([, us]) => us >= 5)
      .sort((a, b) => b[1] - a[1]);
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const acceptedPerSec = w.throughput.length / ((tAccepted - t0) / 1000);
    const appliedPerSec = w.throughput.length / ((tApplied - t0) / 1000);
    const tpLat = [...tp.latencies].sort((a, b) => a - b);

    log(`latency: ${w.latency.length} events offered at ${RATE}/s …`);
    const lat = await postAtRate(poster, w.latency, RATE);
    await waitDrained(db, all.length);
    const service = [...lat.service].sort((a, b) => a - b);
    const sched = [...lat.fromSchedule].sort((a, b) => a - b);

    const counts = await inboxCounts(db);
    const [history] = await db.select({ n: count() }).from(subscriptionHistory);
    const rss = instances.map(({ child }) => peakRssMb(child.pid!));
    const benchRss = process.memoryUsage().rss / 1024 / 1024;
    const stripeCalls = [...fake.requests.entries()].sort((a, b) => b[1] - a[1]);

    const fmt = (n: number) => n.toFixed(1);
    const report = [
      "",
      `== ${w.name} ==`,
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
      `database: ${database.config.dialect === "sqlite" ? "SQLite (embedded)" : "PostgreSQL"}, ${INSTANCES} Folio instance(s)${INSTANCES > 1 ? " behind round-robin" : ""}`,
      `events: ${all.length} total (${(bytes / 1e6).toFixed(1)} MB); throughput set ${w.throughput.length}, latency set ${w.latency.length}, warm-up ${w.warmup.length}`,
      `throughput set mix: ${[...types.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${n}`)
        .join(", ")}`,
      "",
      `accepted (acknowledged) : ${fmt(acceptedPerSec)} events/s  (${w.concurrency} concurrent keep-alive senders, ${tp.failures} non-2xx)`,
      `applied end to end      : ${fmt(appliedPerSec)} events/s  (first POST → inbox drained, ${((tApplied - t0) / 1000).toFixed(1)} s)`,
      `ack latency under load  : p50 ${fmt(percentile(tpLat, 50))} ms, p99 ${fmt(percentile(tpLat, 99))} ms`,
      `ack latency @ ${RATE}/s offered: p50 ${fmt(percentile(service, 50))} ms, p99 ${fmt(percentile(service, 99))} ms, max ${fmt(service[service.length - 1] ?? NaN)} ms  (${lat.failures} non-2xx; achieved ${fmt(w.latency.length / lat.elapsed)}/s)`,
      `  measured from the scheduled send time: p50 ${fmt(percentile(sched, 50))} ms, p99 ${fmt(percentile(sched, 99))} ms`,
      `server CPU per event    : ${cpuPerEvent.toFixed(0)} µs (ingest + apply, user + system, all instances; load average ${load0} → ${load})`,
      `  by thread             : ${perThread.map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join(", ")}`,
      `peak RSS                : server${INSTANCES > 1 ? "s" : ""} ${rss.map(fmt).join(" + ")} MB, bench client ${fmt(benchRss)} MB`,
      `inbox after run         : ${JSON.stringify(counts)}`,
      `subscription_history    : ${history?.n ?? 0} rows`,
      `Stripe API calls by the server during apply: ${stripeCalls.length === 0 ? "none" : stripeCalls.map(([k, n]) => `${k} ×${n}`).join(", ")}`,
    ].join("\n");
    console.log(report);
  } finally {
    await cleanup();
  }
}

async function main() {
  const tGen = performance.now();
  const workloads = [
    ...(WORKLOAD === "fixtures" ? [] : [generatedWorkload()]),
    ...(WORKLOAD === "generated" ? [] : fixtureWorkloads()),
  ];
  log(
    `generated ${workloads.length} workload(s) in ${((performance.now() - tGen) / 1000).toFixed(1)} s`,
  );
  for (const w of workloads) await run(w);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
