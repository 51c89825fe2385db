import type Stripe from "stripe";
import { INFERRED } from "./subscription-history-backfill.ts";
import type { SubscriptionSnapshot } from "./subscription-history.ts";

// A subscription's history as a pure function of what Folio has been told about it, so the same
// facts give the same history whatever order they came in. Each fact is an observation: "at time
// T the subscription was in state S". An event's payload is the state at the event's `created`;
// a state only seen in a fetch is dated by the times Stripe records on the object (see
// `fetchedStateAt`). The history is the observations in time order with repeats folded away.

export interface Observation {
  /** When the subscription was in this state (ms). */
  at: number;
  snap: SubscriptionSnapshot;
  /** The event that carried it; null for a state seen in a fetch. */
  eventId: string | null;
  eventType: string;
  /** Fingerprint of the state the event changed (its object with its `previous_attributes`),
   * when known: it orders events of the same second. */
  before?: string;
}

const sec = (s: number | null | undefined) => (s == null ? null : s * 1000);

/**
 * When a state seen in a fetch began, never earlier than it did: the times Stripe recorded for
 * each material difference from `previous` (the state stored before; null on first sight) — a
 * cancellation's `ended_at`, a scheduled cancel's `canceled_at`, a trial's `trial_end`, a new
 * item's `created`, an item's new period's `current_period_start`. Any difference Stripe keeps no
 * time for dates the state at `upper` instead: a bound of when it was fetched in the object's
 * own time, which it cannot have begun after.
 */
export function fetchedStateAt(
  sub: Stripe.Subscription,
  previous: Stripe.Subscription | null,
  upper: number,
): number {
  const times: number[] = [];
  const explain = (t: number | null) => {
    if (t === null || t > upper) return false;
    times.push(t);
    return true;
  };
  const ended = sub.status === "canceled" || sub.status === "incomplete_expired";
  // Nothing about a subscription changes once it has ended.
  if (ended && explain(sec(sub.ended_at ?? sub.canceled_at))) return Math.max(...times);
  if (!previous) return upper;

  let explained = true;
  const need = (ok: boolean) => void (explained &&= ok);
  if (sub.status !== previous.status) {
    need(previous.status === "trialing" && explain(sec(sub.trial_end)));
  } else if (sub.trial_end !== previous.trial_end) {
    need(false);
  }
  if (
    sub.cancel_at_period_end !== previous.cancel_at_period_end ||
    sub.cancel_at !== previous.cancel_at ||
    sub.canceled_at !== previous.canceled_at
  ) {
    // Scheduling a cancellation stamps `canceled_at`; undoing one leaves no time behind.
    need((sub.cancel_at_period_end || sub.cancel_at !== null) && explain(sec(sub.canceled_at)));
  }
  const before = new Map(previous.items.data.map((i) => [i.id, i]));
  for (const item of sub.items.data) {
    const old = before.get(item.id);
    before.delete(item.id);
    if (!old) need(explain(sec(item.created)));
    else if (item.price.id !== old.price.id || item.quantity !== old.quantity)
      need(
        item.current_period_start !== old.current_period_start &&
          explain(sec(item.current_period_start)),
      );
  }
  if (before.size > 0) need(false);
  const discountIds = (s: Stripe.Subscription) =>
    JSON.stringify(
      [...(s.discounts ?? []), ...s.items.data.flatMap((i) => i.discounts ?? [])]
        .map((d) => (typeof d === "string" ? d : d.id))
        .sort(),
    );
  if (discountIds(sub) !== discountIds(previous)) need(false);
  if ((sub.pause_collection === null) !== (previous.pause_collection === null)) need(false);
  return explained && times.length > 0 ? Math.max(...times) : upper;
}

/** Did `o`'s event change the state `before`? */
const follows = (o: Observation, before: Observation | undefined) =>
  before !== undefined && o.before === before.snap.fingerprint;

// Within one second: a creation first, a cancellation last, then events before fetches.
const rank = (o: Observation) =>
  o.eventId === null
    ? 3
    : o.eventType.endsWith(".created")
      ? 0
      : o.eventType.endsWith(".deleted")
        ? 2
        : 1;

/** Observations in the order the states happened; a deterministic order for any set. */
export function inTimeOrder(observations: Observation[]): Observation[] {
  const sorted = [...observations].sort(
    (a, b) =>
      a.at - b.at ||
      rank(a) - rank(b) ||
      (a.eventId ?? "").localeCompare(b.eventId ?? "") ||
      a.snap.fingerprint.localeCompare(b.snap.fingerprint),
  );
  // Events of the same second and rank: follow the chain of previous attributes where it leads.
  const out: Observation[] = [];
  for (let i = 0; i < sorted.length;) {
    const first = sorted[i]!;
    let j = i;
    while (j < sorted.length && sorted[j]!.at === first.at && rank(sorted[j]!) === rank(first)) j++;
    const group = sorted.slice(i, j);
    while (group.length > 0) {
      const next = Math.max(
        0,
        group.findIndex((o) => follows(o, out.at(-1))),
      );
      out.push(...group.splice(next, 1));
    }
    i = j;
  }
  return out;
}

/**
 * The history: one entry per run of equal states in time order, carried by the run's first
 * event (a fetch only stands for a run no event has told of), dated by it.
 */
export function collapse(observations: Observation[]): Observation[] {
  const out: Observation[] = [];
  for (const o of inTimeOrder(observations)) {
    const current = out.at(-1);
    if (!current || current.snap.fingerprint !== o.snap.fingerprint) out.push(o);
    // An event dates the state better than a fetch's bound — not better than a time Stripe
    // recorded for it (an inferred start, see subscription-history-backfill.ts).
    else if (current.eventId === null && current.eventType !== INFERRED && o.eventId !== null)
      out[out.length - 1] = o;
  }
  return out;
}
