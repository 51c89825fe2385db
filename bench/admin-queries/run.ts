import { existsSync } from "node:fs";
import { cpus, loadavg, setPriority, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { systemClock } from "@folio/billing";
import { closeDb, createDb, users, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { createContextInner } from "@folio/server";
import { benchDatabase } from "../webhook-ingest/database.ts";
import { createBenchCaller, QUERIES, type BenchCaller } from "./queries.ts";
import { openLoader } from "./bulk.ts";
import { rng, seed, seedFolioRefunds } from "./seed.ts";

// Admin queries benchmark: builds a database with --orders orders and --customers customers
// (bulk SQL, see bulk.ts), then times every admin list page, search and the customer
// timeline through the tRPC caller (input parsing, permission check, queries, output shaping —
// what the server does for a request, without HTTP). See BENCHMARKS.md.

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    customers: { type: "string", default: "100000" },
    orders: { type: "string", default: "1000000" },
    iterations: { type: "string", default: "200" },
    seed: { type: "string", default: "42" },
    /** Keep the database afterwards (its path is printed) to rerun with --database. */
    keep: { type: "boolean", default: false },
    /** Reuse a database built by an earlier --keep run (a SQLite path or a PostgreSQL URL). */
    database: { type: "string" },
    /** A PostgreSQL server URL (a user that may CREATE DATABASE); default DATABASE_URL. */
    postgres: { type: "string" },
    /** Raise this process's scheduling priority (nice -10; needs root), as the ingest bench
     * does, so concurrent work on a shared box distorts the figures less. */
    priority: { type: "boolean", default: false },
    /** Only queries whose name contains this. */
    only: { type: "string" },
  },
});
const ITERATIONS = Number(opts.iterations);
const POSTGRES_URL = opts.postgres ?? process.env.DATABASE_URL;
const log = (msg: string) => console.log(`[bench] ${msg}`);

export const STAFF_ID = "usr_bench_support";

async function openDatabase(): Promise<{ db: Db; label: string; done: () => Promise<void> }> {
  if (opts.database?.startsWith("postgres")) {
    const db = await createDb({ dialect: "postgres", url: opts.database });
    const label = `PostgreSQL ${new URL(opts.database).pathname.slice(1)} (reused)`;
    return { db, label, done: () => closeDb(db) };
  }
  if (opts.database) {
    if (!existsSync(opts.database)) throw new Error(`--database ${opts.database}: no such file`);
    const db = await createDb({ dialect: "sqlite", path: opts.database });
    return { db, label: `SQLite ${opts.database} (reused)`, done: () => closeDb(db) };
  }
  const target = await benchDatabase(POSTGRES_URL, { keep: opts.keep });
  const db = await createDb(target.config);
  log(`building ${target.label}`);
  const t0 = performance.now();
  const loader = await openLoader(db, target.config);
  const seeded = await seed(
    db,
    loader,
    { customers: Number(opts.customers), orders: Number(opts.orders) },
    Number(opts.seed),
    log,
  ).finally(() => loader.close());
  log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(seeded.rows)}`);
  if (opts.keep) log(`kept: ${target.label}`);
  return {
    db,
    label: target.label,
    done: async () => {
      await closeDb(db);
      await target.drop();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  if (opts.priority) setPriority(-10);
  const { db, label, done } = await openDatabase();
  try {
    if (!(await db.select({ id: users.id }).from(users).where(eq(users.id, STAFF_ID)).get())) {
      const at = new Date();
      await db.insert(users).values({
        id: STAFF_ID,
        email: "bench.support@folio.test",
        name: "Bench Support",
        passwordHash: "x",
        role: "admin",
        disabled: false,
        createdAt: at,
        updatedAt: at,
      });
    }
    log(`Folio refunds added: ${await seedFolioRefunds(db)}`);
    const caller: BenchCaller = createBenchCaller(
      createContextInner({
        db,
        clock: systemClock,
        user: { id: STAFF_ID, email: "bench.support@folio.test", name: "Bench", role: "admin" },
      }),
    );
    const r = rng(Number(opts.seed) + 1);
    const customers = Number(opts.customers);
    const results: {
      name: string;
      p50: number;
      p95: number;
      max: number;
      cpu50: number;
      cpu95: number;
      rows: number;
    }[] = [];
    for (const q of QUERIES) {
      if (opts.only && !q.name.includes(opts.only)) continue;
      const prepared = await q.prepare(caller, { r, customers });
      if (prepared === null) {
        log(`${q.name}: skipped (procedure not in this build)`);
        continue;
      }
      for (let i = 0; i < 10; i++) await prepared();
      const times: number[] = [];
      const cpu: number[] = [];
      let rows = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        rows += await prepared();
        times.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const row = {
        name: q.name,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        max: times.at(-1)!,
        cpu50: percentile(cpu, 50),
        cpu95: percentile(cpu, 95),
        rows: rows / ITERATIONS,
      };
      results.push(row);
      log(`${row.name}: p50 ${row.p50.toFixed(2)} ms, p95 ${row.p95.toFixed(2)} ms`);
    }
    console.log(`\n${label}; ${ITERATIONS} calls per query after 10 warm-up calls`);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}\n`,
    );
    // CPU: this process's (SQLite runs in it; PostgreSQL's own work is not counted). Under load,
    // wall time minus CPU time is mostly waiting for a core.
    console.log("| query | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | rows |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const x of results) {
      console.log(
        `| ${x.name} | ${x.p50.toFixed(2)} | ${x.p95.toFixed(2)} | ${x.max.toFixed(1)} | ${x.cpu50.toFixed(2)} | ${x.cpu95.toFixed(2)} | ${x.rows.toFixed(1)} |`,
      );
    }
  } finally {
    await done();
  }
}

await main();
