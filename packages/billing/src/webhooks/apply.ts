import {
  lockInboxEvent,
  perHandle,
  webhookEvents,
  withSavepoint,
  withTransaction,
  writersWaiting,
  type Db,
  type InboxEvent,
  type Tx,
} from "@folio/db";
import { eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import { applySnapshots } from "../sync/apply.ts";
import { eventTarget } from "../sync/events.ts";
import type { SyncDeps, SyncHooks, SyncObservation } from "../sync/hooks.ts";
import { KINDS, type StripeObject } from "../sync/kinds.ts";
import { offlineStripe } from "../sync/offline.ts";
import type { ApplyContext, PlannedWrite } from "../sync/plan.ts";
import { FetchVersions } from "../sync/versions.ts";

export type { InboxEvent };

// Runs once per applied event. Its placeholders take values as stored (appliedAt as epoch ms),
// the same on both dialects.
const markStatement = perHandle((db: Db) => {
  const p = (name: string) => sql`${sql.placeholder(name)}`;
  return db
    .update(webhookEvents)
    .set({
      status: p("status"),
      attempts: p("attempts"),
      appliedAt: p("appliedAt"),
      lastError: null,
      nextAttemptAt: null,
      claimedBy: null,
      claimExpiresAt: null,
    })
    .where(eq(webhookEvents.id, sql.placeholder("id")))
    .prepare();
});

export class UnappliableEventError extends Error {
  override readonly name = "UnappliableEventError";
}

/**
 * Applies one inbox event: snapshot (or tombstone) under the version guard, ties and unknown
 * parents fetched, hooks run — all written together with the event's `applied` mark.
 * Inside the transaction the inbox row is locked and must still be due (pending or failed) and,
 * when `holder` is given, still claimed by it; otherwise nothing is written and null is returned
 * (another applier — an instance that took over a lapsed claim, a CLI replay — has it).
 * Returns the writes (for tests/diagnostics). Throws on failure; the caller records it.
 */
export async function applyInboxEvent(
  deps: SyncDeps,
  hooks: SyncHooks,
  row: InboxEvent,
  options: { holder?: string } = {},
): Promise<PlannedWrite[] | null> {
  const stillOurs = async (tx: Tx) => {
    const state = await lockInboxEvent(tx, row.id, options.holder ?? "");
    return (
      state !== null &&
      (state.status === "pending" || state.status === "failed") &&
      (options.holder === undefined || state.ours)
    );
  };
  const markApplied = async (tx: Tx, status: "applied" | "ignored") => {
    await markStatement(tx).run({
      id: row.id,
      status,
      attempts: row.attempts + 1,
      appliedAt: deps.clock.now().getTime(),
    });
  };

  const target = eventTarget(row.type);
  if (!target) {
    return withTransaction(deps.db, async (tx) => {
      if (!(await stillOurs(tx))) return null;
      await markApplied(tx, "ignored");
      return [];
    });
  }
  let event: { data?: { object?: StripeObject; previous_attributes?: Record<string, unknown> } };
  try {
    event = JSON.parse(row.payload) as typeof event;
  } catch {
    throw new UnappliableEventError("payload is not JSON");
  }
  const object = event.data?.object;
  if (!object || typeof object.id !== "string")
    throw new UnappliableEventError("event has no data.object");
  const expected = KINDS[target.kind].object;
  if (object.object !== expected)
    throw new UnappliableEventError(`expected a ${expected}, got ${String(object.object)}`);

  // Hooks that keep what each event said (not only what is stored) see every event of their types.
  const hookType = KINDS[target.kind].hookType;
  const observation = hookType
    ? ({
        type: hookType,
        object,
        event: { id: row.id, type: row.type, created: row.created },
        clock: deps.clock,
      } as unknown as SyncObservation)
    : null;
  const observe = async (tx: Tx) => {
    if (!observation) return;
    for (const hook of hooks) {
      if (!hook.observe || (hook.types && !hook.types.includes(observation.type))) continue;
      await hook.observe(tx, observation);
    }
  };

  // Everything Stripe sent before this event is in the inbox: it bounds the versions of fetches.
  const versions = new FetchVersions(deps);
  const ctx: ApplyContext = {
    deps,
    hooks,
    event: { id: row.id, type: row.type, created: row.created, carried: object },
    fetchVersion: (kind, o) => versions.of(kind, o),
  };
  return applySnapshots(
    ctx,
    [
      {
        kind: target.kind,
        object,
        version: row.created.getTime(),
        eventId: row.id,
        tombstone: target.deleted,
        fromFetch: false,
        untrusted: row.apiVersion !== null && row.apiVersion !== Stripe.API_VERSION,
        balanceMoved:
          target.kind === "customer" && "balance" in (event.data?.previous_attributes ?? {}),
      },
    ],
    {
      before: stillOurs,
      after: async (tx) => {
        await markApplied(tx, "applied");
        await observe(tx);
      },
    },
  );
}

export interface BatchResult {
  /** The outcome of each event applied, in order: a prefix of the rows given. */
  applied: Array<PlannedWrite[] | null>;
  /** The next row (the first not in `applied`) needs applying on its own: it needs a Stripe
   * call, or it failed. False when the batch only stopped to let another writer in. */
  alone: boolean;
}

/**
 * Applies a run of claimed events in one transaction, each under a savepoint, in the order
 * given — one commit for many events. Each event is applied exactly as `applyInboxEvent` would
 * (its plan, hooks and `applied` mark), except that its plan reads inside the transaction and
 * may not call Stripe: the first event that needs a call (a tie, a missing parent, a hook's
 * prepare) or fails is rolled back to its savepoint and left for `applyInboxEvent` on its own,
 * which makes the calls before its transaction and records a failure for a retry. The batch
 * also ends after `maxMs`, as soon as another connection waits to write (an ack), or on `stop`.
 */
export async function applyInboxBatch(
  deps: SyncDeps,
  hooks: SyncHooks,
  rows: readonly InboxEvent[],
  options: {
    holder?: string;
    maxMs: number;
    onApplying?: (eventId: string) => void;
    /** Checked before each event after the first: true ends the batch (a worker stopping). */
    stop?: () => boolean;
  },
): Promise<BatchResult> {
  const offline = { ...deps, stripe: offlineStripe };
  const started = performance.now();
  const applied: BatchResult["applied"] = [];
  let alone = false;
  await withTransaction(deps.db, async (tx) => {
    for (const row of rows) {
      if (
        applied.length > 0 &&
        (performance.now() - started >= options.maxMs ||
          writersWaiting(tx) ||
          options.stop?.() === true)
      )
        return;
      options.onApplying?.(row.id);
      try {
        applied.push(await withSavepoint(tx, () => applyInboxEvent(offline, hooks, row, options)));
      } catch {
        alone = true;
        return;
      }
    }
  });
  return { applied, alone };
}
