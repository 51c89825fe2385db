import { mrrDaily, mrrMovements, type Db } from "@folio/db";
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

/** Customer count change of movements (new and reactivation +1, churn −1). */
const headcount = sql<number>`sum(case when ${mrrMovements.kind} in ('new', 'reactivation') then 1 when ${mrrMovements.kind} = 'churn' then -1 else 0 end)`;
const dailyHeadcount = sql<number>`sum(case when ${mrrDaily.kind} in ('new', 'reactivation') then ${mrrDaily.movements} when ${mrrDaily.kind} = 'churn' then -${mrrDaily.movements} else 0 end)`;

const floorDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const ceilDay = (t: number) => Math.ceil(t / DAY_MS) * DAY_MS;

/** MRR and paying customers just before `at`: whole days from mrr_daily, the rest of `at`'s
 * own day from mrr_movements. */
export async function openingAt(
  db: Db,
  currency: string,
  at: Date,
): Promise<{ mrr: number; customers: number }> {
  const day = floorDay(at.getTime());
  const days = await db
    .select({ mrr: sql<number>`sum(${mrrDaily.amount})`, customers: dailyHeadcount })
    .from(mrrDaily)
    .where(and(eq(mrrDaily.currency, currency), lt(mrrDaily.day, new Date(day))))
    .get();
  const partial =
    day === at.getTime()
      ? null
      : await db
          .select({ mrr: sql<number>`sum(${mrrMovements.amount})`, customers: headcount })
          .from(mrrMovements)
          .where(
            and(
              eq(mrrMovements.currency, currency),
              gte(mrrMovements.at, new Date(day)),
              lt(mrrMovements.at, at),
            ),
          )
          .get();
  return {
    mrr: num(days?.mrr) + num(partial?.mrr),
    customers: num(days?.customers) + num(partial?.customers),
  };
}

interface DayTotals {
  day: number;
  kind: MovementKind;
  amount: number;
  count: number;
}

/** Σ movements per UTC day and kind in [from, to) from mrr_movements (for partial days). */
async function movementsByDay(
  db: Db,
  currency: string,
  from: number,
  to: number,
): Promise<DayTotals[]> {
  if (from >= to) return [];
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
      and(
        eq(mrrMovements.currency, currency),
        gte(mrrMovements.at, new Date(from)),
        lt(mrrMovements.at, new Date(to)),
      ),
    )
    .groupBy(day, mrrMovements.kind);
  return rows.map((r) => ({
    day: num(r.day) * DAY_MS,
    kind: r.kind,
    amount: num(r.amount),
    count: num(r.count),
  }));
}

/** Σ movements per UTC day and kind in [from, to): whole days from mrr_daily, partial days at
 * either edge from mrr_movements. */
async function dailyMovements(db: Db, { currency, from, to }: MetricsRange): Promise<DayTotals[]> {
  const f = from.getTime();
  const t = to.getTime();
  const first = ceilDay(f);
  const last = floorDay(t);
  if (first >= last) return movementsByDay(db, currency, f, t);
  const [head, whole, tail] = await Promise.all([
    movementsByDay(db, currency, f, first),
    db
      .select()
      .from(mrrDaily)
      .where(
        and(
          eq(mrrDaily.currency, currency),
          gte(mrrDaily.day, new Date(first)),
          lt(mrrDaily.day, new Date(last)),
        ),
      ),
    movementsByDay(db, currency, last, t),
  ]);
  return [
    ...head,
    ...whole.map((d) => ({
      day: d.day.getTime(),
      kind: d.kind,
      amount: d.amount,
      count: d.movements,
    })),
    ...tail,
  ];
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
