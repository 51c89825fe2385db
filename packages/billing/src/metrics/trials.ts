import { stripeSubscriptions, subscriptionHistory, type Db } from "@folio/db";
import { and, eq, gte, inArray, isNotNull, lt } from "drizzle-orm";
import type { MetricsDeps, MetricsRange, TrialPipeline } from "./api.ts";
import { subscriptionMrr } from "./mrr.ts";
import { rangeInput } from "./series.ts";
import { resolveSettings } from "./store.ts";

const CHUNK = 500;
const HOUR = 3600_000;
const WEEK = 7 * 24 * HOUR;

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
  const by = new Map<string, typeof rows>();
  for (const r of rows) by.set(r.subscriptionId, [...(by.get(r.subscriptionId) ?? []), r]);
  for (const list of by.values())
    list.sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.id - b.id);
  return by;
}

/**
 * Trials that ended in [from, to) — the trial's end passed, or the subscription ended while
 * trialing — and how: converted when the subscription went on to active or past_due (a paying
 * state), lapsed otherwise (canceled, paused for want of a card, expired).
 */
export async function trialOutcomes(
  db: Db,
  { currency, from, to }: MetricsRange,
): Promise<{ converted: number; lapsed: number; convertedIds: string[] }> {
  const candidates = await db
    .select({ id: stripeSubscriptions.id })
    .from(stripeSubscriptions)
    .where(
      and(
        eq(stripeSubscriptions.currency, currency),
        isNotNull(stripeSubscriptions.trialStart),
        // A trial ends at its trial_end (give the conversion event a day) or earlier, when the
        // subscription is canceled while trialing; Stripe trials last at most 730 days.
        gte(stripeSubscriptions.trialEnd, new Date(from.getTime() - 24 * HOUR)),
        lt(stripeSubscriptions.trialEnd, new Date(to.getTime() + 731 * 24 * HOUR)),
      ),
    );
  const history = await historyOf(
    db,
    candidates.map((c) => c.id),
  );
  let converted = 0;
  let lapsed = 0;
  const convertedIds: string[] = [];
  for (const [id, rows] of history) {
    const lastTrial = rows.findLastIndex((r) => r.status === "trialing");
    if (lastTrial < 0) continue;
    const after = rows[lastTrial + 1];
    const trialEnd = rows[lastTrial]!.trialEnd?.getTime() ?? null;
    // When the trial ended: the next state's time (a conversion event, a cancellation), or
    // the trial's end when nothing came after yet and it has passed.
    const endedAt = after?.effectiveAt.getTime() ?? trialEnd;
    if (endedAt === null || endedAt < from.getTime() || endedAt >= to.getTime()) continue;
    if (after && (after.status === "active" || after.status === "past_due")) {
      converted++;
      convertedIds.push(id);
    } else if (after || (trialEnd !== null && trialEnd < to.getTime())) lapsed++;
  }
  return { converted, lapsed, convertedIds };
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
