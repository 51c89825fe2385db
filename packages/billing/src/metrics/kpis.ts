import { mrrMovements, stripeCharges, stripeRefunds, type Db } from "@folio/db";
import { and, eq, gte, inArray, lt, ne, sql, type Column } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import {
  MOVEMENT_KINDS,
  type Kpi,
  type MetricKpis,
  type MetricsDeps,
  type MetricsRange,
} from "./api.ts";
import { movementTotals, openingAt, rangeInput } from "./series.ts";
import { trialOutcomesByPeriod } from "./trials.ts";

// KPIs for a range and the same-length range before it. Everything MRR-based is read from
// mrr_movements: one aggregate for the opening figures, index range scans of the two ranges'
// movements (totals per kind, and net revenue retention through each movement's paying_since).

const num = (v: unknown) => Number(v ?? 0);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

interface PeriodFigures {
  mrrStart: number;
  mrrEnd: number;
  customersStart: number;
  customersEnd: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
  churnedCustomers: number;
  /** Net change of customers paying at the start, reactivations left out (for NRR). */
  retainedChange: number;
}

/**
 * Σ of the range's movements of customers paying when it began, reactivations left out. A
 * movement whose paying spell began before `from` is one of theirs (the spell ran through
 * `from`); so are the later spells' movements of a customer whose spell that ran through `from`
 * churned in the range. Two index range scans: no per-customer sort.
 */
async function retainedChange(db: Db, { currency, from, to }: MetricsRange): Promise<number> {
  const inRange = (m: { currency: Column; at: Column }) =>
    and(eq(m.currency, currency), gte(m.at, from), lt(m.at, to));
  const sameSpell = await db
    .select({ sum: sql<number>`sum(${mrrMovements.amount})` })
    .from(mrrMovements)
    .where(and(inRange(mrrMovements), lt(mrrMovements.payingSince, from)))
    .get();
  const churned = alias(mrrMovements, "churned");
  const later = alias(mrrMovements, "later");
  const laterSpells = await db
    .select({ sum: sql<number>`sum(${later.amount})` })
    .from(churned)
    .innerJoin(later, and(eq(later.stripeCustomerId, churned.stripeCustomerId), inRange(later)))
    .where(
      and(
        inRange(churned),
        eq(churned.kind, "churn"),
        lt(churned.payingSince, from),
        gte(later.payingSince, from),
        ne(later.kind, "reactivation"),
      ),
    )
    .get();
  return num(sameSpell?.sum) + num(laterSpells?.sum);
}

async function periodFigures(
  db: Db,
  opening: { mrr: number; customers: number },
  range: MetricsRange,
): Promise<PeriodFigures> {
  const [totals, retained] = await Promise.all([
    movementTotals(db, range),
    retainedChange(db, range),
  ]);
  const net = MOVEMENT_KINDS.reduce((sum, k) => sum + totals[k].amount, 0);
  const heads = totals.new.count + totals.reactivation.count - totals.churn.count;
  return {
    mrrStart: opening.mrr,
    mrrEnd: opening.mrr + net,
    customersStart: opening.customers,
    customersEnd: opening.customers + heads,
    new: totals.new.amount,
    expansion: totals.expansion.amount,
    contraction: totals.contraction.amount,
    churn: totals.churn.amount,
    reactivation: totals.reactivation.amount,
    churnedCustomers: totals.churn.count,
    retainedChange: retained,
  };
}

async function cash(db: Db, currency: string, from: Date, to: Date) {
  const charges = await db
    .select({ amount: sql<number>`sum(${stripeCharges.amountCaptured})` })
    .from(stripeCharges)
    .where(
      and(
        eq(stripeCharges.currency, currency),
        eq(stripeCharges.status, "succeeded"),
        gte(stripeCharges.stripeCreated, from),
        lt(stripeCharges.stripeCreated, to),
      ),
    )
    .get();
  const refunds = await db
    .select({ amount: sql<number>`sum(${stripeRefunds.amount})` })
    .from(stripeRefunds)
    .where(
      and(
        eq(stripeRefunds.currency, currency),
        inArray(stripeRefunds.status, ["succeeded", "pending"]),
        gte(stripeRefunds.stripeCreated, from),
        lt(stripeRefunds.stripeCreated, to),
      ),
    )
    .get();
  const refunded = num(refunds?.amount);
  return { collected: num(charges?.amount) - refunded, refunded };
}

export async function metricKpis(deps: MetricsDeps, input: MetricsRange): Promise<MetricKpis> {
  const { currency, from, to } = rangeInput.parse(input);
  const prevFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const [opening, cashNow, cashPrev, trials] = await Promise.all([
    openingAt(deps.db, currency, prevFrom),
    cash(deps.db, currency, from, to),
    cash(deps.db, currency, prevFrom, from),
    trialOutcomesByPeriod(deps.db, currency, [prevFrom, from, to]),
  ]);
  const prev = await periodFigures(deps.db, opening, { currency, from: prevFrom, to: from });
  const cur = await periodFigures(
    deps.db,
    { mrr: prev.mrrEnd, customers: prev.customersEnd },
    { currency, from, to },
  );
  const kpi = (f: (p: PeriodFigures) => number | null): Kpi => ({
    value: f(cur),
    previous: f(prev),
  });
  const arpa = (p: PeriodFigures) =>
    p.customersEnd === 0 ? null : Math.round(p.mrrEnd / p.customersEnd);
  const conversion = (t: { converted: number; lapsed: number }) =>
    ratio(t.converted, t.converted + t.lapsed);
  return {
    currency,
    from,
    to,
    mrr: kpi((p) => p.mrrEnd),
    arr: kpi((p) => p.mrrEnd * 12),
    netNewMrr: kpi((p) => p.new + p.expansion + p.contraction + p.churn + p.reactivation),
    newMrr: kpi((p) => p.new),
    expansionMrr: kpi((p) => p.expansion),
    contractionMrr: kpi((p) => p.contraction),
    churnedMrr: kpi((p) => p.churn),
    reactivationMrr: kpi((p) => p.reactivation),
    activeSubscribers: kpi((p) => p.customersEnd),
    arpa: kpi(arpa),
    customerChurnRate: kpi((p) => ratio(p.churnedCustomers, p.customersStart)),
    grossMrrChurnRate: kpi((p) => ratio(-(p.churn + p.contraction), p.mrrStart)),
    netMrrChurnRate: kpi((p) =>
      ratio(-(p.churn + p.contraction + p.expansion + p.reactivation), p.mrrStart),
    ),
    netRevenueRetention: kpi((p) => ratio(p.mrrStart + p.retainedChange, p.mrrStart)),
    trialConversionRate: { value: conversion(trials[1]!), previous: conversion(trials[0]!) },
    cashCollected: { value: cashNow.collected, previous: cashPrev.collected },
    refunds: { value: cashNow.refunded, previous: cashPrev.refunded },
  };
}
