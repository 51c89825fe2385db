import { readVersion, rowExists, type StoredVersion, type StripeRaw } from "@folio/db";
import type Stripe from "stripe";
import { CHANGES, WRITES, decide, mustFetch, type Decision, type Snapshot } from "./decide.ts";
import type { SyncChange, SyncDeps, SyncEventRef, SyncHooks } from "./hooks.ts";
import { KINDS, TABLES, isMissing, type MirrorKind, type StripeObject } from "./kinds.ts";

// Before the transaction: read what is stored, decide, and make every Stripe call the writes
// will need. Nothing here writes.

export interface ApplyContext {
  deps: SyncDeps;
  hooks: SyncHooks;
  event: SyncEventRef;
  /** Version (ms) to give `object` fetched now: a lower bound of the current second in the
   * object's own time (its test clock's, or Stripe's) — see `FetchVersions`. Called before the
   * fetch when the object is known already. */
  fetchVersion: (kind: MirrorKind, object: StripeObject) => Promise<number>;
  /** Fetch unknown parents (customer, subscription, invoice, charge, price, product). */
  fetchParents?: boolean;
}

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
  stored: StoredVersion | null,
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

export const keyOf = (s: { kind: string; object: { id: string } }) => `${s.kind}:${s.object.id}`;

export function childList(o: StripeObject, field: "items" | "lines") {
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
 * Decides what each snapshot does under the version guard, resolves same-second ties (and
 * untrusted snapshots) by fetching, fetches unknown parents (planned first), completes partial
 * child lists, and pulls customer balance transactions when a balance moved. Never writes.
 */
export async function plan(ctx: ApplyContext, snaps: Snapshot[]): Promise<PlannedWrite[]> {
  const { db, stripe } = ctx.deps;
  const out: PlannedWrite[] = [];
  const planned = new Set<string>();

  const fetched = async (kind: Snapshot["kind"], object: StripeObject): Promise<Snapshot> => ({
    kind,
    object,
    version: await ctx.fetchVersion(kind, object),
    eventId: null,
    tombstone: false,
    fromFetch: true,
  });

  const add = async (initial: Snapshot, depth: number): Promise<void> => {
    const key = keyOf(initial);
    if (planned.has(key)) return;
    planned.add(key);
    let snap = initial;
    const stored = await readVersion(db, TABLES[snap.kind], snap.object.id);
    let decision = decide(stored, snap);
    if (mustFetch(decision, snap)) {
      // The version first: a bound read before the fetch is one the fetch has seen.
      const version = await ctx.fetchVersion(snap.kind, snap.object);
      const fresh = await KINDS[snap.kind].retrieve(stripe, snap.object.id, snap.object);
      // Read `stored` before fetching: the fetch has seen it (afterStored).
      const asFetched = { version, eventId: null, fromFetch: true, afterStored: true };
      if (fresh) {
        snap = { ...snap, ...asFetched, object: fresh, untrusted: false };
      } else if (KINDS[snap.kind].deletable) {
        snap = { ...snap, ...asFetched, tombstone: true };
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
    // Complete a partial child list first: the items beyond the first page have parents too.
    const children = decision === "tombstone" ? undefined : await completeChildren(stripe, snap);
    if (ctx.fetchParents !== false && !snap.tombstone && depth < 4) {
      const whole = children ? withChildren({ snap, children }) : snap.object;
      for (const parent of KINDS[snap.kind].parents(whole)) {
        if (
          planned.has(`${parent.kind}:${parent.id}`) ||
          (await rowExists(db, TABLES[parent.kind], parent.id))
        )
          continue;
        const object = await KINDS[parent.kind].retrieve(stripe, parent.id);
        if (object) await add(await fetched(parent.kind, object), depth + 1);
      }
    }
    out.push(plannedWrite(snap, decision, stored, children));

    if (decision === "insert" || decision === "update") {
      for (const related of KINDS[snap.kind].refresh?.(snap.object) ?? []) {
        if (planned.has(`${related.kind}:${related.id}`)) continue;
        const object = await KINDS[related.kind].retrieve(stripe, related.id);
        if (object) await add(await fetched(related.kind, object), depth + 1);
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
  const version = await ctx.fetchVersion("customer", { id: customerId, object: "customer" });
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
function withChildren(w: Pick<PlannedWrite, "snap" | "children">): StripeObject {
  if (!w.children) return w.snap.object;
  const field = w.snap.kind === "subscription" ? "items" : "lines";
  const list = childList(w.snap.object, field);
  return { ...w.snap.object, [field]: { ...list, data: w.children, has_more: false } };
}

/** Hook calls the plan implies, with whatever each hook prepared (async, before the tx). */
export interface PreparedHooks {
  calls: Array<{ write: number; hook: number; change: SyncChange; prepared: unknown }>;
}

export async function prepareHooks(
  ctx: ApplyContext,
  writes: PlannedWrite[],
): Promise<PreparedHooks> {
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
