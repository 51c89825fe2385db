import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import {
  claimInboxEvents,
  releaseInboxClaims,
  webhookEvents,
  whileClaimedBy,
  type InboxEvent,
} from "@folio/db";
import { and, eq, gt, inArray, like } from "drizzle-orm";
import type { SyncDeps, SyncHooks } from "../sync/hooks.ts";
import { PlanConflictError } from "../sync/write.ts";
import type { PlannedWrite } from "../sync/plan.ts";
import { applyInboxBatch, applyInboxEvent, type BatchResult } from "./apply.ts";
import {
  stripeUnreachable,
  UNREACHABLE_ERROR_LIKE,
  unreachableError,
  unreachableSince,
} from "./outage.ts";

export interface WorkerLogger {
  debug?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerOptions {
  /** Failures before an event is dead-lettered (for Stripe being unreachable, also
   * `deadLetterAfterMs`). */
  maxAttempts?: number;
  /** How long an event may keep failing because Stripe is unreachable before it is
   * dead-lettered: Stripe's own retry window (three days) by default. */
  deadLetterAfterMs?: number;
  /** First retry delay; doubles per failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often an idle worker looks for due retries. */
  pollMs?: number;
  batchSize?: number;
  /** Longest stretch of applying before the worker yields to the event loop (in-process worker:
   * webhook acks and other requests share the thread). */
  yieldEveryMs?: number;
  /** Who claims events: unique per live worker (default: one id per process/thread). A worker
   * restarted in place may pass its predecessor's id to take its claims back at once. */
  holder?: string;
  /** How long a claim lasts; a worker that dies holding claims delays their events this long. */
  leaseMs?: number;
  /** While events wait because Stripe was unreachable, how often to ask Stripe whether it is back;
   * once it answers they are retried at once rather than at their backed-off time. */
  probeStripeEveryMs?: number;
  /**
   * Objects applied side by side (one lane per object, its events in order). Worth raising on
   * PostgreSQL, where transactions commit concurrently and share WAL flushes; on SQLite write
   * transactions serialize, so 1. With more than one, `onApplying` names the latest event started.
   */
  concurrency?: number;
  /**
   * With one lane: most events applied in one transaction (each under a savepoint, see
   * `applyInboxBatch`). One commit then serves many events; 1 applies each in its own.
   */
  batchEvents?: number;
  /** A batch commits after this long (default `yieldEveryMs`), or at once when an
   * acknowledgement waits to write. */
  batchMs?: number;
}

export interface DrainResult {
  applied: number;
  ignored: number;
  failed: number;
  dead: number;
}

export interface WebhookWorker {
  /** Applies every event that is due now and not claimed by another worker (including ones that
   * arrive meanwhile). */
  drain(): Promise<DrainResult>;
  /** Signals new inbox events (the webhook route calls this after a store). */
  wake(): void;
  /** Stops after the event being applied, then gives back the claims it still holds. */
  stop(): Promise<void>;
  /** The id this worker claims events with. */
  readonly holder: string;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
/** Stripe retries a delivery for three days; an outage that long is worth a person's look. */
export const DEFAULT_DEAD_LETTER_AFTER_MS = 3 * 24 * 60 * 60_000;
/** Re-plans in a row after a plan conflict before it counts as a failed attempt. */
const MAX_PLAN_CONFLICTS = 5;
export const DEFAULT_LEASE_MS = 2 * 60_000;

/** `host:pid:random`, once per process (per thread: each has its own module instance). */
export const processHolder = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

export function backoffMs(attempts: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
}

/**
 * Apply worker. Claims batches of due events (pending, or failed and due for a retry) under a
 * lease, oldest `created` first (then id), and applies them one at a time in that order; several
 * workers (instances) may drain one database. An event is applied only while its row shows it
 * still due and still claimed by this worker, so it is applied once even when a claim lapsed and
 * another worker took it. Failures are retried with exponential backoff, per object: an object's
 * later events wait behind its failed one (they would overtake it), other objects' events go on —
 * so a Stripe outage stalls only the objects whose events need a fetch. A failure is dead-lettered
 * after `maxAttempts`, or, when Stripe was unreachable, only once that has lasted
 * `deadLetterAfterMs` (an outage is not the event's fault; Stripe itself retries for days).
 */
export function startWebhookWorker(
  deps: SyncDeps & { hooks?: SyncHooks; logger?: WorkerLogger },
  options: WorkerOptions & {
    autoStart?: boolean;
    /** Told the id of each event before it is applied, and null when a drain ends, so a
     * supervisor knows which event a worker that died was applying. */
    onApplying?: (eventId: string | null) => void;
    /** The event a previous worker died applying: counted as a failed attempt first, so an event
     * that kills every worker is dead-lettered instead of stalling the queue for good. The dead
     * worker's other claims are given back. */
    diedApplying?: string | null;
  } = {},
): WebhookWorker {
  const { db, clock } = deps;
  const hooks = deps.hooks ?? [];
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const deadLetterAfterMs = options.deadLetterAfterMs ?? DEFAULT_DEAD_LETTER_AFTER_MS;
  const base = options.baseBackoffMs ?? 2_000;
  const cap = options.maxBackoffMs ?? 60 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const batchSize = options.batchSize ?? 200;
  const concurrency = options.concurrency ?? 1;
  const yieldEveryMs = options.yieldEveryMs ?? 5;
  const batchEvents = concurrency === 1 ? (options.batchEvents ?? 100) : 1;
  const batchMs = options.batchMs ?? yieldEveryMs;
  const probeEveryMs = options.probeStripeEveryMs ?? 30_000;
  const holder = options.holder ?? processHolder;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  let stopped = false;
  let wakeUp: (() => void) | null = null;
  // A wake that arrives while a drain is running must not be lost until the next poll.
  let woken = false;
  let timer: NodeJS.Timeout | null = null;

  /**
   * Records a failed attempt and drops the claim. Only while the claim is still ours (`claim`
   * "ours"): a worker that lost its claim leaves the event to the one that has it. Returns
   * whether it was dead-lettered, or null when nothing was recorded.
   */
  const recordFailure = async (row: InboxEvent, err: unknown, claim: "ours" | "any") => {
    const attempts = row.attempts + 1;
    const now = clock.now();
    let message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    let dead = attempts >= maxAttempts;
    if (stripeUnreachable(err)) {
      // The streak started at this event's first failure of the kind (kept in its last error).
      const since = unreachableSince(row.lastError) ?? now;
      dead &&= now.getTime() - since.getTime() >= deadLetterAfterMs;
      message = unreachableError(since, message);
    }
    const recorded = await db
      .update(webhookEvents)
      .set({
        status: dead ? "dead" : "failed",
        attempts,
        lastError: message.slice(0, 2000),
        lastFailedAt: now,
        nextAttemptAt: dead ? null : new Date(now.getTime() + backoffMs(attempts, base, cap)),
        claimedBy: null,
        claimExpiresAt: null,
      })
      .where(
        and(
          eq(webhookEvents.id, row.id),
          inArray(webhookEvents.status, ["pending", "failed"]),
          claim === "ours" ? whileClaimedBy(db, holder) : undefined,
        ),
      )
      .returning({ id: webhookEvents.id });
    if (recorded.length === 0) return null;
    const info = { eventId: row.id, type: row.type, attempts, err: message };
    if (dead) deps.logger?.error(info, "webhook event dead-lettered");
    else deps.logger?.warn(info, "webhook event failed; will retry");
    return dead;
  };

  const recoverFromDeath = async (id: string) => {
    const row = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
    if (!row || (row.status !== "pending" && row.status !== "failed")) return;
    await recordFailure(row, new Error("the apply worker died while applying this event"), "any");
    // The dead worker's other claims would block their objects until the lease lapsed.
    if (row.claimedBy !== null && row.claimedBy !== holder)
      await releaseInboxClaims(db, row.claimedBy);
  };

  let chain: Promise<unknown> = options.diedApplying
    ? recoverFromDeath(options.diedApplying).catch((err: unknown) =>
        deps.logger?.error({ err }, "webhook worker could not record the event it died on"),
      )
    : Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  // Another writer (a CLI sync, the admin console's resync, a command's write path) changed an
  // object between planning and writing: plan again at once rather than spend an attempt and a
  // backoff on it. Several times: with instances (or lanes) applying side by side, a busy shared
  // parent can change under a plan more than once, and a spent attempt would let the object's
  // later events overtake this one.
  const applyOnce = async (row: InboxEvent) => {
    for (let conflicts = 0; ; conflicts++) {
      try {
        return await applyInboxEvent(deps, hooks, row, { holder });
      } catch (err) {
        if (!(err instanceof PlanConflictError) || conflicts >= MAX_PLAN_CONFLICTS) throw err;
      }
    }
  };

  // An outage's retries back off to an hour apart: when Stripe answers again, they are due now.
  let lastProbe = -Infinity;
  const retryIfStripeIsBack = async () => {
    const now = clock.now();
    if (now.getTime() - lastProbe < probeEveryMs) return;
    lastProbe = now.getTime();
    const waitingOnStripe = and(
      eq(webhookEvents.status, "failed"),
      like(webhookEvents.lastError, UNREACHABLE_ERROR_LIKE),
      gt(webhookEvents.nextAttemptAt, now),
    );
    const waiting = await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(waitingOnStripe)
      .limit(1)
      .get();
    if (!waiting) return;
    try {
      // Short and without the SDK's retries: a hanging Stripe must not hold up the drain.
      await deps.stripe.events.list({ limit: 1 }, { timeout: 3_000, maxNetworkRetries: 0 });
    } catch {
      return;
    }
    await db.update(webhookEvents).set({ nextAttemptAt: now }).where(waitingOnStripe);
  };

  const drainOnce = async (): Promise<DrainResult> => {
    await retryIfStripeIsBack();
    const result: DrainResult = { applied: 0, ignored: 0, failed: 0, dead: 0 };
    const done = new Set<string>();
    // Waiting behind an earlier event of their object that failed: applied in a later drain,
    // after it.
    const held = new Set<string>();
    // Skipped because another worker had it: claimed back later (its lease lapsed), it is tried
    // again — a few times, so claims that keep changing hands cannot spin this loop.
    const skipped = new Map<string, number>();
    // An event that needs no fetch applies without ever leaving the microtask queue: without a
    // macrotask yield, I/O (HTTP acks on this thread) would wait for the whole backlog.
    let since = performance.now();
    for (;;) {
      if (stopped) return result;
      const claimedAt = clock.now().getTime();
      // Claims this worker still holds come back too (renewed), so a long batch cut short below
      // resumes where it was.
      const rows = (
        await claimInboxEvents(db, { holder, now: new Date(claimedAt), leaseMs, limit: batchSize })
      ).filter((r) => !done.has(r.id) && !held.has(r.id) && (skipped.get(r.id) ?? 0) < 3);
      for (const row of await behindFailures(rows, claimedAt)) held.add(row.id);
      const ready = rows.filter((r) => !held.has(r.id));
      if (ready.length === 0) {
        options.onApplying?.(null);
        return result;
      }
      // One lane per object, in claim order: an object's events apply one after another, and
      // lanes run side by side up to `concurrency` (PostgreSQL commits concurrently; on SQLite
      // transactions serialize anyway, so it stays 1 there).
      const lanes = new Map<string, InboxEvent[]>();
      for (const row of ready) {
        const key = row.objectId ?? row.id;
        const lane = lanes.get(key);
        if (lane) lane.push(row);
        else lanes.set(key, [row]);
      }
      const queue = [...lanes.values()];
      let renew = false;
      const runLanes = async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) {
          for (const [i, row] of lane.entries()) {
            if (performance.now() - since >= yieldEveryMs) {
              await new Promise<void>((resolve) => setImmediate(resolve));
              since = performance.now();
            }
            if (stopped || renew) return;
            // Half the lease gone: claim again (renewing) before applying more.
            if (clock.now().getTime() - claimedAt >= leaseMs / 2) {
              renew = true;
              return;
            }
            if (!(await applyRow(row))) {
              for (const later of lane.slice(i + 1)) held.add(later.id);
              break;
            }
          }
        }
      };
      await (batchEvents > 1
        ? runBatched()
        : Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, runLanes)));
      if (stopped) return result;

      /** One lane: the lanes' events in order, many to a transaction. An event that must be
       * applied alone is, and when it fails the rest of its object's lane waits. */
      async function runBatched() {
        let rest = queue.flatMap((lane) => lane);
        while (rest.length > 0) {
          if (performance.now() - since >= yieldEveryMs) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            since = performance.now();
          }
          if (stopped) return;
          if (clock.now().getTime() - claimedAt >= leaseMs / 2) {
            renew = true;
            return;
          }
          let batch: BatchResult = { applied: [], alone: true };
          if (rest.length > 1) {
            try {
              batch = await applyInboxBatch(deps, hooks, rest.slice(0, batchEvents), {
                holder,
                maxMs: batchMs,
                stop: () => stopped,
                ...(options.onApplying ? { onApplying: options.onApplying } : {}),
              });
            } catch {
              // The batch did not commit: its first event goes alone (and is retried if it fails).
            }
          }
          for (const [i, writes] of batch.applied.entries()) counted(rest[i]!, writes);
          rest = rest.slice(batch.applied.length);
          const next = rest[0];
          if (!batch.alone || !next) continue;
          rest = rest.slice(1);
          if (!(await applyRow(next))) {
            const key = next.objectId ?? next.id;
            rest = rest.filter((r) => {
              if ((r.objectId ?? r.id) !== key) return true;
              held.add(r.id);
              return false;
            });
          }
        }
      }
    }

    /** Counts an event applied (null: another applier had it, tried again later). */
    function counted(row: InboxEvent, writes: PlannedWrite[] | null) {
      if (writes === null) {
        skipped.set(row.id, (skipped.get(row.id) ?? 0) + 1);
        return;
      }
      done.add(row.id);
      if (writes.length === 0) result.ignored++;
      else result.applied++;
    }

    /** Applies one claimed event; a failure is recorded for a retry. False when it failed and
     * its object's later events must wait. */
    async function applyRow(row: InboxEvent): Promise<boolean> {
      options.onApplying?.(row.id);
      try {
        counted(row, await applyOnce(row));
        return true;
      } catch (err) {
        done.add(row.id);
        const dead = await recordFailure(row, err, "ours");
        if (dead === true) result.dead++;
        else if (dead === false) result.failed++;
        // Dead-lettered, it no longer holds its object back (it waits for a person).
        return dead !== false;
      }
    }
  };

  /** Claimed events whose object has an earlier event waiting for its retry. */
  const behindFailures = async (rows: InboxEvent[], now: number): Promise<InboxEvent[]> => {
    const objects = [...new Set(rows.flatMap((r) => (r.objectId ? [r.objectId] : [])))];
    if (objects.length === 0) return [];
    const waiting = await db
      .select({
        id: webhookEvents.id,
        objectId: webhookEvents.objectId,
        created: webhookEvents.created,
      })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.status, "failed"),
          gt(webhookEvents.nextAttemptAt, new Date(now)),
          inArray(webhookEvents.objectId, objects),
        ),
      );
    if (waiting.length === 0) return [];
    const before = (a: { created: Date; id: string }, b: { created: Date; id: string }) =>
      a.created.getTime() < b.created.getTime() ||
      (a.created.getTime() === b.created.getTime() && a.id < b.id);
    return rows.filter((r) => waiting.some((w) => w.objectId === r.objectId && before(w, r)));
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
    holder,
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
      try {
        await releaseInboxClaims(db, holder);
      } catch (err) {
        deps.logger?.warn({ err }, "webhook worker could not give back its claims");
      }
    },
  };
}
