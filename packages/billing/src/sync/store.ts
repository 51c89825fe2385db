import type { StripeRaw } from "@folio/db";
import type Stripe from "stripe";
import type { SyncChange, SyncDeps, SyncEventRef, SyncHooks, SyncTx } from "./hooks.ts";
import {
  CHILD_TABLES,
  KINDS,
  TABLES,
  invoiceLineColumns,
  isMissing,
  sec,
  subscriptionItemColumns,
  type MirrorKind,
  type StripeObject,
} from "./kinds.ts";
import {
  markDeleted,
  readVersion,
  rowExists,
  tombstoneChildren,
  touchVersion,
  upsertRow,
  type StoredVersion,
} from "./sql.ts";

/** One version of one object, from an event or from the API. */
export interface Snapshot {
  kind: MirrorKind;
  object: StripeObject;
  /** ms, always a whole Stripe second: events' `created`; fetches' a lower bound of Stripe's
   * "now" when they were fetched. */
  version: number;
  eventId: string | null;
  tombstone: boolean;
  fromFetch: boolean;
  /** A fetch made after the stored version it is compared with was read: it has seen every change
   * stored, so it wins a same-second tie against it. Other fetches do not: they may predate a
   * change made later in their second. */
  afterStored?: boolean;
  /** The snapshot may not be in the shape we read (an event from another API version): when it
   * would be stored, the object is fetched instead. */
  untrusted?: boolean;
  /** The event says the customer's balance moved (`previous_attributes.balance`): its balance
   * transactions are pulled even when the snapshot is stale or its balance equals the stored one
   * (credit granted, then spent). */
  balanceMoved?: boolean;
}

export type Decision =
  | "insert"
  | "update"
  | "touch" // newer version, identical content: only the version columns move
  | "tombstone"
  | "skip_stale"
  | "skip_same" // this very event is already stored
  | "skip_tombstoned"
  | "tie"; // same second, different event: resolved by fetching

export const WRITES: ReadonlySet<Decision> = new Set(["insert", "update", "touch", "tombstone"]);
const CHANGES: ReadonlySet<Decision> = new Set(["insert", "update", "tombstone"]);

type Stored = StoredVersion;

export interface PlannedWrite {
  snap: Snapshot;
  decision: Decision;
  readonly previous: StripeRaw | null;
  /** Complete child lists (subscription items / invoice lines) when the snapshot's was partial. */
  children?: StripeObject[];
}

/** `previous` is read (and the stored JSON parsed) only if a hook or a caller asks for it. */
function plannedWrite(
  snap: Snapshot,
  decision: Decision,
  stored: Stored | null,
  children?: StripeObject[],
): PlannedWrite {
  return {
    snap,
    decision,
    get previous() {
      return stored?.raw ?? null;
    },
    ...(children ? { children } : {}),
  };
}

/** The transaction saw a different stored state than the plan: retry the whole apply. */
export class PlanConflictError extends Error {
  override readonly name = "PlanConflictError";
}

type Client = SyncDeps["db"]["$client"];

function readStored(client: Client, kind: MirrorKind, id: string): Stored | null {
  return readVersion(client, TABLES[kind], id);
}

function exists(client: Client, kind: MirrorKind, id: string): boolean {
  return rowExists(client, TABLES[kind], id);
}

/** Canonical JSON (sorted keys) so key order never counts as a change. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : val,
  );
}

/** Equal JSON, by the fast path when key order matches (same API, same serializer). */
function sameContent(a: unknown, b: unknown): boolean {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x === y || (x.length === y.length && canonical(a) === canonical(b));
}

/** The stored version's second, in ms. A fetched row has no event id; those written before
 * fetches were versioned at their second were stored at its end (`.999`): the same second. */
function storedSecond(stored: Stored): number {
  const v = stored.versionTs.getTime();
  return stored.versionEventId === null ? v - (v % 1000) : v;
}

export function decide(stored: Stored | null, snap: Snapshot): Decision {
  if (!stored) return snap.tombstone ? "tombstone" : "insert";
  if (stored.deletedAt) return "skip_tombstoned";
  if (snap.tombstone) return "tombstone";
  if (snap.eventId !== null && stored.versionEventId === snap.eventId) return "skip_same";
  const stored_v = storedSecond(stored);
  if (snap.version < stored_v) return "skip_stale";
  // Same second: seconds cannot order two changes, and a fetch cannot outrank an event of its
  // second it may not have seen (the change may come after the fetch). Fetch again: the API is
  // the truth. Only two fetches are ordered (the later one is applied later).
  if (
    snap.version === stored_v &&
    !(snap.fromFetch && (snap.afterStored || stored.versionEventId === null))
  )
    return "tie";
  // Events announce changes: applying the same content again is harmless, so only fetched
  // snapshots (backfills, where "unchanged" is reported) pay for a content comparison.
  if (!snap.fromFetch) return "update";
  return sameContent(stored.raw, snap.object) ? "touch" : "update";
}

export interface ApplyContext {
  deps: SyncDeps;
  hooks: SyncHooks;
  event: SyncEventRef;
  /** Version (ms) to give objects fetched now: the current Stripe second (a lower bound). */
  fetchVersion: () => Promise<number>;
  /** Fetch unknown parents (customer, subscription, invoice, charge, price, product). */
  fetchParents?: boolean;
}

function childList(o: StripeObject, field: "items" | "lines") {
  return (o as unknown as Record<string, Stripe.ApiList<StripeObject> | undefined>)[field];
}

async function completeChildren(
  stripe: Stripe,
  snap: Snapshot,
): Promise<StripeObject[] | undefined> {
  if (snap.kind === "subscription") {
    const list = childList(snap.object, "items");
    if (!list?.has_more) return undefined;
    const all: StripeObject[] = [];
    for await (const i of stripe.subscriptionItems.list({
      subscription: snap.object.id,
      limit: 100,
    }))
      all.push(i);
    return all;
  }
  if (snap.kind === "invoice") {
    const list = childList(snap.object, "lines");
    if (!list?.has_more) return undefined;
    const all: StripeObject[] = [];
    for await (const l of stripe.invoices.listLineItems(snap.object.id, { limit: 100 }))
      all.push(l);
    return all;
  }
  return undefined;
}

/**
 * Async half of applying: decides what each snapshot does under the version guard, resolves
 * same-second ties by fetching, fetches unknown parents (written first), completes partial child
 * lists, and pulls customer balance transactions when a balance moved. Never writes.
 */
export async function plan(ctx: ApplyContext, snaps: Snapshot[]): Promise<PlannedWrite[]> {
  const { stripe } = ctx.deps;
  const db = ctx.deps.db.$client;
  const out: PlannedWrite[] = [];
  const planned = new Set<string>();

  const add = async (initial: Snapshot, depth: number): Promise<void> => {
    const key = `${initial.kind}:${initial.object.id}`;
    if (planned.has(key)) return;
    planned.add(key);
    let snap = initial;
    const stored = readStored(db, snap.kind, snap.object.id);
    let decision = decide(stored, snap);
    if (
      decision === "tie" ||
      (snap.untrusted && (decision === "insert" || decision === "update"))
    ) {
      const fetched = await KINDS[snap.kind].retrieve(stripe, snap.object.id, snap.object);
      const version = await ctx.fetchVersion();
      if (fetched) {
        snap = {
          ...snap,
          object: fetched,
          version,
          eventId: null,
          fromFetch: true,
          afterStored: true,
          untrusted: false,
        };
      } else if (KINDS[snap.kind].deletable) {
        snap = {
          ...snap,
          version,
          eventId: null,
          fromFetch: true,
          afterStored: true,
          tombstone: true,
        };
      } else {
        // Gone without a trace (never happens for these kinds in Stripe): keep what we have.
        out.push(plannedWrite(snap, "skip_stale", stored));
        return;
      }
      decision = decide(stored, snap);
    }
    if (!WRITES.has(decision)) {
      out.push(plannedWrite(snap, decision, stored));
      if (decision === "skip_stale" && snap.kind === "customer" && snap.balanceMoved)
        await addBalanceTransactions(ctx, snap.object.id, add, depth);
      return;
    }
    if (ctx.fetchParents !== false && !snap.tombstone && depth < 4) {
      for (const parent of KINDS[snap.kind].parents(snap.object)) {
        if (planned.has(`${parent.kind}:${parent.id}`) || exists(db, parent.kind, parent.id))
          continue;
        const fetched = await KINDS[parent.kind].retrieve(stripe, parent.id);
        if (!fetched) continue;
        await add(
          {
            kind: parent.kind,
            object: fetched,
            version: await ctx.fetchVersion(),
            eventId: null,
            tombstone: false,
            fromFetch: true,
          },
          depth + 1,
        );
      }
    }
    const children = decision === "tombstone" ? undefined : await completeChildren(stripe, snap);
    out.push(plannedWrite(snap, decision, stored, children));

    if (decision === "insert" || decision === "update") {
      for (const related of KINDS[snap.kind].refresh?.(snap.object) ?? []) {
        if (planned.has(`${related.kind}:${related.id}`)) continue;
        const fetched = await KINDS[related.kind].retrieve(stripe, related.id);
        if (!fetched) continue;
        await add(
          {
            kind: related.kind,
            object: fetched,
            version: await ctx.fetchVersion(),
            eventId: null,
            tombstone: false,
            fromFetch: true,
          },
          depth + 1,
        );
      }
    }

    if (snap.kind === "customer" && (decision === "insert" || decision === "update")) {
      const balance = (snap.object as unknown as Stripe.Customer).balance ?? 0;
      const before = stored ? ((stored.raw as unknown as Stripe.Customer).balance ?? 0) : 0;
      if (balance !== before || snap.balanceMoved)
        await addBalanceTransactions(ctx, snap.object.id, add, depth);
    }
  };

  for (const s of snaps) await add(s, 0);
  return out;
}

async function addBalanceTransactions(
  ctx: ApplyContext,
  customerId: string,
  add: (s: Snapshot, depth: number) => Promise<void>,
  depth: number,
) {
  const version = await ctx.fetchVersion();
  const txns: StripeObject[] = [];
  try {
    for await (const t of ctx.deps.stripe.customers.listBalanceTransactions(customerId, {
      limit: 100,
    }))
      txns.push(t);
  } catch (e) {
    // The customer was deleted since: its balance history went with it.
    if (isMissing(e)) return;
    throw e;
  }
  for (const object of txns) {
    await add(
      {
        kind: "customer_balance_transaction",
        object,
        version,
        eventId: null,
        tombstone: false,
        fromFetch: true,
      },
      depth + 1,
    );
  }
}

/** The object hooks see: with its complete child list when the snapshot's was partial. */
function withChildren(w: PlannedWrite): StripeObject {
  if (!w.children) return w.snap.object;
  const field = w.snap.kind === "subscription" ? "items" : "lines";
  const list = childList(w.snap.object, field);
  return { ...w.snap.object, [field]: { ...list, data: w.children, has_more: false } };
}

/** Hook calls the plan implies, with whatever each hook prepared (async, before the tx). */
export interface PreparedHooks {
  calls: Array<{ write: number; hook: number; change: SyncChange; prepared: unknown }>;
}

export async function prepareHooks(ctx: ApplyContext, writes: PlannedWrite[]) {
  const calls: PreparedHooks["calls"] = [];
  for (const [wi, w] of writes.entries()) {
    if (!CHANGES.has(w.decision)) continue;
    const type = KINDS[w.snap.kind].hookType;
    if (!type) continue;
    const change = {
      type,
      object: withChildren(w),
      previous: w.previous,
      ...(w.decision === "tombstone" ? { deleted: true } : {}),
      event: ctx.event,
      clock: ctx.deps.clock,
    } as unknown as SyncChange;
    for (const [hi, hook] of ctx.hooks.entries()) {
      if (hook.types && !hook.types.includes(type)) continue;
      const prepared = hook.prepare ? await hook.prepare(ctx.deps, change) : undefined;
      calls.push({ write: wi, hook: hi, change, prepared });
    }
  }
  return { calls };
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

function writeChildren(client: Client, w: PlannedWrite, now: Date) {
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
    upsertRow(client, t, {
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
  tombstoneChildren(
    client,
    t,
    parentColumn,
    snap.object.id,
    list.map((c) => c.id),
    now,
  );
}

/**
 * Synchronous half: re-checks every planned decision against the store inside the transaction
 * (a mismatch throws PlanConflictError), writes mirror rows and children, then the hooks.
 */
export function writePlan(
  tx: SyncTx,
  ctx: ApplyContext,
  writes: PlannedWrite[],
  hooks: PreparedHooks,
): void {
  const now = ctx.deps.clock.now();
  // Same connection as `tx`: these statements are part of its transaction.
  const client = ctx.deps.db.$client;
  for (const [wi, w] of writes.entries()) {
    const stored = readStored(client, w.snap.kind, w.snap.object.id);
    const again = decide(stored, w.snap);
    if (again !== w.decision && !(w.decision === "touch" && again === "skip_same")) {
      throw new PlanConflictError(
        `${w.snap.kind} ${w.snap.object.id} changed while applying (${w.decision} → ${again})`,
      );
    }
    if (!WRITES.has(w.decision)) continue;
    const t = TABLES[w.snap.kind];
    if (w.decision === "touch") {
      touchVersion(client, t, w.snap.object.id, w.snap.version, w.snap.eventId, now);
    } else if (
      w.decision === "tombstone" &&
      stored &&
      w.snap.version <= stored.versionTs.getTime()
    ) {
      // An older deletion notice still deletes, but keeps the newer content we hold.
      markDeleted(client, t, w.snap.object.id, now);
    } else {
      upsertRow(client, t, {
        ...rowFor(w.snap, now),
        deletedAt: w.decision === "tombstone" ? now : null,
      });
    }
    if (w.decision !== "touch") writeChildren(client, w, now);
    for (const call of hooks.calls) {
      if (call.write !== wi) continue;
      ctx.hooks[call.hook]?.write(tx, call.change, call.prepared);
    }
  }
}

/** Plan, prepare hooks, then write everything (plus `alsoInTx`) in one transaction. */
export async function applySnapshots(
  ctx: ApplyContext,
  snaps: Snapshot[],
  inTx: {
    /** Runs first inside the transaction; returning false abandons the apply (nothing written). */
    before?: (tx: SyncTx) => boolean;
    after?: (tx: SyncTx) => void;
  } = {},
): Promise<PlannedWrite[] | null> {
  const writes = await plan(ctx, snaps);
  const hooks = await prepareHooks(ctx, writes);
  // IMMEDIATE: take the write lock up front. A deferred transaction that reads first cannot wait
  // its way into a write when another connection (the server's main thread acknowledging
  // webhooks) committed meanwhile: SQLite fails it with "database is locked" at once.
  return ctx.deps.db.transaction(
    (tx) => {
      if (inTx.before && !inTx.before(tx)) return null;
      writePlan(tx, ctx, writes, hooks);
      inTx.after?.(tx);
      return writes;
    },
    { behavior: "immediate" },
  );
}
