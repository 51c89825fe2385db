import { parentPort, workerData } from "node:worker_threads";
import {
  recordHooks,
  startWebhookWorker,
  systemClock,
  type WorkerLogger,
  type WorkerOptions,
} from "@folio/billing";
import { closeDb, createDb, type DatabaseConfig } from "@folio/db";
import { writeApplying } from "./applying-slot.ts";
import { createStripeClient, type StripeClientOptions } from "./stripe.ts";

// Entry point of the apply thread (see apply-worker.ts): its own database connection, its own
// Stripe client, the sync engine's worker with Folio's record hooks. Messages in: wake, drain,
// stop. Messages out: log, drained, stopped.

export interface ApplyThreadData {
  /** On SQLite with `yieldTo` (the main connection's `announceWrites` counter): before each
   * apply transaction the thread lets a waiting webhook acknowledgement write first. */
  database: DatabaseConfig;
  stripe: StripeClientOptions;
  /** Includes the instance's `holder`, the same for every thread it starts. */
  options: WorkerOptions;
  /** The event the previous thread was applying when it died, if any. */
  diedApplying: string | null;
  /** Where the thread keeps the id of the event it is applying (`writeApplying`), for the
   * supervisor to read if it dies (applying-slot.ts). */
  applying: SharedArrayBuffer;
}

export type ToApplyThread = { type: "wake" } | { type: "drain"; id: number } | { type: "stop" };
export type FromApplyThread =
  | { type: "log"; level: "info" | "warn" | "error"; obj: object; msg: string | undefined }
  | { type: "drained"; id: number; result: unknown }
  | { type: "drain_failed"; id: number; message: string }
  | { type: "ready" }
  | { type: "stopped" };

const port = parentPort;
if (!port) throw new Error("apply-thread.ts runs as a worker thread only");
const data = workerData as ApplyThreadData;
const send = (m: FromApplyThread) => port.postMessage(m);

// Errors are not structured-cloneable with their fields; send what a log line needs.
const plain = (obj: object): object =>
  Object.fromEntries(
    Object.entries(obj).map(([k, v]) =>
      v instanceof Error ? [k, { type: v.name, message: v.message, stack: v.stack }] : [k, v],
    ),
  );
const logger: WorkerLogger = {
  info: (obj, msg) => send({ type: "log", level: "info", obj: plain(obj), msg }),
  warn: (obj, msg) => send({ type: "log", level: "warn", obj: plain(obj), msg }),
  error: (obj, msg) => send({ type: "log", level: "error", obj: plain(obj), msg }),
};

const db = await createDb(data.database);
const worker = startWebhookWorker(
  { db, stripe: createStripeClient(data.stripe), clock: systemClock, hooks: recordHooks, logger },
  {
    ...data.options,
    diedApplying: data.diedApplying,
    onApplying: (id) => writeApplying(data.applying, id),
  },
);

send({ type: "ready" });

port.on("message", (message: ToApplyThread) => {
  switch (message.type) {
    case "wake":
      worker.wake();
      return;
    case "drain":
      worker.drain().then(
        (result) => send({ type: "drained", id: message.id, result }),
        (err: unknown) =>
          send({ type: "drain_failed", id: message.id, message: (err as Error).message }),
      );
      return;
    case "stop":
      void worker
        .stop()
        .then(() => closeDb(db))
        .catch((err: unknown) => logger.error({ err }, "the apply thread did not stop cleanly"))
        .finally(() => {
          send({ type: "stopped" });
          port.close();
        });
      return;
  }
});
