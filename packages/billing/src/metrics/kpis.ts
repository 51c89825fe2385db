import { mrrMovements, stripeCharges, stripeRefunds, type Db } from "@folio/db";
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Kpi, MetricKpis, MetricsDeps, MetricsRange } from "./api.ts";
import { openingAt, rangeInput } from "./series.ts";
import { trialOutcomes } from "./trials.ts";

// KPIs for a range and the same-length range before it. Everything MRR-based is read from
// mrr_movements: one aggregate for the opening figures, one scan of the two ranges' movements.

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

/** Figures of consecutive periods from their movements (ordered by customer, then time). */
function periodFigures(
  opening: { mrr: number; customers: number },
  bounds: number[],
  rows: Array<{ customer: string; at: Date; kind: string; amount: number; mrrBefore: number }>,
): PeriodFigures[] {
  const periods: PeriodFigures[] = [];
  let mrr = opening.mrr;
  let customers = opening.customers;
  for (let p = 0; p + 1 < bounds.length; p++) {
    const [from, to] = [bounds[p]!, bounds[p + 1]!];
    const f: PeriodFigures = {
      mrrStart: mrr,
      mrrEnd: mrr,
      customersStart: customers,
      customersEnd: customers,
      new: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      reactivation: 0,
      churnedCustomers: 0,
      retainedChange: 0,
    };
    // Whether each customer was paying when the period began: its first movement in it says.
    const payingAtStart = new Map<string, boolean>();
    for (const r of rows) {
      const t = r.at.getTime();
      if (t < from || t >= to) continue;
      if (!payingAtStart.has(r.customer)) payingAtStart.set(r.customer, r.mrrBefore > 0);
      const kind = r.kind as "new" | "expansion" | "contraction" | "churn" | "reactivation";
      f[kind] += r.amount;
      f.mrrEnd += r.amount;
      if (kind === "churn") {
        f.churnedCustomers++;
        f.customersEnd--;
      } else if (kind === "new" || kind === "reactivation") f.customersEnd++;
      if (payingAtStart.get(r.customer) && kind !== "reactivation") f.retainedChange += r.amount;
    }
    periods.push(f);
    mrr = f.mrrEnd;
    customers = f.customersEnd;
  }
  return periods;
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
  const [opening, rows, cashNow, cashPrev, trialsNow, trialsPrev] = await Promise.all([
    openingAt(deps.db, currency, prevFrom),
    deps.db
      .select({
        customer: mrrMovements.stripeCustomerId,
        at: mrrMovements.at,
        kind: mrrMovements.kind,
        amount: mrrMovements.amount,
        mrrBefore: mrrMovements.mrrBefore,
      })
      .from(mrrMovements)
      .where(
        and(
          eq(mrrMovements.currency, currency),
          gte(mrrMovements.at, prevFrom),
          lt(mrrMovements.at, to),
        ),
      )
      .orderBy(asc(mrrMovements.at), asc(mrrMovements.id)),
    cash(deps.db, currency, from, to),
    cash(deps.db, currency, prevFrom, from),
    trialOutcomes(deps.db, { currency, from, to }),
    trialOutcomes(deps.db, { currency, from: prevFrom, to: from }),
  ]);
  const [prev, cur] = periodFigures(
    opening,
    [prevFrom.getTime(), from.getTime(), to.getTime()],
    rows,
  ) as [PeriodFigures, PeriodFigures];
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
    trialConversionRate: { value: conversion(trialsNow), previous: conversion(trialsPrev) },
    cashCollected: { value: cashNow.collected, previous: cashPrev.collected },
    refunds: { value: cashNow.refunded, previous: cashPrev.refunded },
  };
}
