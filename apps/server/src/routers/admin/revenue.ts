import {
  churnByReason,
  closeMonth,
  closedMonths,
  explainMovements,
  explainMrr,
  metricKpis,
  metricsCurrencies,
  movementsRebuildStatus,
  mrrByPlan,
  mrrSeries,
  reconcileMrr,
  restatements,
  trialPipeline,
  type ClosedMonth,
  type CustomerRef,
  type Explanation,
  type MetricsDeps,
} from "@folio/billing";
import { users, type Db } from "@folio/db";
import { inArray } from "drizzle-orm";
import { billingDeps } from "../../lib/billing-deps.ts";
import type { Context } from "../../context.ts";
import { router, staffProcedure } from "../../trpc.ts";
import {
  explainMovementsInput,
  explainMrrInput,
  monthInput,
  planMixInput,
  rangeInput,
  reconcileInput,
  seriesInput,
} from "./revenue-inputs.ts";

// Finance's revenue figures: thin procedures over the metrics engine (packages/billing/src/
// metrics). Every figure is for one currency in integer minor units; dates go out as ISO strings.

function metricsDeps(ctx: Pick<Context, "db" | "clock">): MetricsDeps {
  return { db: ctx.db, clock: ctx.clock };
}

const iso = (d: Date) => d.toISOString();

function customerOut(c: CustomerRef) {
  return {
    stripeCustomerId: c.stripeCustomerId,
    userId: c.userId,
    email: c.email,
    name: c.name,
  };
}

function explanationOut(e: Explanation) {
  return {
    currency: e.currency,
    total: e.total,
    count: e.count,
    nextCursor: e.nextCursor,
    rows: e.rows.map((r) => ({
      customer: customerOut(r.customer),
      kind: r.kind,
      amount: r.amount,
      mrrBefore: r.mrrBefore,
      mrrAfter: r.mrrAfter,
      at: iso(r.at),
      subscriptionIds: r.subscriptionIds,
    })),
  };
}

/** Closed months with who closed each, by name (the engine keeps the audit actor's id). */
async function closedMonthsOut(db: Db, months: ClosedMonth[]) {
  const ids = [...new Set(months.flatMap((m) => (m.closedBy ? [m.closedBy] : [])))];
  const people =
    ids.length === 0
      ? []
      : await db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(inArray(users.id, ids));
  const byId = new Map(people.map((p) => [p.id, p]));
  return months.map((m) => {
    const closer = m.closedBy ? byId.get(m.closedBy) : undefined;
    return {
      month: m.month,
      currency: m.currency,
      closedAt: iso(m.closedAt),
      closedBy: closer ? { name: closer.name, email: closer.email } : null,
      mrr: m.mrr,
      customers: m.customers,
      new: m.new,
      expansion: m.expansion,
      contraction: m.contraction,
      churn: m.churn,
      reactivation: m.reactivation,
    };
  });
}

export const revenueRouter = router({
  /** Currencies with MRR history, most MRR first; each is reported on its own (no FX). */
  currencies: staffProcedure("metrics.read").query(({ ctx }) =>
    metricsCurrencies(metricsDeps(ctx)),
  ),

  /**
   * Whether the movements are being recomputed after the recognition settings were saved (the
   * figures mix old and new recognition until it finishes), and how far it has got.
   */
  rebuildStatus: staffProcedure("metrics.read").query(async ({ ctx }) => {
    const s = await movementsRebuildStatus(ctx);
    return {
      recomputing: s.recomputing,
      customersDone: s.customersDone,
      customersTotal: s.customersTotal,
      requestedAt: s.requestedAt && iso(s.requestedAt),
      finishedAt: s.finishedAt && iso(s.finishedAt),
    };
  }),

  /** MRR, ARR, customers and the five movements per day, week or month. */
  series: staffProcedure("metrics.read")
    .input(seriesInput)
    .query(async ({ ctx, input }) => {
      const s = await mrrSeries(metricsDeps(ctx), input);
      return {
        currency: s.currency,
        bucket: s.bucket,
        openingMrr: s.openingMrr,
        buckets: s.buckets.map((b) => ({
          start: iso(b.start),
          end: iso(b.end),
          mrr: b.mrr,
          arr: b.arr,
          customers: b.customers,
          new: b.new,
          expansion: b.expansion,
          contraction: b.contraction,
          churn: b.churn,
          reactivation: b.reactivation,
          netNew: b.netNew,
        })),
      };
    }),

  /** Headline figures for the range, each with the same-length period before it. */
  kpis: staffProcedure("metrics.read")
    .input(rangeInput)
    .query(async ({ ctx, input }) => {
      const { currency, from, to, ...figures } = await metricKpis(metricsDeps(ctx), input);
      return { currency, from: iso(from), to: iso(to), ...figures };
    }),

  /** The customers behind a movements bar (or a part of it), a page at a time; Σ of every
   * page's rows = total. */
  explainMovements: staffProcedure("metrics.read")
    .input(explainMovementsInput)
    .query(async ({ ctx, input }) =>
      explanationOut(await explainMovements(metricsDeps(ctx), input)),
    ),

  /** The customers making up the MRR at one instant, a page at a time; Σ of every page's rows
   * = total. */
  explainMrr: staffProcedure("metrics.read")
    .input(explainMrrInput)
    .query(async ({ ctx, input }) => explanationOut(await explainMrr(metricsDeps(ctx), input))),

  planMix: staffProcedure("metrics.read")
    .input(planMixInput)
    .query(({ ctx, input }) => mrrByPlan(metricsDeps(ctx), input)),

  churnReasons: staffProcedure("metrics.read")
    .input(rangeInput)
    .query(({ ctx, input }) => churnByReason(metricsDeps(ctx), input)),

  trialPipeline: staffProcedure("metrics.read")
    .input(rangeInput)
    .query(({ ctx, input }) => trialPipeline(metricsDeps(ctx), input)),

  /** Months finance has closed, with the figures snapshotted at close. */
  closedMonths: staffProcedure("metrics.read").query(async ({ ctx }) =>
    closedMonthsOut(ctx.db, await closedMonths(metricsDeps(ctx))),
  ),

  /** What changed in a closed month after it was closed, and the late changes that did it. */
  restatements: staffProcedure("metrics.read")
    .input(monthInput)
    .query(async ({ ctx, input }) =>
      (await restatements(metricsDeps(ctx), input)).map((r) => ({
        month: r.month,
        currency: r.currency,
        figures: Object.entries(r.figures).map(([name, f]) => ({ name, ...f })),
        customers: r.customers.map((c) => ({
          customer: customerOut(c.customer),
          closedMrr: c.closedMrr,
          nowMrr: c.nowMrr,
          causes: c.causes.map((cause) => ({
            subscriptionId: cause.subscriptionId,
            eventType: cause.eventType,
            eventId: cause.eventId,
            effectiveAt: iso(cause.effectiveAt),
            recordedAt: iso(cause.recordedAt),
          })),
        })),
      })),
    ),

  /** Snapshots every currency's figures for a month that has ended; audited. */
  closeMonth: staffProcedure("metrics.close")
    .input(monthInput)
    .mutation(async ({ ctx, input }) =>
      closedMonthsOut(ctx.db, await closeMonth({ ...metricsDeps(ctx), actor: ctx.actor }, input)),
    ),

  /**
   * Folio's MRR per customer against a computation from Stripe's current subscriptions (every
   * page); lists only the customers that differ, each with the cause. Reads Stripe, writes
   * nothing, so it is a query the page runs on request.
   */
  reconciliation: staffProcedure("metrics.read")
    .input(reconcileInput)
    .query(async ({ ctx, input }) => {
      const { stripe } = billingDeps(ctx);
      const r = await reconcileMrr({ ...metricsDeps(ctx), stripe }, input);
      return {
        checkedAt: iso(r.checkedAt),
        customers: r.customers,
        subscriptions: r.subscriptions,
        totals: r.totals,
        differences: r.differences.map((d) => ({
          customer: customerOut(d.customer),
          currency: d.currency,
          folioMrr: d.folioMrr,
          stripeMrr: d.stripeMrr,
          difference: d.difference,
          causes: d.causes,
        })),
      };
    }),
});
