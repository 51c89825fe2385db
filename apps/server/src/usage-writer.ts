import type { UsageEventResult } from "@folio/billing";
import type { DatabaseConfig } from "@folio/db";
import type { FastifyBaseLogger } from "fastify";
import { startTsThread } from "./ts-thread.ts";
import type { FromUsageThread, ToUsageThread, UsageThreadData } from "./usage-thread.ts";

const RESTART_DELAY_MS = 1_000;

export interface UsageWriter {
  record(
    events: unknown[],
    opts: { apiKeyId: string | null; now: Date },
  ): Promise<UsageEventResult[]>;
  stop(): Promise<void>;
}

/**
 * Records usage on a thread of its own with its own SQLite connection. A batch's transaction is
 * synchronous CPU work (tens of ms for 100 events); on the main thread the API's batches kept
 * the event loop busy enough that every other request waited hundreds of ms behind them
 * (BENCHMARKS.md, "Usage API"). A thread that dies is restarted; the calls it had are refused
 * with a 500 and, being keyed by idempotency key, are safe to send again.
 */
export async function startUsageWriter({
  database,
  log,
}: {
  /** SQLite with `yieldTo` (the main connection's `announceWrites` counter). */
  database: DatabaseConfig;
  log: FastifyBaseLogger;
}): Promise<UsageWriter> {
  const entry = new URL("./usage-thread.ts", import.meta.url);
  const pending = new Map<
    number,
    { resolve(r: UsageEventResult[]): void; reject(e: Error): void }
  >();
  let nextId = 1;
  let stopping: Promise<void> | null = null;

  const spawn = () => {
    const thread = startTsThread(entry, { database } satisfies UsageThreadData);
    const exited = new Promise<number>((resolve) => thread.once("exit", resolve));
    const started = new Promise<void>((resolve, reject) => {
      thread.on("message", (m: FromUsageThread) => {
        if (m.type === "ready") return resolve();
        if (m.type === "stopped") return;
        const call = pending.get(m.id);
        pending.delete(m.id);
        if (m.type === "recorded") return call?.resolve(m.results);
        const err = new Error(m.message);
        err.stack = m.stack;
        call?.reject(err);
      });
      thread.once("error", reject);
      void exited.then(() => reject(new Error("the usage thread exited before it started")));
    });
    thread.on("error", (err) => log.error({ err }, "usage writer thread crashed"));
    void exited.then((code) => {
      live = null;
      for (const call of pending.values()) call.reject(new Error("the usage writer thread exited"));
      pending.clear();
      if (stopping) return;
      log.error(
        { code, restartInMs: RESTART_DELAY_MS },
        "usage writer thread exited; restarting it",
      );
      setTimeout(() => {
        if (stopping) return;
        const next = spawn();
        next.started.then(
          () => (live = next),
          (err: unknown) => log.error({ err }, "usage writer thread failed to restart"),
        );
      }, RESTART_DELAY_MS).unref();
    });
    return { thread, exited, started };
  };

  const first = spawn();
  await first.started;
  /** The thread taking calls; null while one that died is being replaced. */
  let live: ReturnType<typeof spawn> | null = first;

  return {
    record: (events, { apiKeyId, now }) =>
      new Promise((resolve, reject) => {
        if (stopping || !live) return reject(new Error("the usage writer is not running"));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const message: ToUsageThread = { type: "record", id, events, apiKeyId, now: now.getTime() };
        live.thread.postMessage(message);
      }),
    stop: () =>
      (stopping ??= (async () => {
        if (!live) return;
        const { thread, exited } = live;
        thread.postMessage({ type: "stop" } satisfies ToUsageThread);
        const timeout = setTimeout(() => void thread.terminate(), 30_000);
        await exited;
        clearTimeout(timeout);
      })()),
  };
}
