import type { MirrorKind, StripeObject } from "./kinds.ts";

// The version guard, with no database and no network: what one snapshot does to what is stored.
// docs/sync.md has the same rules as a table.

/** One version of one object, from an event, from the API, or from a Folio command's result. */
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

/** The stored version of the object, as the guard needs it (`raw` may be parsed lazily). */
export interface StoredState {
  versionTs: Date;
  versionEventId: string | null;
  deletedAt: Date | null;
  readonly raw: unknown;
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

/** Decisions that write the mirror row. */
export const WRITES: ReadonlySet<Decision> = new Set(["insert", "update", "touch", "tombstone"]);
/** Decisions hooks are told about (a touch changes no content). */
export const CHANGES: ReadonlySet<Decision> = new Set(["insert", "update", "tombstone"]);

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
export function sameContent(a: unknown, b: unknown): boolean {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x === y || (x.length === y.length && canonical(a) === canonical(b));
}

/** The stored version's second, in ms. A fetched row has no event id; those written before
 * fetches were versioned at their second were stored at its end (`.999`): the same second. */
function storedSecond(stored: StoredState): number {
  const v = stored.versionTs.getTime();
  return stored.versionEventId === null ? v - (v % 1000) : v;
}

export function decide(stored: StoredState | null, snap: Snapshot): Decision {
  if (!stored) return snap.tombstone ? "tombstone" : "insert";
  if (stored.deletedAt) return "skip_tombstoned";
  if (snap.tombstone) return "tombstone";
  if (snap.eventId !== null && stored.versionEventId === snap.eventId) return "skip_same";
  const storedV = storedSecond(stored);
  if (snap.version < storedV) return "skip_stale";
  // Same second: seconds cannot order two changes, and a fetch cannot outrank an event of its
  // second it may not have seen (the change may come after the fetch). Fetch again: the API is
  // the truth. Only two fetches are ordered (the later one is applied later).
  if (
    snap.version === storedV &&
    !(snap.fromFetch && (snap.afterStored || stored.versionEventId === null))
  )
    return "tie";
  // Events announce changes: applying the same content again is harmless, so only fetched
  // snapshots (backfills, where "unchanged" is reported) pay for a content comparison.
  if (!snap.fromFetch) return "update";
  return sameContent(stored.raw, snap.object) ? "touch" : "update";
}

/**
 * The decision cannot stand on this snapshot: fetch the object and decide again. Same-second
 * ties, and snapshots from another API version that would be stored (their shape may differ
 * from what the columns read; a deletion needs no shape).
 */
export function mustFetch(decision: Decision, snap: Snapshot): boolean {
  return (
    decision === "tie" ||
    (snap.untrusted === true && (decision === "insert" || decision === "update"))
  );
}

/**
 * The write re-checks its plan inside the transaction: true when the store still leads to the
 * planned decision (a planned touch that finds this very version stored is harmless).
 */
export function stillHolds(planned: Decision, again: Decision): boolean {
  return again === planned || (planned === "touch" && again === "skip_same");
}
