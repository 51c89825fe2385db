import { max } from "drizzle-orm";
import { webhookEvents } from "@folio/db";
import Stripe from "stripe";
import type { SyncDeps, SyncHooks } from "../sync/hooks.ts";
import { eventTarget } from "../sync/events.ts";
import { KINDS, type StripeObject } from "../sync/kinds.ts";
import { prepared } from "../sync/sql.ts";
import { applySnapshots, type ApplyContext, type PlannedWrite } from "../sync/store.ts";

export type InboxEvent = typeof webhookEvents.$inferSelect;

/**
 * A lower bound of Stripe's "now" in seconds: nothing Stripe had sent us can be newer than what
 * the API returns after it. Stripe's clock, not ours (the emulator's clock can be advanced).
 */
export function stripeNowFromInbox(deps: Pick<SyncDeps, "db">, atLeastMs: number): number {
  const row = deps.db
    .select({ latest: max(webhookEvents.created) })
    .from(webhookEvents)
    .get();
  const latest = row?.latest ? row.latest.getTime() : 0;
  return Math.floor(Math.max(latest, atLeastMs) / 1000);
}

export class UnappliableEventError extends Error {
  override readonly name = "UnappliableEventError";
}

/**
 * Applies one inbox event: snapshot (or tombstone) under the version guard, ties and unknown
 * parents fetched, hooks run — all written together with the event's `applied` mark.
 * Returns the writes (for tests/diagnostics), or null when someone else applied it meanwhile.
 * Throws on failure; the caller records it.
 */
export async function applyInboxEvent(
  deps: SyncDeps,
  hooks: SyncHooks,
  row: InboxEvent,
): Promise<PlannedWrite[] | null> {
  const client = deps.db.$client;
  // Runs inside the apply transaction (same connection).
  const markApplied = (status: "applied" | "ignored") =>
    prepared(
      client,
      "inbox:mark-applied",
      () =>
        "update webhook_events set status = ?, attempts = ?, applied_at = ?, last_error = null, next_attempt_at = null where id = ?",
    ).run(status, row.attempts + 1, deps.clock.now().getTime(), row.id);

  const target = eventTarget(row.type);
  if (!target) {
    markApplied("ignored");
    return [];
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

  let fetchVersion: number | undefined;
  const ctx: ApplyContext = {
    deps,
    hooks,
    event: { id: row.id, type: row.type, created: row.created },
    fetchVersion: () => {
      fetchVersion ??= stripeNowFromInbox(deps, row.created.getTime()) * 1000;
      return Promise.resolve(fetchVersion);
    },
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
      // Another applier (a CLI replay next to the server's worker) may have finished it already.
      before: () =>
        (
          prepared(
            client,
            "inbox:status",
            () => "select status from webhook_events where id = ?",
          ).get(row.id) as { status: string } | undefined
        )?.status === row.status,
      after: () => markApplied("applied"),
    },
  );
}
