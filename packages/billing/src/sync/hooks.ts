import type { Db, Tx } from "@folio/db";
import type Stripe from "stripe";
import type { Clock } from "../clock.ts";

/** The transaction handle the sync engine passes to `write`; everything written through it commits
 * (or rolls back) together with the mirror rows and the inbox event's `applied` mark (or, on the
 * write path, the caller's audit row and own records). */
export type SyncTx = Tx;

export interface SyncDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}

/** Stripe object type for each kind of change hooks are told about. */
export interface SyncObjectMap {
  "checkout.session": Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
  charge: Stripe.Charge;
  refund: Stripe.Refund;
  dispute: Stripe.Dispute;
  customer_balance_transaction: Stripe.CustomerBalanceTransaction;
  customer: Stripe.Customer;
}

export type SyncChangeType = keyof SyncObjectMap;

/** What caused the change. For webhook events `id` is the event id and `created` the event's
 * creation time; for backfills/fetches `id` is null, `type` is "sync" and `created` the fetch time;
 * for the Stripe write path (`storeStripeResult`) `id` is null and `type` is "api". */
export interface SyncEventRef {
  id: string | null;
  type: string;
  created: Date;
  /** Applying an inbox event: the object its payload carried, as parsed. A change whose `object`
   * is this very object is the event's own state (not a fetch). */
  carried?: unknown;
}

/**
 * One mirror row that actually changed (created or updated; never a stale/no-op snapshot).
 * `object` is the version now stored; `previous` the version stored before (null when new).
 * Hooks are called for every changed object of a hooked type, whatever caused it: the event's
 * own object, a parent fetched because it was missing, a tie-break fetch, a backfill, or an
 * object a Folio command got back from Stripe (the write path). A hook may therefore see the
 * same state more than once (a crash before commit, a backfill that finds a newer version, the
 * webhook that follows a write-path store); it must be idempotent (unique keys, upserts).
 */
export type SyncChange = {
  [K in SyncChangeType]: {
    type: K;
    object: SyncObjectMap[K];
    previous: SyncObjectMap[K] | null;
    /** Set when the object was deleted in Stripe (customers; invoice drafts). `object` is its
     * last snapshot. */
    deleted?: boolean;
    event: SyncEventRef;
    clock: Clock;
  };
}[SyncChangeType];

/**
 * A webhook event as delivered, told to hooks whatever the version guard made of it: a stale or
 * duplicate event changes nothing stored, yet still says what its object was at its own time.
 */
export type SyncObservation = {
  [K in SyncChangeType]: {
    type: K;
    /** The object as the event carried it. */
    object: SyncObjectMap[K];
    event: { id: string; type: string; created: Date };
    clock: Clock;
  };
}[SyncChangeType];

/**
 * Derived-record writers (orders, shipping tasks, credit ledger, subscription history…).
 * `prepare` runs before the transaction and may call Stripe (e.g. list a checkout session's line
 * items); it must not write to the database. `write` runs inside the one transaction that also
 * writes the mirror rows and marks the event applied (or stores a write-path result): it awaits
 * its statements through `tx` only, and never calls Stripe or anything else over the network —
 * on SQLite the open transaction holds the only connection, on PostgreSQL it holds row and
 * advisory locks. If either throws, nothing of the change is kept (the event is retried with
 * backoff). See docs/sync.md for the rules hooks keep.
 *
 * The apply worker on SQLite applies several inbox events in one transaction, each under its own
 * savepoint (webhooks/apply.ts `applyInboxBatch`): `write` and `observe` are still called once per
 * change inside the transaction, and an event whose hooks throw is rolled back alone. There
 * `prepare` runs inside that transaction with a Stripe client that throws `NeedsStripeError` on
 * any call; the event is then applied on its own, with the real client. So a `prepare` that
 * catches Stripe errors must rethrow that one (`needsStripe(err)`).
 */
export interface SyncHook {
  /** Change types this hook wants; omitted = all. */
  types?: readonly SyncChangeType[];
  prepare?(deps: SyncDeps, change: SyncChange): Promise<unknown>;
  write(tx: SyncTx, change: SyncChange, prepared: unknown): Promise<void>;
  /** Inbox events only: runs in the apply transaction after the event is marked applied (so it
   * reads as applied there), for every event of the hook's types. Same rules as `write`. */
  observe?(tx: SyncTx, observation: SyncObservation): Promise<void>;
}

export type SyncHooks = readonly SyncHook[];

export const noHooks: SyncHooks = [];
