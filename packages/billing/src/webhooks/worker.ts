import { and, eq, inArray } from "drizzle-orm";
import { webhookEvents } from "@folio/db";
import type { SyncDeps, SyncHooks } from "../sync/hooks.ts";
import { prepared } from "../sync/sql.ts";
import { PlanConflictError } from "../sync/store.ts";
import { applyInboxEvent, type InboxEvent } from "./apply.ts";

interface InboxRow {
  id: string;
  type: string;
  api_version: string | null;
  created: number;
  livemode: number;
  object_id: string | null;
  object_type: string | null;
  payload: string;
  status: InboxEvent["status"];
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  last_failed_at: number | null;
  received_at: number;
  applied_at: number | null;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function fromRow(r: InboxRow): InboxEvent {
  return {
    id: r.id,
    type: r.type,
    apiVersion: r.api_version,
    created: new Date(r.created),
    livemode: r.livemode === 1,
    objectId: r.object_id,
    objectType: r.object_type,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: date(r.next_attempt_at),
    lastError: r.last_error,
    lastFailedAt: date(r.last_failed_at),
    receivedAt: new Date(r.received_at),
    appliedAt: date(r.applied_at),
  };
}

export interface WorkerLogger {
  info?(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /** Failures before an event is dead-lettered. */
  maxAttempts?: number;
  /** First retry delay; doubles per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often an idle worker looks for due retries. */
  pollMs?: number;
  batchSize?: number;
  /** Longest stretch of applying before the worker yields to the event loop (in-process worker:
   * webhook acks and other requests share the thread). */
  yieldEveryMs?: number;
}

export interface DrainResult {
  applied: number;
  ignored: number;
  failed: number;
  dead: number;
}

export interface WebhookWorker {
  /** Applies every event that is due now (including ones that arrive meanwhile). */
  drain(): Promise<DrainResult>;
  /** Signals new inbox events (the webhook route calls this after a store). */
  wake(): void;
  stop(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
}

/**
 * In-process apply worker. One event at a time, oldest `created` first (then id); failures are
 * retried with exponential backoff and dead-lettered after `maxAttempts`.
 */
export function startWebhookWorker(
  deps: SyncDeps & { hooks?: SyncHooks; logger?: WorkerLogger },
  options: WorkerOptions & {
    autoStart?: boolean;
    /** Told the id of each event before it is applied, and null when a drain ends, so a
     * supervisor knows which event a worker that died was applying. */
    onApplying?: (eventId: string | null) => void;
    /** The event a previous worker died applying: counted as a failed attempt first, so an event
     * that kills every worker is dead-lettered instead of stalling the queue for good. */
    diedApplying?: string | null;
  } = {},
): WebhookWorker {
  const { db, clock } = deps;
  const hooks = deps.hooks ?? [];
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const base = options.baseBackoffMs ?? 2_000;
  const cap = options.maxBackoffMs ?? 60 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 200;
  const yieldEveryMs = options.yieldEveryMs ?? 5;

  let stopped = false;
  let chain: Promise<unknown> = Promise.resolve();
  let wakeUp: (() => void) | null = null;
  // A wake that arrives while a drain is running must not be lost until the next poll.
  let woken = false;
  let timer: NodeJS.Timeout | null = null;

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  // Prepared once; this runs for every batch while the queue is busy.
  const due = (): InboxEvent[] =>
    (
      prepared(
        db.$client,
        "inbox:due",
        () =>
          "select * from webhook_events indexed by webhook_events_queue where status in ('pending', 'failed') and next_attempt_at <= ? order by created, id limit ?",
      ).all(clock.now().getTime(), batchSize) as InboxRow[]
    ).map(fromRow);

  const recordFailure = (row: InboxEvent, err: unknown) => {
    const attempts = row.attempts + 1;
    const dead = attempts >= maxAttempts;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    db.update(webhookEvents)
      .set({
        status: dead ? "dead" : "failed",
        attempts,
        lastError: message.slice(0, 2000),
        lastFailedAt: clock.now(),
        nextAttemptAt: dead
          ? null
          : new Date(clock.now().getTime() + backoffMs(attempts, base, cap)),
      })
      .where(
        and(eq(webhookEvents.id, row.id), inArray(webhookEvents.status, ["pending", "failed"])),
      )
      .run();
    const info = { eventId: row.id, type: row.type, attempts, err: message };
    if (dead) deps.logger?.error(info, "webhook event dead-lettered");
    else deps.logger?.warn(info, "webhook event failed; will retry");
    return dead;
  };

  if (options.diedApplying) {
    const row = db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.id, options.diedApplying))
      .get();
    if (row && (row.status === "pending" || row.status === "failed")) {
      recordFailure(row, new Error("the apply worker died while applying this event"));
    }
  }

  // Another writer (a CLI sync, the admin console's resync) changed an object between planning
  // and writing: plan again at once rather than spend an attempt and a backoff on it.
  const applyOnce = async (row: InboxEvent) => {
    try {
      return await applyInboxEvent(deps, hooks, row);
    } catch (err) {
      if (err instanceof PlanConflictError) return applyInboxEvent(deps, hooks, row);
      throw err;
    }
  };

  const drainOnce = async (): Promise<DrainResult> => {
    const result: DrainResult = { applied: 0, ignored: 0, failed: 0, dead: 0 };
    const seen = new Set<string>();
    // An event that needs no fetch applies without ever leaving the microtask queue: without a
    // macrotask yield, I/O (HTTP acks on this thread) would wait for the whole backlog.
    let since = performance.now();
    for (;;) {
      const rows = due().filter((r) => !seen.has(r.id));
      if (rows.length === 0) {
        options.onApplying?.(null);
        return result;
      }
      for (const row of rows) {
        if (performance.now() - since >= yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          since = performance.now();
        }
        if (stopped) return result;
        seen.add(row.id);
        options.onApplying?.(row.id);
        try {
          const writes = await applyOnce(row);
          if (writes === null) continue;
          if (writes.length === 0) result.ignored++;
          else result.applied++;
        } catch (err) {
          if (recordFailure(row, err)) result.dead++;
          else result.failed++;
        }
      }
    }
  };

  const drain = () => exclusive(drainOnce);

  const loop = async () => {
    while (!stopped) {
      woken = false;
      try {
        await drain();
      } catch (err) {
        deps.logger?.error({ err }, "webhook worker loop failed");
      }
      if (stopped) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wakeUp = null;
      if (timer) clearTimeout(timer);
    }
  };

  const running = options.autoStart === false ? Promise.resolve() : loop();

  return {
    drain,
    wake: () => {
      woken = true;
      wakeUp?.();
    },
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await running;
      await chain;
    },
  };
}
