import { parentPort, workerData } from "node:worker_threads";
import { recordUsage, type UsageEventResult } from "@folio/billing";
import { closeDb, createDb, type DatabaseConfig } from "@folio/db";

// Entry point of the usage writer thread (see usage-writer.ts): its own database connection,
// recording usage events as the API's batches arrive. Messages in: record, stop. Out: ready,
// recorded, failed, stopped.

export interface UsageThreadData {
  /** SQLite with `yieldTo` (the main connection's `announceWrites` counter). */
  database: DatabaseConfig;
}

export type ToUsageThread =
  | {
      type: "record";
      id: number;
      events: unknown[];
      apiKeyId: string | null;
      /** The caller's clock, read when the request arrived. */
      now: number;
    }
  | { type: "stop" };
export type FromUsageThread =
  | { type: "ready" }
  | { type: "recorded"; id: number; results: UsageEventResult[] }
  | { type: "failed"; id: number; message: string; stack: string | undefined }
  | { type: "stopped" };

const port = parentPort;
if (!port) throw new Error("usage-thread.ts runs as a worker thread only");
const send = (m: FromUsageThread) => port.postMessage(m);
const db = await createDb((workerData as UsageThreadData).database);
let inFlight = Promise.resolve();

port.on("message", (m: ToUsageThread) => {
  if (m.type === "stop") {
    void inFlight
      .then(() => closeDb(db))
      .finally(() => {
        send({ type: "stopped" });
        port.close();
      });
    return;
  }
  const clock = { now: () => new Date(m.now) };
  const done = recordUsage({ db, clock }, m.events, { apiKeyId: m.apiKeyId }).then(
    (results) => send({ type: "recorded", id: m.id, results }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      send({ type: "failed", id: m.id, message: e.message, stack: e.stack });
    },
  );
  inFlight = inFlight.then(() => done);
});

send({ type: "ready" });
