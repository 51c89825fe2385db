import { hostname } from "node:os";
import type { DrainResult, WebhookWorker, WorkerOptions } from "@folio/billing";
import type { DatabaseConfig } from "@folio/db";
import type { FastifyBaseLogger } from "fastify";
import type { ApplyThreadData, FromApplyThread, ToApplyThread } from "./apply-thread.ts";
import { APPLYING_BYTES, readApplying, writeApplying } from "./applying-slot.ts";
import type { StripeClientOptions } from "./stripe.ts";
import { startTsThread } from "./ts-thread.ts";

export interface ApplyThread extends WebhookWorker {
  /**
   * Kills the current thread as a crash would: no clean stop, its inbox claims stay held until
   * their lease lapses. It is restarted unless `restart` is false (an instance dying for good,
   * as under `kill -9`); for tests and operators.
   */
  kill(opts?: { restart?: boolean }): Promise<void>;
}

/**
 * Runs the webhook apply worker on its own thread, with its own database connection. On SQLite
 * applying is CPU-bound synchronous work; on the main thread it would hold the event loop while
 * webhook deliveries wait for their acknowledgement. Here acks stay fast and applying uses a
 * second core; SQLite (WAL) serialises the two writers with short transactions. On PostgreSQL
 * the thread has its own pool and claims inbox events like any other instance's worker.
 */
export async function startApplyThread({
  database,
  stripe,
  options = {},
  log,
}: {
  /** For SQLite pass `yieldTo` with the main connection's `announceWrites` counter. */
  database: DatabaseConfig;
  stripe: StripeClientOptions;
  /** Pass the instance's `holder`: every thread it starts then claims under the same name. */
  options?: WorkerOptions;
  log: FastifyBaseLogger;
}): Promise<ApplyThread> {
  // One name for every thread this starts: a replacement takes the dead one's claims back at once.
  const holder = options.holder ?? `${hostname()}:${process.pid}:apply`;
  const threadOptions: WorkerOptions = { ...options, holder };
  const entry = new URL("./apply-thread.ts", import.meta.url);

  const drains = new Map<number, { resolve(r: DrainResult): void; reject(e: Error): void }>();
  let nextId = 1;
  let stopping: Promise<void> | null = null;
  /** Killed for good (`kill({ restart: false })`): behaves as stopped, claims left to lapse. */
  let dead = false;
  let restarts = 0;
  /** A thread that stays up this long was healthy: after its crash the back-off starts over. */
  const HEALTHY_AFTER_MS = 60_000;

  /** Starts a thread; resolves once it is ready to apply. */
  const spawn = (diedApplying: string | null) => {
    const applyingBuffer = new SharedArrayBuffer(APPLYING_BYTES);
    writeApplying(applyingBuffer, null);
    const data: ApplyThreadData = {
      database,
      stripe,
      options: threadOptions,
      diedApplying,
      applying: applyingBuffer,
    };
    const thread = startTsThread(entry, data);
    let readyAt: number | null = null;
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
      if (stopping || dead) return;
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
        current = spawn(readyAt === null ? diedApplying : readApplying(applyingBuffer));
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
    holder,
    wake: () => {
      if (!stopping && !dead) post({ type: "wake" });
    },
    drain: () =>
      new Promise<DrainResult>((resolve, reject) => {
        if (stopping || dead) return reject(new Error("the apply thread is stopped"));
        const id = nextId++;
        drains.set(id, { resolve, reject });
        post({ type: "drain", id });
      }),
    kill: async ({ restart = true } = {}) => {
      if (!restart) dead = true;
      await current.thread.terminate();
    },
    stop: () =>
      (stopping ??= (async () => {
        const { thread, exited } = current;
        if (dead) return;
        post({ type: "stop" });
        const timeout = setTimeout(() => void thread.terminate(), 30_000);
        await exited;
        clearTimeout(timeout);
      })()),
  };
}
