import { parentPort, workerData } from "node:worker_threads";
import {
  recordHooks,
  startWebhookWorker,
  systemClock,
  type WorkerLogger,
  type WorkerOptions,
} from "@folio/billing";
import { createDb } from "@folio/db";
import { cacheStatements } from "./apply-worker.ts";
import { createStripeClient, type StripeClientOptions } from "./stripe.ts";

// Entry point of the apply thread (see apply-worker.ts): its own database connection, its own
// Stripe client, the sync engine's worker with Folio's record hooks. Messages in: wake, drain,
// stop. Messages out: log, drained, stopped.

export interface ApplyThreadData {
  databasePath: string;
  stripe: StripeClientOptions;
  options: WorkerOptions;
  /** Count of main-thread writes in progress (see `gateWrites` in apply-worker.ts). */
  writeGate: SharedArrayBuffer;
  /** The event the previous thread was applying when it died, if any. */
  diedApplying: string | null;
}

export type ToApplyThread = { type: "wake" } | { type: "drain"; id: number } | { type: "stop" };
export type FromApplyThread =
  | { type: "log"; level: "info" | "warn" | "error"; obj: object; msg: string | undefined }
  | { type: "drained"; id: number; result: unknown }
  | { type: "drain_failed"; id: number; message: string }
  | { type: "applying"; id: string | null }
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

const db = createDb(data.databasePath);
cacheStatements(db.$client);

// Webhook acknowledgements write from the main thread. SQLite lets one writer in at a time and a
// blocked writer backs off in growing sleeps (1, 2, 5, 10… ms), so an applier that starts
// transaction after transaction could keep an ack waiting for tens of milliseconds. Before each
// apply transaction, let any main-thread write that is waiting go first.
const gate = new Int32Array(data.writeGate);
const transaction = db.transaction.bind(db);
db.transaction = ((...args: Parameters<typeof transaction>) => {
  for (let waited = 0, v = Atomics.load(gate, 0); v > 0 && waited < 50; waited++) {
    Atomics.wait(gate, 0, v, 1);
    v = Atomics.load(gate, 0);
  }
  return transaction(...args);
}) as typeof db.transaction;
const worker = startWebhookWorker(
  { db, stripe: createStripeClient(data.stripe), clock: systemClock, hooks: recordHooks, logger },
  {
    ...data.options,
    diedApplying: data.diedApplying,
    onApplying: (id) => send({ type: "applying", id }),
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
      void worker.stop().then(() => {
        db.$client.close();
        send({ type: "stopped" });
        port.close();
      });
      return;
  }
});
