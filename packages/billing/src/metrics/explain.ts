import {
  mrrMovements,
  stripeProducts,
  stripeSubscriptions,
  subscriptionHistory,
  type Db,
} from "@folio/db";
import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  MOVEMENT_KINDS,
  type ChurnReason,
  type ExplainMovementsInput,
  type ExplainMrrInput,
  type ExplainRow,
  type Explanation,
  type MetricsDeps,
  type MetricsRange,
  type PlanMrr,
} from "./api.ts";
import { customerRefs } from "./customers.ts";
import { subscriptionMrrByProduct } from "./mrr.ts";
import { rangeInput } from "./series.ts";
import { resolveSettings } from "./store.ts";

// "Explain any number": the rows behind a figure, read from the same table the figure is an
// aggregate of, so Σ rows = total = the figure on the chart by construction.

const CHUNK = 500;
const currencyCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{3}$/, { message: "Use a three-letter currency code, e.g. usd." });
const explainMovementsInput = z.intersection(
  rangeInput,
  z.object({ kind: z.enum(MOVEMENT_KINDS).optional() }),
);
const explainMrrInput = z.object({ currency: currencyCode, at: z.coerce.date() });

const jsonList = (v: unknown): string[] =>
  Array.isArray(v) ? (v as string[]) : typeof v === "string" ? (JSON.parse(v) as string[]) : [];

/** The movements behind a bar: every customer's change of the kind (or all kinds) in the range. */
export async function explainMovements(
  deps: MetricsDeps,
  input: ExplainMovementsInput,
): Promise<Explanation> {
  const { currency, from, to, kind } = explainMovementsInput.parse(input);
  const rows = await deps.db
    .select()
    .from(mrrMovements)
    .where(
      and(
        eq(mrrMovements.currency, currency),
        gte(mrrMovements.at, from),
        lt(mrrMovements.at, to),
        kind ? eq(mrrMovements.kind, kind) : undefined,
      ),
    )
    .orderBy(desc(mrrMovements.at), desc(mrrMovements.id));
  const refs = await customerRefs(
    deps.db,
    rows.map((r) => r.stripeCustomerId),
  );
  const out: ExplainRow[] = rows.map((r) => ({
    customer: refs.get(r.stripeCustomerId)!,
    kind: r.kind,
    amount: r.amount,
    mrrBefore: r.mrrBefore,
    mrrAfter: r.mrrAfter,
    at: r.at,
    subscriptionIds: r.subscriptionIds,
  }));
  return { currency, total: out.reduce((s, r) => s + r.amount, 0), rows: out };
}

/** Each paying customer's MRR just before `at`: its latest movement before then. */
async function payingCustomersAt(db: Db, currency: string, at: Date) {
  const ranked = db
    .select({
      customer: mrrMovements.stripeCustomerId,
      at: mrrMovements.at,
      mrrBefore: mrrMovements.mrrBefore,
      mrrAfter: mrrMovements.mrrAfter,
      subscriptionsAfter: mrrMovements.subscriptionsAfter,
      rn: sql<number>`row_number() over (partition by ${mrrMovements.stripeCustomerId} order by ${mrrMovements.at} desc, ${mrrMovements.id} desc)`.as(
        "rn",
      ),
    })
    .from(mrrMovements)
    .where(and(eq(mrrMovements.currency, currency), lt(mrrMovements.at, at)))
    .as("ranked");
  const rows = await db
    .select()
    .from(ranked)
    .where(and(eq(ranked.rn, 1), sql`${ranked.mrrAfter} > 0`));
  return rows.map((r) => ({
    customer: r.customer,
    at: new Date(Number(r.at instanceof Date ? r.at.getTime() : r.at)),
    mrrBefore: Number(r.mrrBefore),
    mrr: Number(r.mrrAfter),
    subscriptionIds: jsonList(r.subscriptionsAfter),
  }));
}

/** The customers making up MRR at an instant (a point on the MRR line). */
export async function explainMrr(deps: MetricsDeps, input: ExplainMrrInput): Promise<Explanation> {
  const { currency, at } = explainMrrInput.parse(input);
  const paying = await payingCustomersAt(deps.db, currency, at);
  const refs = await customerRefs(
    deps.db,
    paying.map((p) => p.customer),
  );
  const rows: ExplainRow[] = paying
    .map((p) => ({
      customer: refs.get(p.customer)!,
      kind: null,
      amount: p.mrr,
      mrrBefore: p.mrrBefore,
      mrrAfter: p.mrr,
      at: p.at,
      subscriptionIds: p.subscriptionIds,
    }))
    .sort(
      (a, b) =>
        b.amount - a.amount ||
        a.customer.stripeCustomerId.localeCompare(b.customer.stripeCustomerId),
    );
  return { currency, total: rows.reduce((s, r) => s + r.amount, 0), rows };
}

/** Each paying subscription's latest state before `at`. */
async function statesBefore(db: Db, ids: string[], at: Date) {
  const latest = new Map<string, typeof subscriptionHistory.$inferSelect>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(subscriptionHistory)
      .where(
        and(
          inArray(subscriptionHistory.subscriptionId, ids.slice(i, i + CHUNK)),
          lt(subscriptionHistory.effectiveAt, at),
        ),
      );
    for (const r of rows) {
      const cur = latest.get(r.subscriptionId);
      const later =
        !cur ||
        r.effectiveAt.getTime() > cur.effectiveAt.getTime() ||
        (r.effectiveAt.getTime() === cur.effectiveAt.getTime() && r.id > cur.id);
      if (later) latest.set(r.subscriptionId, r);
    }
  }
  return latest;
}

/** MRR by product at `at` (default now): the paying subscriptions' MRR split by their items. */
export async function mrrByPlan(
  deps: MetricsDeps,
  input: { currency: string; at?: Date },
): Promise<PlanMrr[]> {
  const { currency, at: asked } = z
    .object({ currency: currencyCode, at: z.coerce.date().optional() })
    .parse(input);
  const at = asked ?? deps.clock.now();
  const settings = await resolveSettings(deps);
  const paying = await payingCustomersAt(deps.db, currency, at);
  const states = await statesBefore(
    deps.db,
    paying.flatMap((p) => p.subscriptionIds),
    at,
  );
  const byProduct = new Map<string, { mrr: number; subscriptions: number }>();
  for (const state of states.values()) {
    for (const [product, mrr] of subscriptionMrrByProduct(state, at, settings)) {
      const p = byProduct.get(product) ?? { mrr: 0, subscriptions: 0 };
      p.mrr += mrr;
      p.subscriptions++;
      byProduct.set(product, p);
    }
  }
  const names = new Map<string, string>();
  const ids = [...byProduct.keys()];
  for (let i = 0; i < ids.length; i += CHUNK)
    for (const r of await deps.db
      .select({ id: stripeProducts.id, name: stripeProducts.name })
      .from(stripeProducts)
      .where(inArray(stripeProducts.id, ids.slice(i, i + CHUNK))))
      names.set(r.id, r.name);
  return [...byProduct]
    .map(([productId, p]) => ({ productId, productName: names.get(productId) ?? null, ...p }))
    .sort((a, b) => b.mrr - a.mrr || a.productId.localeCompare(b.productId));
}

/** Churned MRR in the range by the reason customers gave when cancelling (the portal's survey,
 * Stripe's cancellation_details.feedback); "unknown" when none was given. */
export async function churnByReason(
  deps: MetricsDeps,
  input: MetricsRange,
): Promise<ChurnReason[]> {
  const explained = await explainMovements(deps, { ...input, kind: "churn" });
  const subIds = [...new Set(explained.rows.flatMap((r) => r.subscriptionIds))];
  const details = new Map<
    string,
    { feedback: string | null; comment: string | null; at: number }
  >();
  for (let i = 0; i < subIds.length; i += CHUNK)
    for (const s of await deps.db
      .select({
        id: stripeSubscriptions.id,
        feedback: stripeSubscriptions.cancellationFeedback,
        comment: stripeSubscriptions.cancellationComment,
        canceledAt: stripeSubscriptions.canceledAt,
      })
      .from(stripeSubscriptions)
      .where(inArray(stripeSubscriptions.id, subIds.slice(i, i + CHUNK))))
      details.set(s.id, {
        feedback: s.feedback,
        comment: s.comment,
        at: s.canceledAt?.getTime() ?? 0,
      });
  const reasons = new Map<string, ChurnReason & { commentsAt: Array<[number, string]> }>();
  for (const row of explained.rows) {
    const given = row.subscriptionIds.map((id) => details.get(id)).filter((d) => d !== undefined);
    const reason = given.find((d) => d.feedback)?.feedback ?? "unknown";
    const r = reasons.get(reason) ?? { reason, mrr: 0, customers: 0, comments: [], commentsAt: [] };
    r.mrr += row.amount;
    r.customers++;
    for (const d of given) if (d.comment) r.commentsAt.push([d.at, d.comment]);
    reasons.set(reason, r);
  }
  return [...reasons.values()]
    .map(({ commentsAt, ...r }) => ({
      ...r,
      comments: commentsAt
        .sort((a, b) => b[0] - a[0])
        .slice(0, 20)
        .map(([, c]) => c),
    }))
    .sort((a, b) => a.mrr - b.mrr || a.reason.localeCompare(b.reason));
}

/** Currencies with any MRR movement, most current MRR first. */
export async function metricsCurrencies(deps: MetricsDeps): Promise<string[]> {
  const rows = await deps.db
    .select({ currency: mrrMovements.currency, mrr: sql<number>`sum(${mrrMovements.amount})` })
    .from(mrrMovements)
    .where(lt(mrrMovements.at, deps.clock.now()))
    .groupBy(mrrMovements.currency);
  const all = await deps.db.selectDistinct({ currency: mrrMovements.currency }).from(mrrMovements);
  const mrr = new Map(rows.map((r) => [r.currency, Number(r.mrr ?? 0)]));
  return all
    .map((r) => r.currency)
    .sort((a, b) => (mrr.get(b) ?? 0) - (mrr.get(a) ?? 0) || a.localeCompare(b));
}
