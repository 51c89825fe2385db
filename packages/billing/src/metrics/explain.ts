import {
  decodeCursor,
  encodeCursor,
  keysetPage,
  mrrMovements,
  stripeProducts,
  stripeSubscriptions,
  subscriptionHistory,
  type Db,
} from "@folio/db";
import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
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
import { openingAt, rangeInput } from "./series.ts";
import { resolveSettings } from "./store.ts";

// "Explain any number": the rows behind a figure, read from the same table the figure is an
// aggregate of, so Σ rows = total = the figure on the chart by construction.

const CHUNK = 500;
const currencyCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{3}$/, { message: "Use a three-letter currency code, e.g. usd." });
const page = {
  /** Omitted: the whole list in one page (internal callers). */
  limit: z.number().int().min(1).max(10_000).optional(),
  cursor: z.string().min(1).max(512).optional(),
};
const explainMovementsInput = z.intersection(
  rangeInput,
  z.object({ kind: z.enum(MOVEMENT_KINDS).optional(), ...page }),
);
const explainMrrInput = z.object({ currency: currencyCode, at: z.coerce.date(), ...page });

const jsonList = (v: unknown): string[] =>
  Array.isArray(v) ? (v as string[]) : typeof v === "string" ? (JSON.parse(v) as string[]) : [];
const num = (v: unknown) => Number(v ?? 0);
/** A page size no list reaches: the whole list as one page. */
const WHOLE_LIST = 2 ** 31;

/**
 * The movements behind a bar: every customer's change of the kind (or all kinds) in the range,
 * newest first, a page at a time. `total` and `count` cover the whole list (one covering-index
 * aggregate), so the page can say what the full list adds up to.
 */
export async function explainMovements(
  deps: MetricsDeps,
  input: ExplainMovementsInput,
): Promise<Explanation> {
  const { currency, from, to, kind, limit, cursor } = explainMovementsInput.parse(input);
  const where = and(
    eq(mrrMovements.currency, currency),
    gte(mrrMovements.at, from),
    lt(mrrMovements.at, to),
    kind ? eq(mrrMovements.kind, kind) : undefined,
  );
  const [whole, shown] = await Promise.all([
    deps.db
      .select({ total: sql<number>`sum(${mrrMovements.amount})`, count: sql<number>`count(*)` })
      .from(mrrMovements)
      .where(where)
      .get(),
    keysetPage({
      sort: { column: mrrMovements.at, key: "at", direction: "desc" },
      id: { column: mrrMovements.id, key: "id" },
      cursor,
      limit: limit ?? WHOLE_LIST,
      fetch: ({ after, orderBy, limit: n }) =>
        deps.db
          .select()
          .from(mrrMovements)
          .where(and(where, after))
          .orderBy(...orderBy)
          .limit(n),
      map: (r) => r,
    }),
  ]);
  const refs = await customerRefs(
    deps.db,
    shown.items.map((r) => r.stripeCustomerId),
  );
  const rows: ExplainRow[] = shown.items.map((r) => ({
    customer: refs.get(r.stripeCustomerId)!,
    kind: r.kind,
    amount: r.amount,
    mrrBefore: r.mrrBefore,
    mrrAfter: r.mrrAfter,
    at: r.at,
    subscriptionIds: r.subscriptionIds,
  }));
  return {
    currency,
    total: num(whole?.total),
    count: num(whole?.count),
    rows,
    nextCursor: shown.nextCursor,
  };
}

/** Each paying customer's latest movement before `at` (its MRR then). */
function latestMovements(db: Db, currency: string, at: Date) {
  return db
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
}

/**
 * Paying customers just before `at`, most MRR first (ties by customer id), from after `cursor`
 * (the last row shown: its MRR and customer id), at most `limit`.
 */
async function payingCustomersAt(
  db: Db,
  currency: string,
  at: Date,
  page: { limit?: number; cursor?: string } = {},
) {
  const ranked = latestMovements(db, currency, at);
  let after: SQL | undefined;
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    after = sql`(${ranked.mrrAfter} < ${c.s} or (${ranked.mrrAfter} = ${c.s} and ${ranked.customer} > ${c.i}))`;
  }
  const query = db
    .select()
    .from(ranked)
    .where(and(eq(ranked.rn, 1), sql`${ranked.mrrAfter} > 0`, after))
    .orderBy(desc(ranked.mrrAfter), asc(ranked.customer));
  const rows = await (page.limit === undefined ? query : query.limit(page.limit));
  return rows.map((r) => ({
    customer: r.customer,
    at: new Date(Number(r.at instanceof Date ? r.at.getTime() : r.at)),
    mrrBefore: Number(r.mrrBefore),
    mrr: Number(r.mrrAfter),
    subscriptionIds: jsonList(r.subscriptionsAfter),
  }));
}

/**
 * The customers making up MRR at an instant (a point on the MRR line), most MRR first, a page at
 * a time. `total` and `count` are the MRR and paying customers at `at` as the series reports
 * them; Σ of every page's rows equals them (each customer's MRR is Σ of its movements).
 */
export async function explainMrr(deps: MetricsDeps, input: ExplainMrrInput): Promise<Explanation> {
  const { currency, at, limit, cursor } = explainMrrInput.parse(input);
  const [whole, paying] = await Promise.all([
    openingAt(deps.db, currency, at),
    payingCustomersAt(deps.db, currency, at, {
      cursor,
      limit: limit === undefined ? undefined : limit + 1,
    }),
  ]);
  const shown = limit === undefined ? paying : paying.slice(0, limit);
  const last = shown.at(-1);
  const refs = await customerRefs(
    deps.db,
    shown.map((p) => p.customer),
  );
  const rows: ExplainRow[] = shown.map((p) => ({
    customer: refs.get(p.customer)!,
    kind: null,
    amount: p.mrr,
    mrrBefore: p.mrrBefore,
    mrrAfter: p.mrr,
    at: p.at,
    subscriptionIds: p.subscriptionIds,
  }));
  return {
    currency,
    total: whole.mrr,
    count: whole.customers,
    rows,
    nextCursor: paying.length > shown.length && last ? encodeCursor(last.mrr, last.customer) : null,
  };
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
