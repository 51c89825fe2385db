import {
  isUniqueViolation,
  metricCloseCustomers,
  metricMonthCloses,
  mrrMovements,
  subscriptionHistory,
  withTransaction,
  type Db,
} from "@folio/db";
import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor.ts";
import { actorId } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import { DomainError } from "../errors.ts";
import type { ClosedMonth, MetricsDeps, Restatement } from "./api.ts";
import { customerRefs } from "./customers.ts";
import { monthRange } from "./time.ts";

// Closed months: finance freezes a month's figures so a late webhook cannot silently rewrite
// them. The live figures keep following Stripe; `restatements` says what moved since the close,
// for which customers, and which late history rows (recorded after the close) moved it.

const CHUNK = 500;
export const monthInput = z.object({
  month: z
    .string()
    .trim()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: "Use a month as YYYY-MM, e.g. 2026-11." }),
});

interface MonthFigures {
  currency: string;
  mrr: number;
  customers: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
  /** Per customer: MRR at the month's end and Σ of its movements in the month. */
  byCustomer: Map<string, { mrr: number; netNew: number }>;
}

/** Every currency's figures for the month as the movements say now. */
async function monthFigures(db: Db, month: string): Promise<Map<string, MonthFigures>> {
  const [start, end] = monthRange(month);
  const rows = await db
    .select({
      currency: mrrMovements.currency,
      customer: mrrMovements.stripeCustomerId,
      mrr: sql<number>`sum(${mrrMovements.amount})`,
      inMonth: sql<number>`sum(case when ${mrrMovements.at} >= ${start} then ${mrrMovements.amount} else 0 end)`,
    })
    .from(mrrMovements)
    .where(lt(mrrMovements.at, new Date(end)))
    .groupBy(mrrMovements.currency, mrrMovements.stripeCustomerId);
  const kinds = await db
    .select({
      currency: mrrMovements.currency,
      kind: mrrMovements.kind,
      amount: sql<number>`sum(${mrrMovements.amount})`,
    })
    .from(mrrMovements)
    .where(and(gte(mrrMovements.at, new Date(start)), lt(mrrMovements.at, new Date(end))))
    .groupBy(mrrMovements.currency, mrrMovements.kind);
  const out = new Map<string, MonthFigures>();
  const of = (currency: string) => {
    let f = out.get(currency);
    if (!f)
      out.set(
        currency,
        (f = {
          currency,
          mrr: 0,
          customers: 0,
          new: 0,
          expansion: 0,
          contraction: 0,
          churn: 0,
          reactivation: 0,
          byCustomer: new Map(),
        }),
      );
    return f;
  };
  for (const r of rows) {
    const f = of(r.currency);
    const mrr = Number(r.mrr ?? 0);
    const netNew = Number(r.inMonth ?? 0);
    f.mrr += mrr;
    if (mrr > 0) f.customers++;
    if (mrr !== 0 || netNew !== 0) f.byCustomer.set(r.customer, { mrr, netNew });
  }
  for (const k of kinds) of(k.currency)[k.kind as "new"] += Number(k.amount ?? 0);
  return out;
}

const closedOf = (r: typeof metricMonthCloses.$inferSelect): ClosedMonth => ({
  month: r.month,
  currency: r.currency,
  closedAt: r.closedAt,
  closedBy: r.closedById,
  mrr: r.mrr,
  customers: r.customers,
  new: r.newMrr,
  expansion: r.expansionMrr,
  contraction: r.contractionMrr,
  churn: r.churnedMrr,
  reactivation: r.reactivationMrr,
});

/**
 * Closes a month that has ended: snapshots every currency's figures and each customer's, and
 * audits it (`metrics.month_closed`). A month closes once (CONFLICT after).
 */
export async function closeMonth(
  deps: MetricsDeps & { actor: Actor },
  input: { month: string },
): Promise<ClosedMonth[]> {
  const { month } = monthInput.parse(input);
  const [, end] = monthRange(month);
  const now = deps.clock.now();
  if (end > now.getTime())
    throw new DomainError(
      "BAD_REQUEST",
      `${month} has not ended yet; close it from ${new Date(end).toISOString().slice(0, 10)}.`,
    );
  try {
    return await withTransaction(deps.db, async (tx) => {
      const figures = await monthFigures(tx, month);
      const closed: ClosedMonth[] = [];
      for (const f of figures.values()) {
        const row = await tx
          .insert(metricMonthCloses)
          .values({
            month,
            currency: f.currency,
            mrr: f.mrr,
            customers: f.customers,
            newMrr: f.new,
            expansionMrr: f.expansion,
            contractionMrr: f.contraction,
            churnedMrr: f.churn,
            reactivationMrr: f.reactivation,
            closedAt: now,
            closedByType: deps.actor.type,
            closedById: actorId(deps.actor),
          })
          .returning()
          .get();
        const customers = [...f.byCustomer].map(([stripeCustomerId, c]) => ({
          closeId: row.id,
          stripeCustomerId,
          mrr: c.mrr,
          netNewMrr: c.netNew,
        }));
        for (let i = 0; i < customers.length; i += CHUNK)
          await tx.insert(metricCloseCustomers).values(customers.slice(i, i + CHUNK));
        closed.push(closedOf(row));
      }
      await audit(tx, deps.actor, {
        action: "metrics.month_closed",
        target: `month:${month}`,
        after: Object.fromEntries(
          closed.map((c) => [c.currency, { mrr: c.mrr, customers: c.customers }]),
        ),
        at: now,
      });
      return closed;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError("CONFLICT", `${month} is already closed.`);
    throw e;
  }
}

export async function closedMonths(deps: MetricsDeps): Promise<ClosedMonth[]> {
  const rows = await deps.db
    .select()
    .from(metricMonthCloses)
    .orderBy(asc(metricMonthCloses.month), asc(metricMonthCloses.currency));
  return rows.map(closedOf);
}

/** What changed in a closed month since it was closed, per currency, and why. */
export async function restatements(
  deps: MetricsDeps,
  input: { month: string },
): Promise<Restatement[]> {
  const { month } = monthInput.parse(input);
  const [, end] = monthRange(month);
  const closes = await deps.db
    .select()
    .from(metricMonthCloses)
    .where(eq(metricMonthCloses.month, month));
  if (closes.length === 0) throw new DomainError("NOT_FOUND", `${month} is not closed.`);
  const now = await monthFigures(deps.db, month);
  const out: Restatement[] = [];
  for (const close of closes) {
    const live = now.get(close.currency);
    const figures: Restatement["figures"] = {};
    const compare = (name: string, closed: number, current: number) => {
      if (closed !== current) figures[name] = { closed, now: current };
    };
    compare("mrr", close.mrr, live?.mrr ?? 0);
    compare("customers", close.customers, live?.customers ?? 0);
    compare("new", close.newMrr, live?.new ?? 0);
    compare("expansion", close.expansionMrr, live?.expansion ?? 0);
    compare("contraction", close.contractionMrr, live?.contraction ?? 0);
    compare("churn", close.churnedMrr, live?.churn ?? 0);
    compare("reactivation", close.reactivationMrr, live?.reactivation ?? 0);
    const closedCustomers = new Map(
      (
        await deps.db
          .select()
          .from(metricCloseCustomers)
          .where(eq(metricCloseCustomers.closeId, close.id))
      ).map((c) => [c.stripeCustomerId, c]),
    );
    const changed: string[] = [];
    for (const id of new Set([...closedCustomers.keys(), ...(live?.byCustomer.keys() ?? [])])) {
      const was = closedCustomers.get(id);
      const is = live?.byCustomer.get(id);
      if ((was?.mrr ?? 0) !== (is?.mrr ?? 0) || (was?.netNewMrr ?? 0) !== (is?.netNew ?? 0))
        changed.push(id);
    }
    const refs = await customerRefs(deps.db, changed);
    const causes = new Map<string, Restatement["customers"][number]["causes"]>();
    for (let i = 0; i < changed.length; i += CHUNK) {
      const late = await deps.db
        .select({
          customer: subscriptionHistory.stripeCustomerId,
          subscriptionId: subscriptionHistory.subscriptionId,
          eventType: subscriptionHistory.eventType,
          eventId: subscriptionHistory.eventId,
          effectiveAt: subscriptionHistory.effectiveAt,
          recordedAt: subscriptionHistory.recordedAt,
        })
        .from(subscriptionHistory)
        .where(
          and(
            inArray(subscriptionHistory.stripeCustomerId, changed.slice(i, i + CHUNK)),
            gt(subscriptionHistory.recordedAt, close.closedAt),
            lt(subscriptionHistory.effectiveAt, new Date(end)),
          ),
        )
        .orderBy(asc(subscriptionHistory.effectiveAt));
      for (const { customer, ...cause } of late)
        causes.set(customer, [...(causes.get(customer) ?? []), cause]);
    }
    out.push({
      month,
      currency: close.currency,
      figures,
      customers: changed.map((id) => ({
        customer: refs.get(id)!,
        closedMrr: closedCustomers.get(id)?.mrr ?? 0,
        nowMrr: live?.byCustomer.get(id)?.mrr ?? 0,
        causes: causes.get(id) ?? [],
      })),
    });
  }
  return out;
}
