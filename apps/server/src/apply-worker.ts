import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { DrainResult, WebhookWorker, WorkerOptions } from "@folio/billing";
import type { Db } from "@folio/db";
import type { FastifyBaseLogger } from "fastify";
import type { ApplyThreadData, FromApplyThread, ToApplyThread } from "./apply-thread.ts";
import type { StripeClientOptions } from "./stripe.ts";

/** tsx's ESM register API, resolved through its package exports (the `import` condition). */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const target = pkg.exports["./esm/api"]?.import?.default;
  if (!target) throw new Error("tsx does not export ./esm/api; cannot start the apply thread");
  return pathToFileURL(join(dirname(pkgPath), target)).href;
}

export interface ApplyThread extends WebhookWorker {
  /** Kills the current thread as a crash would (it is restarted); for tests and operators. */
  kill(): Promise<void>;
}

/**
 * Runs the webhook apply worker on its own thread, with its own SQLite connection. Applying is
 * CPU-bound synchronous SQLite work; on the main thread it would hold the event loop while
 * webhook deliveries wait for their acknowledgement. Here acks stay fast and applying uses a
 * second core; SQLite (WAL) serialises the two writers with short transactions.
 */
export async function startApplyThread({
  databasePath,
  stripe,
  options = {},
  log,
  writeGate,
}: {
  databasePath: string;
  stripe: StripeClientOptions;
  options?: WorkerOptions;
  log: FastifyBaseLogger;
  /** From `gateWrites` on the main thread's connection. */
  writeGate: SharedArrayBuffer;
}): Promise<ApplyThread> {
  // The thread loads TypeScript sources like the main thread: register tsx's loader in it
  // first (execArgv `--import` is not honoured by worker threads on Node 20).
  const tsxApi = tsxEsmApiUrl();
  const entry = new URL("./apply-thread.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;

  const drains = new Map<number, { resolve(r: DrainResult): void; reject(e: Error): void }>();
  let nextId = 1;
  let stopping: Promise<void> | null = null;
  let restarts = 0;
  /** A thread that stays up this long was healthy: after its crash the back-off starts over. */
  const HEALTHY_AFTER_MS = 60_000;

  /** Starts a thread; resolves once it is ready to apply. */
  const spawn = (diedApplying: string | null) => {
    const data: ApplyThreadData = { databasePath, stripe, options, writeGate, diedApplying };
    const thread = new Worker(boot, { eval: true, workerData: data });
    let readyAt: number | null = null;
    let applying: string | null = null;
    const exited = new Promise<number>((resolve) => thread.once("exit", resolve));
    const started = new Promise<void>((resolve, reject) => {
      thread.on("message", (m: FromApplyThread) => {
        switch (m.type) {
          case "log":
            log[m.level](m.obj, m.msg);
            return;
          case "drained":
            drains.get(m.id)?.resolve(m.result as DrainResult);
            drains.delete(m.id);
            return;
          case "drain_failed":
            drains.get(m.id)?.reject(new Error(m.message));
            drains.delete(m.id);
            return;
          case "applying":
            applying = m.id;
            return;
          case "ready":
            readyAt = Date.now();
            resolve();
            return;
          case "stopped":
            return;
        }
      });
      thread.once("error", reject);
      void exited.then(() => reject(new Error("the apply thread exited before it started")));
    });
    thread.on("error", (err) => log.error({ err }, "webhook apply thread crashed"));
    void exited.then((code) => {
      for (const d of drains.values()) d.reject(new Error("the apply thread exited"));
      drains.clear();
      if (stopping) return;
      // A crash mid-event rolls that event's transaction back; the inbox still has it. Start a
      // new thread, backing off if it keeps dying — also when each one got as far as starting
      // (an event that kills the thread is met again by every new one).
      if (readyAt !== null && Date.now() - readyAt >= HEALTHY_AFTER_MS) restarts = 0;
      const delay = Math.min(30_000, 500 * 2 ** restarts++);
      log.error({ code, restartInMs: delay }, "webhook apply thread exited; restarting it");
      setTimeout(() => {
        if (stopping) return;
        // The new thread counts the event this one died applying as a failed attempt (a thread
        // that died before it was ready had not counted the one it inherited yet).
        current = spawn(readyAt === null ? diedApplying : applying);
        current.started.catch((err: unknown) =>
          log.error({ err }, "webhook apply thread failed to restart"),
        );
      }, delay).unref();
    });
    return { thread, exited, started };
  };

  let current = spawn(null);
  await current.started;
  const post = (m: ToApplyThread) => current.thread.postMessage(m);

  return {
    wake: () => {
      if (!stopping) post({ type: "wake" });
    },
    drain: () =>
      new Promise<DrainResult>((resolve, reject) => {
        if (stopping) return reject(new Error("the apply thread is stopped"));
        const id = nextId++;
        drains.set(id, { resolve, reject });
        post({ type: "drain", id });
      }),
    kill: async () => {
      await current.thread.terminate();
    },
    stop: () =>
      (stopping ??= (async () => {
        const { thread, exited } = current;
        post({ type: "stop" });
        const timeout = setTimeout(() => void thread.terminate(), 30_000);
        await exited;
        clearTimeout(timeout);
      })()),
  };
}

/**
 * Counts the connection's write statements in progress in shared memory, so the apply thread
 * can hold back its next transaction while the main thread (acknowledging a webhook, signing
 * someone in) waits for the write lock. Returns the shared counter for `startApplyThread`.
 */
export function gateWrites(client: Db["$client"]): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(4);
  const gate = new Int32Array(buffer);
  const prepare = client.prepare.bind(client);
  client.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (stmt.reader) return stmt;
    const run = stmt.run.bind(stmt);
    stmt.run = (...params: unknown[]) => {
      Atomics.add(gate, 0, 1);
      try {
        return run(...params);
      } finally {
        Atomics.sub(gate, 0, 1);
        Atomics.notify(gate, 0);
      }
    };
    return stmt;
  }) as typeof client.prepare;
  return buffer;
}

/**
 * Reuses prepared statements by SQL text. Drizzle prepares a fresh statement for every query it
 * runs; on the webhook path that preparing is a tenth of the CPU. Statements that return rows
 * are put back in object mode on reuse (drizzle switches some to raw mode per call).
 */
export function cacheStatements(client: Db["$client"], max = 500): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, ReturnType<typeof prepare>>();
  client.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached) {
      if (cached.reader) cached.raw(false);
      return cached;
    }
    const stmt = prepare(source);
    if (cache.size >= max) cache.clear();
    cache.set(source, stmt);
    return stmt;
  }) as typeof client.prepare;
}
