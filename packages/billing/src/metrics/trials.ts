import { stripeSubscriptions, subscriptionHistory, type Db } from "@folio/db";
import { and, eq, gte, inArray, isNotNull, lt } from "drizzle-orm";
import type { MetricsDeps, MetricsRange, TrialPipeline } from "./api.ts";
import { subscriptionMrr } from "./mrr.ts";
import { rangeInput } from "./series.ts";
import { resolveSettings } from "./store.ts";

const CHUNK = 500;
const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;

/** Rows grouped by subscription, each subscription's in time order. */
function inTimeOrder<R extends { subscriptionId: string; id: number; effectiveAt: Date }>(
  rows: R[],
): Map<string, R[]> {
  const by = new Map<string, R[]>();
  for (const r of rows) {
    const list = by.get(r.subscriptionId);
    if (list) list.push(r);
    else by.set(r.subscriptionId, [r]);
  }
  for (const list of by.values())
    list.sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.id - b.id);
  return by;
}

/** History rows of `ids`, each subscription's in time order. */
async function historyOf(db: Db, ids: string[]) {
  const rows: Array<typeof subscriptionHistory.$inferSelect> = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    rows.push(
      ...(await db
        .select()
        .from(subscriptionHistory)
        .where(inArray(subscriptionHistory.subscriptionId, ids.slice(i, i + CHUNK)))),
    );
  return inTimeOrder(rows);
}

interface TrialOutcomes {
  converted: number;
  lapsed: number;
  convertedIds: string[];
}

/**
 * Trials that ended in each of the consecutive periods between `bounds` (sorted; n bounds give
 * n − 1 periods) — the trial's end passed, or the subscription ended while trialing — and how:
 * converted when the subscription went on to active or past_due (a paying state), lapsed
 * otherwise (canceled, paused for want of a card, expired). One read for every period.
 */
export async function trialOutcomesByPeriod(
  db: Db,
  currency: string,
  bounds: Date[],
): Promise<TrialOutcomes[]> {
  const times = bounds.map((b) => b.getTime());
  const first = times[0]!;
  const last = times.at(-1)!;
  const candidates = await db
    .select({ id: stripeSubscriptions.id })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.currency, currency),
        isNotNull(stripeSubscriptions.trialStart),
        // A trial ends at its trial_end (give the conversion event a day) or earlier, when the
        // subscription is canceled while trialing; Stripe trials last at most 730 days.
        gte(stripeSubscriptions.trialEnd, new Date(first - 24 * HOUR)),
        lt(stripeSubscriptions.trialEnd, new Date(last + 731 * 24 * HOUR)),
      ),
    );
  // Only the columns the outcome needs (not the items and discounts JSON), by lists of ids: as a
  // join, PostgreSQL's planner scanned all of subscription_history instead of its index.
  const history: Array<
    Pick<
      typeof subscriptionHistory.$inferSelect,
      "subscriptionId" | "id" | "status" | "trialEnd" | "effectiveAt"
    >
  > = [];
  for (let i = 0; i < candidates.length; i += CHUNK)
    history.push(
      ...(await db
        .select({
          subscriptionId: subscriptionHistory.subscriptionId,
          id: subscriptionHistory.id,
          status: subscriptionHistory.status,
          trialEnd: subscriptionHistory.trialEnd,
          effectiveAt: subscriptionHistory.effectiveAt,
        })
        .from(subscriptionHistory)
        .where(
          inArray(
            subscriptionHistory.subscriptionId,
            candidates.slice(i, i + CHUNK).map((c) => c.id),
          ),
        )),
    );
  const out = times
    .slice(1)
    .map((): TrialOutcomes => ({ converted: 0, lapsed: 0, convertedIds: [] }));
  for (const [id, rows] of inTimeOrder(history)) {
    const lastTrial = rows.findLastIndex((r) => r.status === "trialing");
    if (lastTrial < 0) continue;
    const after = rows[lastTrial + 1];
    const trialEnd = rows[lastTrial]!.trialEnd?.getTime() ?? null;
    // When the trial ended: the next state's time (a conversion event, a cancellation), or
    // the trial's end when nothing came after yet and it has passed.
    const endedAt = after?.effectiveAt.getTime() ?? trialEnd;
    if (endedAt === null || endedAt < first || endedAt >= last) continue;
    const i = times.findIndex((t, k) => k > 0 && endedAt < t) - 1;
    const period = out[i]!;
    if (after && (after.status === "active" || after.status === "past_due")) {
      period.converted++;
      period.convertedIds.push(id);
    } else if (after || (trialEnd !== null && trialEnd < times[i + 1]!)) period.lapsed++;
  }
  return out;
}

/** Trials that ended in [from, to) and how (see trialOutcomesByPeriod). */
export async function trialOutcomes(
  db: Db,
  { currency, from, to }: MetricsRange,
): Promise<TrialOutcomes> {
  return (await trialOutcomesByPeriod(db, currency, [from, to]))[0]!;
}

/** Trials now, what they would add if all converted, and how trials that ended in the range went. */
export async function trialPipeline(
  deps: MetricsDeps,
  input: MetricsRange,
): Promise<TrialPipeline> {
  const { currency, from, to } = rangeInput.parse(input);
  const settings = await resolveSettings(deps);
  const now = deps.clock.now().getTime();
  const trialing = await deps.db
    .select({ id: stripeSubscriptions.id, trialEnd: stripeSubscriptions.trialEnd })
    .from(stripeSubscriptions)
    .where(
      and(eq(stripeSubscriptions.currency, currency), eq(stripeSubscriptions.status, "trialing")),
    );
  const history = await historyOf(
    deps.db,
    trialing.map((t) => t.id),
  );
  let potentialMrr = 0;
  for (const rows of history.values()) {
    const latest = rows.at(-1);
    if (latest) potentialMrr += subscriptionMrr({ ...latest, status: "active" }, now, settings);
  }
  const outcomes = await trialOutcomes(deps.db, { currency, from, to });
  return {
    currency,
    trialing: trialing.length,
    potentialMrr,
    endingSoon: trialing.filter((t) => t.trialEnd !== null && t.trialEnd.getTime() < now + WEEK)
      .length,
    converted: outcomes.converted,
    lapsed: outcomes.lapsed,
  };
}
