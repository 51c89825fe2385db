import { createHash } from "node:crypto";
import {
  perHandle,
  preparedInsert,
  subscriptionHistory,
  webhookEvents,
  type Db,
  type SubscriptionHistoryDiscount,
  type SubscriptionHistoryItem,
} from "@folio/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { SyncChange, SyncDeps, SyncHook, SyncTx } from "../sync/hooks.ts";
import { idOf, orNull } from "../sync/kinds.ts";
import { FetchVersions } from "../sync/versions.ts";
import { refreshCustomerMovements } from "../metrics/store.ts";
import { subscriptionMrr } from "../metrics/mrr.ts";
import { INFERRED, inferredPast } from "./subscription-history-backfill.ts";
import {
  collapse,
  fetchedStateAt,
  inTimeOrder,
  type Observation,
} from "./subscription-timeline.ts";

const ms = (seconds: number | null | undefined) =>
  seconds == null ? null : new Date(seconds * 1000);

type AnyDiscount = string | Stripe.Discount;

function discountDetails(
  d: AnyDiscount,
  known: ReadonlyMap<string, SubscriptionHistoryDiscount>,
): SubscriptionHistoryDiscount {
  if (typeof d === "string") {
    return (
      known.get(d) ?? {
        id: d,
        couponId: null,
        percentOff: null,
        amountOff: null,
        currency: null,
        duration: null,
        end: null,
      }
    );
  }
  const coupon = d.source?.coupon ?? null;
  const c = coupon && typeof coupon !== "string" ? coupon : null;
  return {
    id: d.id,
    couponId: idOf(coupon),
    percentOff: c?.percent_off ?? null,
    amountOff: c?.amount_off ?? null,
    currency: c?.currency ?? null,
    duration: c?.duration ?? null,
    end: d.end,
  };
}

function allDiscounts(sub: Stripe.Subscription): AnyDiscount[] {
  return [...(sub.discounts ?? []), ...sub.items.data.flatMap((i) => i.discounts ?? [])];
}

export interface SubscriptionSnapshot {
  stripeCustomerId: string;
  status: string;
  currency: string;
  items: SubscriptionHistoryItem[];
  interval: string | null;
  intervalCount: number | null;
  discounts: SubscriptionHistoryDiscount[];
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
  paused: boolean;
  fingerprint: string;
}

/** Equal fingerprints, same state. Discounts count by id: a discount's coupon and end never
 * change, so its terms (known or not yet) cannot tell two states apart. */
function fingerprintOf(s: Omit<SubscriptionSnapshot, "fingerprint" | "stripeCustomerId">): string {
  const material = {
    status: s.status,
    currency: s.currency,
    // Key order fixed here: rows read back from JSON columns may order keys differently.
    items: s.items.map((i) => [
      i.subscriptionItemId,
      i.priceId,
      i.productId,
      i.quantity,
      i.unitAmount,
      i.interval,
      i.intervalCount,
    ]),
    discounts: s.discounts.map((d) => d.id),
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    cancelAt: s.cancelAt?.getTime() ?? null,
    canceledAt: s.canceledAt?.getTime() ?? null,
    endedAt: s.endedAt?.getTime() ?? null,
    trialEnd: s.trialEnd?.getTime() ?? null,
    paused: s.paused,
  };
  return createHash("sha256").update(JSON.stringify(material)).digest("hex");
}

/**
 * The revenue-relevant state of a subscription. Period boundaries and metadata are left out on
 * purpose: a renewal or a note is not a change in what the customer pays.
 */
export function snapshotSubscription(
  sub: Stripe.Subscription,
  knownDiscounts: ReadonlyMap<string, SubscriptionHistoryDiscount> = new Map(),
): SubscriptionSnapshot {
  const items: SubscriptionHistoryItem[] = sub.items.data
    .map((item) => ({
      subscriptionItemId: item.id,
      priceId: item.price.id,
      productId: idOf(item.price.product) ?? "",
      quantity: item.quantity ?? 1,
      unitAmount: item.price.unit_amount,
      interval: item.price.recurring?.interval ?? "month",
      intervalCount: item.price.recurring?.interval_count ?? 1,
      usageType:
        item.price.recurring?.usage_type === "metered"
          ? ("metered" as const)
          : ("licensed" as const),
    }))
    .sort((a, b) => a.subscriptionItemId.localeCompare(b.subscriptionItemId));
  const state = {
    status: sub.status,
    currency: sub.currency,
    items,
    interval: items[0]?.interval ?? null,
    intervalCount: items[0]?.intervalCount ?? null,
    discounts: allDiscounts(sub)
      .map((d) => discountDetails(d, knownDiscounts))
      .sort((a, b) => a.id.localeCompare(b.id)),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: ms(sub.cancel_at),
    canceledAt: ms(sub.canceled_at),
    endedAt: ms(sub.ended_at),
    trialEnd: ms(sub.trial_end),
    paused: sub.pause_collection != null || sub.status === "paused",
  };
  return {
    stripeCustomerId: idOf(sub.customer) ?? "",
    ...state,
    fingerprint: fingerprintOf(state),
  };
}

type HistoryRow = typeof subscriptionHistory.$inferSelect;

function snapshotOfRow(r: HistoryRow): SubscriptionSnapshot {
  const state = {
    status: r.status,
    currency: r.currency,
    items: r.items,
    interval: r.interval,
    intervalCount: r.intervalCount,
    discounts: r.discounts,
    cancelAtPeriodEnd: r.cancelAtPeriodEnd,
    cancelAt: r.cancelAt,
    canceledAt: r.canceledAt,
    endedAt: r.endedAt,
    trialEnd: r.trialEnd,
    paused: r.paused,
  };
  return { stripeCustomerId: r.stripeCustomerId, ...state, fingerprint: fingerprintOf(state) };
}

// Every subscription event reads and writes these: prepared once per handle (see perHandle).
const statements = perHandle((db: Db) => {
  const p = (name: string) => sql.placeholder(name);
  return {
    appliedEventsOf: db
      .select({
        id: webhookEvents.id,
        type: webhookEvents.type,
        created: webhookEvents.created,
        payload: webhookEvents.payload,
      })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.objectId, p("objectId")), eq(webhookEvents.status, "applied")))
      .prepare(),
    historyOf: db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.subscriptionId, p("subscriptionId")))
      .prepare(),
  };
});
const insertHistoryRow = preparedInsert(subscriptionHistory, ["id"]);

/** The subscription events of `subscriptionId` applied so far, as observations. Events whose
 * payload retention dropped (and any not readable) are left to the rows they made. */
async function inboxObservations(
  tx: SyncTx,
  subscriptionId: string,
  known: ReadonlyMap<string, SubscriptionHistoryDiscount>,
): Promise<Observation[]> {
  const rows = await statements(tx).appliedEventsOf.all({ objectId: subscriptionId });
  const out: Observation[] = [];
  for (const row of rows) {
    if (!row.type.startsWith("customer.subscription.")) continue;
    try {
      const event = JSON.parse(row.payload) as {
        data?: { object?: Stripe.Subscription; previous_attributes?: Record<string, unknown> };
      };
      const object = event.data?.object;
      // A payload listing only some items (has_more) does not say the whole state: the row its
      // apply wrote, with the complete list, stands for it.
      if (object?.object !== "subscription" || !object.items || object.items.has_more) continue;
      out.push({
        at: row.created.getTime(),
        snap: snapshotSubscription(object, known),
        eventId: row.id,
        eventType: row.type,
        ...(event.data?.previous_attributes
          ? {
              before: snapshotSubscription({ ...object, ...event.data.previous_attributes })
                .fingerprint,
            }
          : {}),
      });
    } catch {
      // Not JSON (or pruned to "{}", skipped above): its row, if any, stands for it.
    }
  }
  return out;
}

const discountTerms = (ds: SubscriptionHistoryDiscount[]) =>
  JSON.stringify(
    ds.map((d) => [d.id, d.couponId, d.percentOff, d.amountOff, d.currency, d.duration, d.end]),
  );

/** Does the stored row (matched by event, or by time and state) already say what `w` says?
 * Not compared as JSON text: PostgreSQL's jsonb reorders keys. */
const sameRow = (
  row: HistoryRow,
  w: SubscriptionSnapshot & { eventType: string; mrr: number },
): boolean =>
  row.fingerprint === w.fingerprint &&
  row.mrr === w.mrr &&
  row.eventType === w.eventType &&
  row.stripeCustomerId === w.stripeCustomerId &&
  discountTerms(row.discounts) === discountTerms(w.discounts);

const rowKey = (eventId: string | null, at: number, fingerprint: string) =>
  eventId ?? `fetch:${at}:${fingerprint}`;

/**
 * Rewrites the subscription's history from everything known of it: the applied events in the
 * inbox, the rows already written (for fetched states, and events whose payloads were pruned),
 * and `extra`. Rows are changed only where the result differs.
 */
async function rebuildHistory(
  tx: SyncTx,
  subscriptionId: string,
  extra: Observation[],
  prepared: ReadonlyMap<string, SubscriptionHistoryDiscount>,
  now: Date,
  origin: Stripe.Subscription,
): Promise<void> {
  const rows = await statements(tx).historyOf.all({ subscriptionId });
  // Coupon terms learnt once serve every state that had the discount.
  const known = new Map(prepared);
  for (const r of rows)
    for (const d of r.discounts) if (d.couponId !== null && !known.has(d.id)) known.set(d.id, d);
  const withTerms = (snap: SubscriptionSnapshot): SubscriptionSnapshot => ({
    ...snap,
    discounts: snap.discounts.map((d) => known.get(d.id) ?? d),
  });

  const observations = await inboxObservations(tx, subscriptionId, known);
  const told = new Set(observations.map((o) => o.eventId));
  for (const o of extra) {
    if (o.eventId !== null && told.has(o.eventId)) continue;
    observations.push({ ...o, snap: withTerms(o.snap) });
    told.add(o.eventId);
  }
  for (const r of rows) {
    // Inferred states are derived again below from what is known now.
    if (r.eventType === INFERRED) continue;
    if (r.eventId !== null && told.has(r.eventId)) continue;
    observations.push({
      at: r.effectiveAt.getTime(),
      snap: withTerms(snapshotOfRow(r)),
      eventId: r.eventId,
      eventType: r.eventType,
    });
  }

  if (!observations.some((o) => o.eventType === "customer.subscription.created")) {
    const earliest = inTimeOrder(observations)[0];
    if (earliest)
      observations.push(
        ...inferredPast(
          {
            startDate: origin.start_date * 1000,
            trialStart: ms(origin.trial_start)?.getTime() ?? null,
          },
          earliest,
          (state) => ({
            stripeCustomerId: earliest.snap.stripeCustomerId,
            ...state,
            fingerprint: fingerprintOf(state),
          }),
        ),
      );
  }

  const existing = new Map(
    rows.map((r) => [rowKey(r.eventId, r.effectiveAt.getTime(), r.fingerprint), r]),
  );
  const wanted = collapse(observations).map((o) => ({
    subscriptionId,
    eventId: o.eventId,
    eventType: o.eventType,
    ...o.snap,
    mrr: subscriptionMrr(o.snap, o.at),
    effectiveAt: new Date(o.at),
  }));
  // Rows of one second read in id order: one that must come after a row written now is
  // written again after it.
  const gone = new Map(rows.map((r) => [r.id, r]));
  const inserts: typeof wanted = [];
  const updates: Array<{ id: number; w: (typeof wanted)[number] }> = [];
  let prev = null as { at: number; id: number } | null;
  for (const w of wanted) {
    const at = w.effectiveAt.getTime();
    const row = existing.get(rowKey(w.eventId, at, w.fingerprint));
    if (!row || (prev?.at === at && row.id < prev.id)) {
      inserts.push(w);
      prev = { at, id: Infinity };
      continue;
    }
    gone.delete(row.id);
    if (!sameRow(row, w)) updates.push({ id: row.id, w });
    prev = { at, id: row.id };
  }
  if (gone.size > 0)
    await tx.delete(subscriptionHistory).where(inArray(subscriptionHistory.id, [...gone.keys()]));
  for (const { id, w } of updates)
    await tx
      .update(subscriptionHistory)
      .set({ ...w, recordedAt: now })
      .where(eq(subscriptionHistory.id, id));
  for (const w of inserts) await insertHistoryRow(tx, { ...w, recordedAt: now });
}

interface Prepared {
  /** Coupon terms behind the subscription's discount ids. */
  discounts: SubscriptionHistoryDiscount[];
  /** When the stored state began, if it was seen in a fetch; null when it is the event's own. */
  fetchedAt: number | null;
  /** The event's own state, readable in its inbox payload: `observe`, which runs after the
   * event is marked applied in the same transaction, rebuilds from it. */
  observed?: boolean;
}

/** Is `change` the object its event carried (rather than one fetched while applying it)?
 * "inbox": yes, and the event's inbox payload says so (its `observe` will read it). */
async function isEventsOwn(
  { db }: SyncDeps,
  change: SyncChange,
): Promise<false | "inbox" | "direct"> {
  if (change.event.id === null) return false;
  let object: Stripe.Subscription | undefined;
  if (change.event.carried !== undefined) {
    // Applying from the inbox: the payload is parsed already.
    object = change.event.carried as Stripe.Subscription;
  } else {
    const row = await db
      .select({ payload: webhookEvents.payload })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, change.event.id))
      .get();
    // Not from the inbox (a hook driven directly): the event is what told us.
    if (!row) return "direct";
    try {
      object = (JSON.parse(row.payload) as { data?: { object?: Stripe.Subscription } }).data
        ?.object;
    } catch {
      return false;
    }
  }
  // A partial payload cannot be compared; taken as a fetch, the state is dated no earlier
  // than it began either way.
  return object?.id === change.object.id &&
    object.items !== undefined &&
    !object.items.has_more &&
    (object === change.object ||
      snapshotSubscription(object).fingerprint ===
        snapshotSubscription(change.object as Stripe.Subscription).fingerprint)
    ? "inbox"
    : false;
}

/** Discounts Stripe no longer shows on the subscription (a repeating coupon ran out, or it was
 * removed) are found in the `customer.discount.*` events Folio received for them. */
async function discountsFromInbox(
  { db }: SyncDeps,
  ids: string[],
): Promise<Map<string, Stripe.Discount>> {
  const out = new Map<string, Stripe.Discount>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ type: webhookEvents.type, payload: webhookEvents.payload })
    .from(webhookEvents)
    .where(inArray(webhookEvents.objectId, ids));
  for (const row of rows) {
    if (!row.type.startsWith("customer.discount.")) continue;
    try {
      const d = (JSON.parse(row.payload) as { data?: { object?: Stripe.Discount } }).data?.object;
      if (d?.object === "discount") out.set(d.id, d);
    } catch {
      // Pruned payload: the terms stay unknown.
    }
  }
  return out;
}

async function couponTerms(
  deps: SyncDeps,
  sub: Stripe.Subscription,
): Promise<SubscriptionHistoryDiscount[]> {
  const { stripe } = deps;
  // Webhook payloads carry discounts as ids; MRR needs the coupon terms behind them.
  const asIds = allDiscounts(sub).filter((d): d is string => typeof d === "string");
  if (asIds.length === 0) return [];
  // Stripe expands at most four levels: item discounts' coupons would be five, so they are
  // retrieved separately, once per coupon.
  const full = await stripe.subscriptions.retrieve(sub.id, {
    expand: ["discounts.source.coupon", "items.data.discounts"],
  });
  const coupons = new Map<string, Promise<Stripe.Coupon | null>>();
  const withCoupon = async (d: Stripe.Discount): Promise<Stripe.Discount> => {
    const id = d.source?.coupon;
    if (typeof id !== "string") return d;
    let retrieved = coupons.get(id);
    if (!retrieved) coupons.set(id, (retrieved = orNull(stripe.coupons.retrieve(id))));
    // A coupon deleted since keeps its id in the history, without terms.
    const coupon = await retrieved;
    return coupon ? { ...d, source: { ...d.source, coupon } } : d;
  };
  const current = allDiscounts(full).filter((d): d is Stripe.Discount => typeof d !== "string");
  const gone = await discountsFromInbox(
    deps,
    asIds.filter((id) => !current.some((d) => d.id === id)),
  );
  const discounts = await Promise.all([...current, ...gone.values()].map(withCoupon));
  return discounts.map((d) => discountDetails(d, new Map()));
}

/**
 * Subscription history that is the same whatever order Folio learns things in. Every subscription
 * event says what the subscription was at the event's time — also a stale or duplicate one, which
 * changes nothing stored (`observe`). A state Folio only saw in a fetch (a tie, a missing parent,
 * a backfill, the write path) is dated by the times Stripe records on the object, never earlier
 * than it began (`fetchedStateAt`). The history is rebuilt from all of it at each step; see
 * subscription-timeline.ts.
 */
export const subscriptionHistoryHook: SyncHook = {
  types: ["subscription"],
  async prepare(deps: SyncDeps, change: SyncChange): Promise<Prepared | null> {
    if (change.type !== "subscription") return null;
    const discounts = await couponTerms(deps, change.object);
    const own = await isEventsOwn(deps, change);
    if (own) return { discounts, fetchedAt: null, observed: own === "inbox" };
    // Backfills and the write path pass the fetch's version; while applying an event, ask
    // Stripe how far its time (the object's test clock's, or its own) has got since the fetch.
    const upper =
      change.event.id === null
        ? change.event.created.getTime()
        : await new FetchVersions(deps, { askStripe: true }).of("subscription", change.object);
    return { discounts, fetchedAt: fetchedStateAt(change.object, change.previous, upper) };
  },
  async write(tx, change, prepared) {
    if (change.type !== "subscription") return;
    const p = (prepared as Prepared | null) ?? { discounts: [], fetchedAt: null };
    // Rebuilding here too would be done again by `observe` to the same rows (the event is then
    // an applied inbox observation) — unless coupon terms fetched by `prepare` must be kept.
    if (p.observed === true && p.discounts.length === 0) return;
    const own = p.fetchedAt === null;
    await rebuildHistory(
      tx,
      change.object.id,
      [
        {
          at: own ? change.event.created.getTime() : (p.fetchedAt ?? 0),
          snap: snapshotSubscription(change.object),
          eventId: own ? change.event.id : null,
          eventType: own || change.event.id === null ? change.event.type : "sync",
        },
      ],
      new Map(p.discounts.map((d) => [d.id, d])),
      change.clock.now(),
      change.object,
    );
    await refreshCustomerMovements(tx, idOf(change.object.customer) ?? "");
  },
  async observe(tx, observation) {
    if (observation.type !== "subscription") return;
    await rebuildHistory(
      tx,
      observation.object.id,
      [],
      new Map(),
      observation.clock.now(),
      observation.object,
    );
    await refreshCustomerMovements(tx, idOf(observation.object.customer) ?? "");
  },
};
