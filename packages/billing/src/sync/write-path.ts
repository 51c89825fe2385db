import { inTransaction, withTransaction, type Tx } from "@folio/db";
import { eq } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { audit, type AuditEntry } from "../audit/audit.ts";
import { applySnapshots } from "./apply.ts";
import type { Snapshot } from "./decide.ts";
import type { SyncDeps, SyncHooks } from "./hooks.ts";
import { KINDS, TABLES, type MirrorKind } from "./kinds.ts";
import type { ApplyContext } from "./plan.ts";
import { FetchVersions } from "./versions.ts";
import { PlanConflictError } from "./write.ts";

// The Stripe write path: a Folio command calls Stripe, then stores the object Stripe returned
// through the same version guard and hooks as webhooks, with its own records and audit row, in
// one transaction. The screen shows the result at once; the webhook that follows converges.

const KIND_OF_OBJECT = new Map<string, MirrorKind>(
  Object.values(KINDS).map((k) => [k.object, k.kind]),
);

export interface StoreStripeResultInput {
  /** What the Stripe API call returned (a Stripe object Folio mirrors, or a `deleted: true` stub
   * from a delete call). */
  object: { id: string; object: string; deleted?: unknown };
  actor: Actor;
  /** The audit row to write with it (`at` defaults to the clock's now). */
  audit?: Omit<AuditEntry, "at"> & { at?: Date };
  /** Folio's own writes for the same command, in the same transaction (no network here). */
  also?: (tx: Tx) => Promise<void>;
}

/**
 * Stores the object a Stripe API call just returned, plus the command's audit row and `also`
 * writes, in one transaction. Call it after the Stripe call and outside any transaction (it may
 * call Stripe: the version, a same-second tie, a missing parent).
 *
 * The object is versioned like a fetch: at a lower bound of Stripe's current second. It is not
 * taken to have seen what is stored (`afterStored` false): the store is read after the call
 * returned, and an event of the same second applied meanwhile may be newer than it — such a tie
 * is settled by fetching the object again. Whatever is stored newer is kept; the audit row and
 * `also` are written either way (the command did happen).
 */
export async function storeStripeResult(
  deps: SyncDeps & { hooks: SyncHooks },
  input: StoreStripeResultInput,
): Promise<void> {
  if (inTransaction(deps.db)) {
    throw new Error(
      "storeStripeResult may call Stripe: call it outside withTransaction and pass the command's writes as `also`",
    );
  }
  const kind = KIND_OF_OBJECT.get(input.object.object);
  if (!kind) throw new Error(`storeStripeResult: Folio does not mirror "${input.object.object}"`);
  const versions = new FetchVersions(deps, { askStripe: true });
  const version = await versions.of(kind, input.object);
  const ctx: ApplyContext = {
    deps,
    hooks: deps.hooks,
    event: { id: null, type: "api", created: new Date(version) },
    fetchVersion: (k, o) => versions.of(k, o),
  };
  const inTx = {
    after: async (tx: Tx) => {
      if (input.audit) {
        await audit(tx, input.actor, { ...input.audit, at: input.audit.at ?? deps.clock.now() });
      }
      await input.also?.(tx);
    },
  };

  for (let attempt = 1; ; attempt++) {
    const snap = await snapshotOf(deps, kind, input.object, version);
    try {
      if (snap) await applySnapshots(ctx, [snap], inTx);
      else await withTransaction(deps.db, inTx.after);
      return;
    } catch (err) {
      // Another writer stored the object between our plan and our write: plan again.
      if (err instanceof PlanConflictError && attempt < 3) continue;
      throw err;
    }
  }
}

/** The snapshot to store, or null for a deletion of something the mirror never held. */
async function snapshotOf(
  deps: SyncDeps,
  kind: MirrorKind,
  object: StoreStripeResultInput["object"],
  version: number,
): Promise<Snapshot | null> {
  const base = { kind, version, eventId: null, fromFetch: true } as const;
  if (object.deleted !== true) {
    return { ...base, object, tombstone: false };
  }
  // A delete call answers with a stub: the tombstone keeps the content last stored.
  const t = TABLES[kind] as unknown as typeof TABLES.customer;
  const row = await deps.db.select({ raw: t.raw }).from(t).where(eq(t.id, object.id)).get();
  return row ? { ...base, object: row.raw, tombstone: true } : null;
}
