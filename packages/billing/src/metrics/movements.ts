import type { MrrMovementKind } from "@folio/db";
import type { MetricSettings, MrrSnapshot } from "./api.ts";
import { discountEnds, subscriptionMrr } from "./mrr.ts";

// A customer's MRR movements as a pure function of its subscriptions' history (docs/METRICS.md,
// "Movements"). store.ts writes the result to mrr_movements each time one of the customer's
// subscriptions changes; nothing here reads the database.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** One subscription_history row, as much as the timeline needs. */
export interface HistoryState extends MrrSnapshot {
  subscriptionId: string;
  effectiveAt: number;
  /** Orders rows of the same millisecond (a later row is the later state). */
  id: number;
}

export interface MrrStep {
  at: number;
  mrr: number;
}

/**
 * When the subscription's MRR changed and to what, from its history rows: each row's MRR at its
 * own time, plus the changes no event marks — a repeating discount running out, and (with the
 * setting) a past_due subscription churning N days after it went past_due.
 */
export function subscriptionSteps(rows: HistoryState[], settings: MetricSettings): MrrStep[] {
  const sorted = [...rows].sort((a, b) => a.effectiveAt - b.effectiveAt || a.id - b.id);
  const points: MrrStep[] = [];
  let pastDueSince: number | null = null;
  sorted.forEach((row, i) => {
    const from = row.effectiveAt;
    const until = sorted[i + 1]?.effectiveAt ?? Infinity;
    pastDueSince = row.status === "past_due" ? (pastDueSince ?? from) : null;
    const cutoff =
      pastDueSince !== null && settings.pastDueChurnDays !== null
        ? pastDueSince + settings.pastDueChurnDays * DAY
        : Infinity;
    const valueAt = (t: number) => (t >= cutoff ? 0 : subscriptionMrr(row, t, settings));
    const times = [from, ...discountEnds(row, from), cutoff].filter(
      (t) => t >= from && t < until && t !== Infinity,
    );
    for (const t of [...new Set(times)].sort((a, b) => a - b))
      points.push({ at: t, mrr: valueAt(t) });
  });
  // Only changes: MRR starts at 0, and a later point of the same instant replaces an earlier one.
  const steps: MrrStep[] = [];
  let value = 0;
  points.forEach((p, i) => {
    if (points[i + 1]?.at === p.at || p.mrr === value) return;
    steps.push(p);
    value = p.mrr;
  });
  return steps;
}

export interface Movement {
  currency: string;
  at: number;
  kind: MrrMovementKind;
  amount: number;
  mrrBefore: number;
  mrrAfter: number;
  /** When this paying spell began: the latest new or reactivation movement, this one included. */
  payingSince: number;
  subscriptionIds: string[];
  subscriptionsAfter: string[];
}

/**
 * The customer's movements per currency: the customer's MRR is the sum of its subscriptions';
 * changes within one clock hour (UTC) net into one movement dated by the hour's last change.
 * 0 → x is new the first time the customer pays in that currency and reactivation after; x → 0
 * is churn (only when nothing is left); otherwise expansion or contraction.
 */
export function customerMovements(
  subscriptions: Map<string, { currency: string; rows: HistoryState[] }>,
  settings: MetricSettings,
): Movement[] {
  const byCurrency = new Map<string, Array<{ sub: string; step: MrrStep }>>();
  for (const [sub, { currency, rows }] of subscriptions) {
    const list = byCurrency.get(currency) ?? [];
    for (const step of subscriptionSteps(rows, settings)) list.push({ sub, step });
    byCurrency.set(currency, list);
  }
  const out: Movement[] = [];
  for (const [currency, changes] of byCurrency) {
    changes.sort((a, b) => a.step.at - b.step.at || a.sub.localeCompare(b.sub));
    const current = new Map<string, number>();
    const total = () => [...current.values()].reduce((s, v) => s + v, 0);
    let everPaid = false;
    let payingSince = 0;
    for (let i = 0; i < changes.length;) {
      const hour = Math.floor(changes[i]!.step.at / HOUR);
      const before = new Map(current);
      const mrrBefore = total();
      let last = changes[i]!.step.at;
      for (; i < changes.length && Math.floor(changes[i]!.step.at / HOUR) === hour; i++) {
        const { sub, step } = changes[i]!;
        current.set(sub, step.mrr);
        last = step.at;
      }
      const mrrAfter = total();
      if (mrrAfter === mrrBefore) continue;
      const kind: MrrMovementKind =
        mrrBefore === 0
          ? everPaid
            ? "reactivation"
            : "new"
          : mrrAfter === 0
            ? "churn"
            : mrrAfter > mrrBefore
              ? "expansion"
              : "contraction";
      everPaid = true;
      if (mrrBefore === 0) payingSince = last;
      const changed = [...current.keys()].filter((s) => (before.get(s) ?? 0) !== current.get(s));
      out.push({
        currency,
        at: last,
        kind,
        amount: mrrAfter - mrrBefore,
        mrrBefore,
        mrrAfter,
        payingSince,
        subscriptionIds: changed.sort(),
        subscriptionsAfter: [...current.entries()]
          .filter(([, v]) => v > 0)
          .map(([s]) => s)
          .sort(),
      });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.currency.localeCompare(b.currency));
}
