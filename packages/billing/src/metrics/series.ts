import { mrrMovements, type Db } from "@folio/db";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  MOVEMENT_KINDS,
  type MetricsDeps,
  type MetricsRange,
  type MovementKind,
  type MrrBucket,
  type MrrSeries,
  type SeriesInput,
} from "./api.ts";
import { bucketsOf, DAY_MS } from "./time.ts";

// The MRR series is an aggregate over mrr_movements (one covering index range scan per
// currency), never a replay of history: MRR at T = Σ amount of movements before T, and the
// customers paying at T = (new + reactivation) − churn movements before T.

const MAX_RANGE_MS = 10 * 366 * DAY_MS;

export const rangeInput = z
  .object({
    currency: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{3}$/, { message: "Use a three-letter currency code, e.g. usd." }),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((r) => r.from < r.to, { message: "`from` must be before `to`.", path: ["to"] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= MAX_RANGE_MS, {
    message: "Ask for at most ten years at a time.",
    path: ["from"],
  });

export const seriesInput = z.intersection(
  rangeInput,
  z.object({ bucket: z.enum(["day", "week", "month"]) }),
);

const num = (v: unknown) => Number(v ?? 0);

/** Customer count change a movement makes. */
const headcount = sql<number>`sum(case when ${mrrMovements.kind} in ('new', 'reactivation') then 1 when ${mrrMovements.kind} = 'churn' then -1 else 0 end)`;

/** MRR and paying customers just before `at`. */
export async function openingAt(
  db: Db,
  currency: string,
  at: Date,
): Promise<{ mrr: number; customers: number }> {
  const row = await db
    .select({ mrr: sql<number>`sum(${mrrMovements.amount})`, customers: headcount })
    .from(mrrMovements)
    .where(and(eq(mrrMovements.currency, currency), lt(mrrMovements.at, at)))
    .get();
  return { mrr: num(row?.mrr), customers: num(row?.customers) };
}

/** Σ movements per UTC day and kind in [from, to). */
async function dailyMovements(db: Db, { currency, from, to }: MetricsRange) {
  // Inlined, not a parameter: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const day = sql<number>`(${mrrMovements.at} / ${sql.raw(String(DAY_MS))})`;
  const rows = await db
    .select({
      day,
      kind: mrrMovements.kind,
      amount: sql<number>`sum(${mrrMovements.amount})`,
      count: sql<number>`count(*)`,
    })
    .from(mrrMovements)
    .where(
      and(eq(mrrMovements.currency, currency), gte(mrrMovements.at, from), lt(mrrMovements.at, to)),
    )
    .groupBy(day, mrrMovements.kind);
  return rows.map((r) => ({
    day: num(r.day) * DAY_MS,
    kind: r.kind,
    amount: num(r.amount),
    count: num(r.count),
  }));
}

export async function mrrSeries(deps: MetricsDeps, input: SeriesInput): Promise<MrrSeries> {
  const { currency, from, to, bucket } = seriesInput.parse(input);
  const [opening, days] = await Promise.all([
    openingAt(deps.db, currency, from),
    dailyMovements(deps.db, { currency, from, to }),
  ]);
  const buckets: MrrBucket[] = bucketsOf(bucket, from.getTime(), to.getTime()).map(
    ([start, end]) => ({
      start: new Date(start),
      end: new Date(end),
      mrr: 0,
      arr: 0,
      customers: 0,
      new: 0,
      expansion: 0,
      contraction: 0,
      churn: 0,
      reactivation: 0,
      netNew: 0,
    }),
  );
  const heads = new Array<number>(buckets.length).fill(0);
  // Buckets are sorted and contiguous: find each day's by binary search.
  const indexOf = (t: number) => {
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (buckets[mid]!.start.getTime() <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const d of days) {
    const i = indexOf(Math.max(d.day, from.getTime()));
    const b = buckets[i]!;
    b[d.kind] += d.amount;
    b.netNew += d.amount;
    heads[i]! +=
      d.kind === "churn" ? -d.count : d.kind === "new" || d.kind === "reactivation" ? d.count : 0;
  }
  let mrr = opening.mrr;
  let customers = opening.customers;
  buckets.forEach((b, i) => {
    mrr += b.netNew;
    customers += heads[i]!;
    b.mrr = mrr;
    b.arr = mrr * 12;
    b.customers = customers;
  });
  return { currency, bucket, openingMrr: opening.mrr, buckets };
}

/** Σ per kind (and count per kind) of movements in [from, to). */
export async function movementTotals(db: Db, range: MetricsRange) {
  const rows = await db
    .select({
      kind: mrrMovements.kind,
      amount: sql<number>`sum(${mrrMovements.amount})`,
      count: sql<number>`count(*)`,
    })
    .from(mrrMovements)
    .where(
      and(
        eq(mrrMovements.currency, range.currency),
        gte(mrrMovements.at, range.from),
        lt(mrrMovements.at, range.to),
      ),
    )
    .groupBy(mrrMovements.kind);
  const totals = Object.fromEntries(
    MOVEMENT_KINDS.map((k) => [k, { amount: 0, count: 0 }]),
  ) as Record<MovementKind, { amount: number; count: number }>;
  for (const r of rows) totals[r.kind] = { amount: num(r.amount), count: num(r.count) };
  return totals;
}
