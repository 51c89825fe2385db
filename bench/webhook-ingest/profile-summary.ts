import { readFileSync } from "node:fs";

// Where a thread's time went, from a V8 CPU profile written by `pnpm bench -- --profile <dir>`:
// self time grouped by what the code is (SQLite, drizzle, HTTP, hooks…). Samples are wall clock,
// so time blocked inside SQLite (a lock, a write) counts as SQLite. Idle time is left out.
// `pnpm --filter @folio/bench exec tsx webhook-ingest/profile-summary.ts <file.cpuprofile> [events]`

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

const CATEGORIES: Array<[string, (fn: string, url: string) => boolean]> = [
  ["idle", (fn) => fn === "(idle)"],
  ["GC", (fn) => fn === "(garbage collector)"],
  ["SQLite (native calls, incl. lock waits and WAL writes)", (_, u) => u.includes("sqlite.ts")],
  ["drizzle query building and value mapping", (_, u) => u.includes("drizzle-orm")],
  [
    "record hooks, metrics, outbound (JS)",
    (_, u) => /records\/|metrics\/|outbound\/|refunds\//.test(u),
  ],
  ["sync engine: plan, decide, write (JS)", (_, u) => u.includes("/sync/")],
  [
    "inbox, worker, ingest, db helpers (JS)",
    (_, u) => /webhooks\/|apply-thread|inbox|mirror|client\.ts/.test(u),
  ],
  [
    "HTTP: node:http, fastify",
    (fn, u) => /fastify|find-my-way|_http|node:net|stream/.test(u) || fn === "writev",
  ],
  ["HMAC (signature check)", (fn, u) => /hash|crypto/.test(u) || fn === "Hmac"],
  [
    "module loading (start-up)",
    (fn, u) =>
      /loader|translators|module_job|source_map|tsx/.test(u) || fn === "compileSourceTextModule",
  ],
  ["thread messages", (fn, u) => fn === "postMessage" || u.includes("worker")],
];

const [file, eventsArg] = process.argv.slice(2);
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [events]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const time = new Map<number, number>();
profile.samples.forEach((id, i) =>
  time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const byCategory = new Map<string, number>();
for (const { id, callFrame } of profile.nodes) {
  const name =
    CATEGORIES.find(([, test]) => test(callFrame.functionName, callFrame.url))?.[0] ?? "other";
  byCategory.set(name, (byCategory.get(name) ?? 0) + (time.get(id) ?? 0));
}
byCategory.delete("idle");
const busy = [...byCategory.values()].reduce((a, b) => a + b, 0);
const events = Number(eventsArg ?? 0);
for (const [name, us] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  const perEvent = events ? `${(us / events).toFixed(0).padStart(5)} µs/event  ` : "";
  console.log(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${perEvent}${name}`);
}
console.log(
  `busy ${(busy / 1e6).toFixed(2)} s${events ? `, ${(busy / events).toFixed(0)} µs per event` : ""}`,
);
