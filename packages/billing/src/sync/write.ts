import {
  markDeleted,
  readVersion,
  tombstoneChildren,
  touchVersion,
  upsertRow,
  type StripeRaw,
  type Tx,
} from "@folio/db";
import type Stripe from "stripe";
import { WRITES, decide, stillHolds, type Snapshot } from "./decide.ts";
import {
  CHILD_TABLES,
  KINDS,
  TABLES,
  invoiceLineColumns,
  sec,
  subscriptionItemColumns,
} from "./kinds.ts";
import { childList, type ApplyContext, type PlannedWrite, type PreparedHooks } from "./plan.ts";

// Inside the transaction: check the plan still holds, then write mirror rows, children and hooks.
// No network here — the plan made every Stripe call already.

/** The transaction saw a different stored state than the plan: retry the whole apply. */
export class PlanConflictError extends Error {
  override readonly name = "PlanConflictError";
}

function rowFor(snap: Snapshot, now: Date) {
  const o = snap.object;
  return {
    id: o.id,
    livemode: o.livemode ?? false,
    stripeCreated: sec(o.created),
    raw: o as StripeRaw,
    versionTs: new Date(snap.version),
    versionEventId: snap.eventId,
    syncedAt: now,
    ...KINDS[snap.kind].columns(o),
  };
}

async function writeChildren(tx: Tx, w: PlannedWrite, now: Date) {
  const { snap } = w;
  const field = snap.kind === "subscription" ? "items" : snap.kind === "invoice" ? "lines" : null;
  if (!field) return;
  const t = field === "items" ? CHILD_TABLES.subscription_item : CHILD_TABLES.invoice_line_item;
  const parentColumn = field === "items" ? "subscription_id" : "invoice_id";
  const list =
    w.decision === "tombstone" ? [] : (w.children ?? childList(snap.object, field)?.data ?? []);
  for (const child of list) {
    const columns =
      field === "items"
        ? subscriptionItemColumns(child as unknown as Stripe.SubscriptionItem, snap.object.id)
        : invoiceLineColumns(child as unknown as Stripe.InvoiceLineItem, snap.object.id);
    await upsertRow(tx, t, {
      id: child.id,
      livemode: child.livemode ?? snap.object.livemode ?? false,
      stripeCreated: sec(child.created),
      raw: child,
      versionTs: new Date(snap.version),
      versionEventId: snap.eventId,
      syncedAt: now,
      deletedAt: null,
      ...columns,
    });
  }
  await tombstoneChildren(
    tx,
    t,
    parentColumn,
    snap.object.id,
    list.map((c) => c.id),
    now,
  );
}

/**
 * Re-checks every planned decision against the store inside the transaction (a mismatch throws
 * PlanConflictError), writes mirror rows and children, then runs the hooks of each write.
 */
export async function writePlan(
  tx: Tx,
  ctx: ApplyContext,
  writes: PlannedWrite[],
  hooks: PreparedHooks,
): Promise<void> {
  const now = ctx.deps.clock.now();
  for (const [wi, w] of writes.entries()) {
    const { snap } = w;
    const stored = await readVersion(tx, TABLES[snap.kind], snap.object.id);
    const again = decide(stored, snap);
    if (!stillHolds(w.decision, again)) {
      throw new PlanConflictError(
        `${snap.kind} ${snap.object.id} changed while applying (${w.decision} → ${again})`,
      );
    }
    if (!WRITES.has(w.decision)) continue;
    const t = TABLES[snap.kind];
    if (w.decision === "touch") {
      await touchVersion(tx, t, snap.object.id, snap.version, snap.eventId, now);
    } else if (w.decision === "tombstone" && stored && snap.version <= stored.versionTs.getTime()) {
      // An older deletion notice still deletes, but keeps the newer content we hold.
      await markDeleted(tx, t, snap.object.id, now);
    } else {
      await upsertRow(tx, t, {
        ...rowFor(snap, now),
        deletedAt: w.decision === "tombstone" ? now : null,
      });
    }
    if (w.decision !== "touch") await writeChildren(tx, w, now);
    for (const call of hooks.calls) {
      if (call.write !== wi) continue;
      await ctx.hooks[call.hook]?.write(tx, call.change, call.prepared);
    }
  }
}
