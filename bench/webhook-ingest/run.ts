import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { cpus, setPriority, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDb, type Db } from "@folio/db";
import { startFakeStripe } from "./fake-stripe.ts";
import { Account, signature, type BenchEvent } from "./generate.ts";

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
  },
});
const EVENTS = Number(opts.events);
const LATENCY_EVENTS = Number(opts["latency-events"]);
const RATE = Number(opts.rate);
const CONCURRENCY = Number(opts.concurrency);
const SECRET = "whsec_bench_0123456789abcdefghijklmnopqrstuv";
const SERVER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../apps/server");

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

class Poster {
  readonly agent: Agent;
  constructor(
    private readonly port: number,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** POSTs one event signed now; resolves with the HTTP status when the response has ended. */
  post(e: BenchEvent): Promise<number> {
    const body = Buffer.from(e.payload);
    const header = signature(e.payload, SECRET, Math.floor(Date.now() / 1000));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
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

function inboxCounts(db: Db) {
  const rows = db.$client
    .prepare("select status, count(*) as n from webhook_events group by status")
    .all() as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
}

async function waitDrained(db: Db, expectedTotal: number, timeoutMs = 15 * 60_000) {
  const deadline = performance.now() + timeoutMs;
  let lastLog = performance.now();
  for (;;) {
    const c = inboxCounts(db);
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

async function main() {
  const tGen = performance.now();
  const now = Math.floor(Date.now() / 1000);
  const account = new Account(Number(opts.seed), now - 200 * 86_400);
  const catalog = account.catalog();
  // The throughput run goes first (it also warms the server up); the latency run offers
  // customers who sign up later, so their events are new to the store.
  const throughputSet = account.customers(EVENTS, now - 200 * 86_400, 60);
  const latencySet = account.customers(LATENCY_EVENTS, now - 120 * 86_400, 40);
  const all = [...catalog, ...throughputSet.events, ...latencySet.events];
  const bytes = all.reduce((a, e) => a + e.payload.length, 0);
  const types = new Map<string, number>();
  for (const e of throughputSet.events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  log(
    `generated ${all.length} events (${(bytes / 1e6).toFixed(1)} MB, mean ${Math.round(bytes / all.length)} B) for ${latencySet.customers + throughputSet.customers} customers in ${((performance.now() - tGen) / 1000).toFixed(1)} s`,
  );

  const fake = await startFakeStripe(account.objects);
  const dir = mkdtempSync(join(tmpdir(), "folio-bench-"));
  const dbPath = join(dir, "folio.db");
  const port = await freePort();
  const nodeArgs = [
    ...(opts.profile ? [`--cpu-prof`, `--cpu-prof-dir=${resolve(opts.profile)}`] : []),
    ...opts["node-arg"],
  ];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/main.ts"], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_PATH: dbPath,
      LOG_LEVEL: "warn",
      STRIPE_SECRET_KEY: "sk_test_bench",
      STRIPE_API_URL: fake.url,
      STRIPE_WEBHOOK_SECRETS: SECRET,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const cleanup = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await fake.close();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  };

  if (opts.priority) {
    setPriority(0, -10);
    setPriority(child.pid!, -10);
    // The apply thread is a separate task of the server process; raise every task.
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) setPriority(Number(tid), -10);
  }

  try {
    await waitHealthy(port, child);
    if (opts.priority) {
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) setPriority(Number(tid), -10);
    }
    log(`server pid ${child.pid} on port ${port}, database ${dbPath}`);
    const db = createDb(dbPath);
    const poster = new Poster(port, Math.max(CONCURRENCY, 256));

    for (const e of catalog) await poster.post(e);
    await waitDrained(db, catalog.length);

    log(`throughput: ${throughputSet.events.length} events, ${CONCURRENCY} concurrent senders …`);
    const cpu0 = cpuSeconds(child.pid!);
    const threads0 = threadCpu(child.pid!);
    const t0 = performance.now();
    const tp = await postAll(poster, throughputSet.events, CONCURRENCY);
    const tAccepted = performance.now();
    const tApplied = await waitDrained(db, catalog.length + throughputSet.events.length);
    const cpuPerEvent = ((cpuSeconds(child.pid!) - cpu0) * 1e6) / throughputSet.events.length;
    const perThread = [...threadCpu(child.pid!).entries()]
      .map(
        ([k, v]) =>
          [
            k.split(" ").slice(1).join(" "),
            ((v - (threads0.get(k) ?? 0)) * 1e6) / throughputSet.events.length,
          ] as const,
      )
      .filter(([, us]) => us >= 5)
      .sort((a, b) => b[1] - a[1]);
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const acceptedPerSec = throughputSet.events.length / ((tAccepted - t0) / 1000);
    const appliedPerSec = throughputSet.events.length / ((tApplied - t0) / 1000);
    const tpLat = [...tp.latencies].sort((a, b) => a - b);

    log(`latency: ${latencySet.events.length} events offered at ${RATE}/s …`);
    const lat = await postAtRate(poster, latencySet.events, RATE);
    await waitDrained(db, all.length);
    const service = [...lat.service].sort((a, b) => a - b);
    const sched = [...lat.fromSchedule].sort((a, b) => a - b);

    const counts = inboxCounts(db);
    const history = db.$client.prepare("select count(*) as n from subscription_history").get() as {
      n: number;
    };
    const rss = peakRssMb(child.pid!);
    const benchRss = process.memoryUsage().rss / 1024 / 1024;
    const stripeCalls = [...fake.requests.entries()].sort((a, b) => b[1] - a[1]);

    const fmt = (n: number) => n.toFixed(1);
    const report = [
      "",
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
      `events: ${all.length} total (${(bytes / 1e6).toFixed(1)} MB); throughput set ${throughputSet.events.length}, latency set ${latencySet.events.length}, catalog ${catalog.length}`,
      `throughput set mix: ${[...types.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${n}`)
        .join(", ")}`,
      "",
      `accepted (acknowledged) : ${fmt(acceptedPerSec)} events/s  (${CONCURRENCY} concurrent keep-alive senders, ${tp.failures} non-2xx)`,
      `applied end to end      : ${fmt(appliedPerSec)} events/s  (first POST → inbox drained, ${((tApplied - t0) / 1000).toFixed(1)} s)`,
      `ack latency under load  : p50 ${fmt(percentile(tpLat, 50))} ms, p99 ${fmt(percentile(tpLat, 99))} ms`,
      `ack latency @ ${RATE}/s offered: p50 ${fmt(percentile(service, 50))} ms, p99 ${fmt(percentile(service, 99))} ms, max ${fmt(service[service.length - 1] ?? NaN)} ms  (${lat.failures} non-2xx; achieved ${fmt(latencySet.events.length / lat.elapsed)}/s)`,
      `  measured from the scheduled send time: p50 ${fmt(percentile(sched, 50))} ms, p99 ${fmt(percentile(sched, 99))} ms`,
      `server CPU per event    : ${cpuPerEvent.toFixed(0)} µs (ingest + apply, user + system; load average at the end ${load})`,
      `  by thread             : ${perThread.map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join(", ")}`,
      `peak RSS                : server ${fmt(rss)} MB, bench client ${fmt(benchRss)} MB`,
      `inbox after run         : ${JSON.stringify(counts)}`,
      `subscription_history    : ${history.n} rows`,
      `Stripe API calls by the server during apply: ${stripeCalls.length === 0 ? "none" : stripeCalls.map(([k, n]) => `${k} ×${n}`).join(", ")}`,
    ].join("\n");
    console.log(report);
    db.$client.close();
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
