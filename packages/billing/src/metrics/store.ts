import {
  lockKeys,
  mrrDaily,
  mrrMovements,
  perHandle,
  settings as settingsTable,
  subscriptionHistory,
  withTransaction,
  type Db,
  type Tx,
} from "@folio/db";
import { asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { MetricSettings, MetricsDeps } from "./api.ts";
import { customerMovements, type HistoryState, type Movement } from "./movements.ts";
import { DEFAULT_METRIC_SETTINGS } from "./settings.ts";

// mrr_movements is derived from subscription_history: recomputed for one customer whenever the
// history of one of its subscriptions is rewritten (records/subscription-history.ts calls
// `refreshCustomerMovements` in the same transaction), and for everyone by `rebuildMovements`
// after the recognition settings change. Series and KPIs only aggregate it.

/** The settings key the recognition settings are saved under (one JSON value). */
export const METRIC_SETTINGS_KEY = "metrics.recognition" as const;

export const metricSettingsSchema = z.object({
  pastDueChurnDays: z.number().int().min(1).max(365).nullable(),
  churnAtCancelRequest: z.boolean(),
});

/** The saved recognition settings, or the defaults. */
export async function loadMetricSettings(db: Db): Promise<MetricSettings> {
  const row = await statements(db).settings.get();
  const parsed = metricSettingsSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_METRIC_SETTINGS;
}

/** deps.settings when given (tests, bench), else what is saved. */
export const resolveSettings = async (deps: MetricsDeps): Promise<MetricSettings> =>
  deps.settings ?? (await loadMetricSettings(deps.db));

type HistoryRow = Pick<
  typeof subscriptionHistory.$inferSelect,
  | "id"
  | "subscriptionId"
  | "stripeCustomerId"
  | "status"
  | "currency"
  | "items"
  | "discounts"
  | "cancelAtPeriodEnd"
  | "cancelAt"
  | "paused"
  | "effectiveAt"
>;

const movementOrder = [asc(mrrMovements.at), asc(mrrMovements.currency), asc(mrrMovements.id)];

const historyColumns = {
  id: subscriptionHistory.id,
  subscriptionId: subscriptionHistory.subscriptionId,
  stripeCustomerId: subscriptionHistory.stripeCustomerId,
  status: subscriptionHistory.status,
  currency: subscriptionHistory.currency,
  items: subscriptionHistory.items,
  discounts: subscriptionHistory.discounts,
  cancelAtPeriodEnd: subscriptionHistory.cancelAtPeriodEnd,
  cancelAt: subscriptionHistory.cancelAt,
  paused: subscriptionHistory.paused,
  effectiveAt: subscriptionHistory.effectiveAt,
};

// Every subscription event applied refreshes its customer's movements: these read one
// customer's rows, prepared once per handle (see perHandle).
const statements = perHandle((db: Db) => {
  const customer = sql.placeholder("customer");
  return {
    settings: db
      .select({ value: settingsTable.value })
      .from(settingsTable)
      .where(eq(settingsTable.key, METRIC_SETTINGS_KEY))
      .prepare(),
    historyOf: db
      .select(historyColumns)
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.stripeCustomerId, customer))
      .prepare(),
    movementsOf: db
      .select()
      .from(mrrMovements)
      .where(eq(mrrMovements.stripeCustomerId, customer))
      .orderBy(...movementOrder)
      .prepare(),
  };
});

const stateOf = (r: HistoryRow): HistoryState => ({
  subscriptionId: r.subscriptionId,
  effectiveAt: r.effectiveAt.getTime(),
  id: r.id,
  status: r.status,
  currency: r.currency,
  items: r.items,
  discounts: r.discounts,
  cancelAtPeriodEnd: r.cancelAtPeriodEnd,
  cancelAt: r.cancelAt,
  paused: r.paused,
});

/** Movements of each customer in `rows` (rows of several customers, any order). */
function movementsByCustomer(rows: HistoryRow[], settings: MetricSettings) {
  type Subs = Map<string, { currency: string; rows: HistoryState[] }>;
  const customers = new Map<string, Subs>();
  for (const r of rows) {
    let subs = customers.get(r.stripeCustomerId);
    if (!subs) customers.set(r.stripeCustomerId, (subs = new Map() as Subs));
    let sub = subs.get(r.subscriptionId);
    if (!sub) subs.set(r.subscriptionId, (sub = { currency: r.currency, rows: [] }));
    sub.rows.push(stateOf(r));
  }
  return [...customers].map(([customer, subs]) => ({
    customer,
    movements: customerMovements(subs, settings),
  }));
}

const toRow = (customer: string, m: Movement): typeof mrrMovements.$inferInsert => ({
  stripeCustomerId: customer,
  currency: m.currency,
  at: new Date(m.at),
  kind: m.kind,
  amount: m.amount,
  mrrBefore: m.mrrBefore,
  mrrAfter: m.mrrAfter,
  payingSince: new Date(m.payingSince),
  subscriptionIds: m.subscriptionIds,
  subscriptionsAfter: m.subscriptionsAfter,
});

const sameMovements = (
  stored: Array<typeof mrrMovements.$inferSelect>,
  wanted: Array<typeof mrrMovements.$inferInsert>,
) =>
  stored.length === wanted.length &&
  stored.every((s, i) => {
    const w = wanted[i]!;
    return (
      s.currency === w.currency &&
      s.at.getTime() === w.at.getTime() &&
      s.kind === w.kind &&
      s.amount === w.amount &&
      s.mrrBefore === w.mrrBefore &&
      s.payingSince.getTime() === w.payingSince.getTime() &&
      s.subscriptionIds.join() === w.subscriptionIds.join() &&
      s.subscriptionsAfter.join() === w.subscriptionsAfter.join()
    );
  });

const INSERT_CHUNK = 500;
const DAY_MS = 86_400_000;

/** Adds the difference between `before` and `after` movements to mrr_daily (same transaction). */
async function applyDailyDeltas(
  tx: Tx,
  before: Array<Pick<typeof mrrMovements.$inferSelect, "currency" | "at" | "kind" | "amount">>,
  after: Array<Pick<typeof mrrMovements.$inferInsert, "currency" | "at" | "kind" | "amount">>,
) {
  const deltas = new Map<string, typeof mrrDaily.$inferInsert>();
  const add = (m: (typeof after)[number], sign: 1 | -1) => {
    const day = Math.floor(m.at.getTime() / DAY_MS) * DAY_MS;
    const key = `${m.currency}|${day}|${m.kind}`;
    const d = deltas.get(key) ?? {
      currency: m.currency,
      day: new Date(day),
      kind: m.kind,
      amount: 0,
      movements: 0,
    };
    d.amount += sign * m.amount;
    d.movements += sign;
    deltas.set(key, d);
  };
  for (const m of before) add(m, -1);
  for (const m of after) add(m, 1);
  for (const d of deltas.values()) {
    if (d.amount === 0 && d.movements === 0) continue;
    await tx
      .insert(mrrDaily)
      .values(d)
      .onConflictDoUpdate({
        target: [mrrDaily.currency, mrrDaily.day, mrrDaily.kind],
        set: {
          amount: sql`${mrrDaily.amount} + excluded.amount`,
          movements: sql`${mrrDaily.movements} + excluded.movements`,
        },
      });
  }
}

/** mrr_daily recomputed from mrr_movements. */
async function recomputeDaily(db: Db) {
  const day = sql.raw(`("at" / ${DAY_MS}) * ${DAY_MS}`);
  await withTransaction(db, async (tx) => {
    await tx.delete(mrrDaily);
    await tx.run(
      sql`insert into mrr_daily (currency, day, kind, amount, movements) select currency, ${day}, kind, sum(amount), count(*) from mrr_movements group by currency, ${day}, kind`,
    );
  });
}

async function insertMovements(tx: Tx, rows: Array<typeof mrrMovements.$inferInsert>) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await tx.insert(mrrMovements).values(rows.slice(i, i + INSERT_CHUNK));
}

/** Serializes writers of one customer's movements (PostgreSQL; SQLite serializes writers). */
const movementsLockKey = (customer: string) => `mrr_movements:${customer}`;

/**
 * Recomputes the movements of `customers` from their subscriptions' history (customers without
 * history keep none), rewrites the customers whose movements differ and adds the difference to
 * mrr_daily. Call inside a transaction; returns how many movements the customers have now.
 */
export async function rewriteCustomerMovements(
  tx: Tx,
  customers: string[],
  settings: MetricSettings,
): Promise<number> {
  await lockKeys(tx, customers.map(movementsLockKey));
  // One customer (a subscription event) is the hot path: prepared statements.
  const one = customers.length === 1 ? { customer: customers[0]! } : null;
  const rows = one
    ? await statements(tx).historyOf.all(one)
    : await tx
        .select(historyColumns)
        .from(subscriptionHistory)
        .where(inArray(subscriptionHistory.stripeCustomerId, customers));
  const wanted = new Map(
    movementsByCustomer(rows, settings).map(({ customer, movements }) => [
      customer,
      movements.map((m) => toRow(customer, m)),
    ]),
  );
  const stored = new Map<string, Array<typeof mrrMovements.$inferSelect>>();
  const storedRows = one
    ? await statements(tx).movementsOf.all(one)
    : await tx
        .select()
        .from(mrrMovements)
        .where(inArray(mrrMovements.stripeCustomerId, customers))
        .orderBy(...movementOrder);
  for (const m of storedRows)
    stored.set(m.stripeCustomerId, [...(stored.get(m.stripeCustomerId) ?? []), m]);
  const changed = customers.filter((c) => !sameMovements(stored.get(c) ?? [], wanted.get(c) ?? []));
  if (changed.length > 0) {
    const before = changed.flatMap((c) => stored.get(c) ?? []);
    const after = changed.flatMap((c) => wanted.get(c) ?? []);
    await tx.delete(mrrMovements).where(inArray(mrrMovements.stripeCustomerId, changed));
    await insertMovements(tx, after);
    await applyDailyDeltas(tx, before, after);
  }
  return [...wanted.values()].reduce((n, ms) => n + ms.length, 0);
}

/**
 * Recomputes one customer's movements from its subscriptions' history; writes only when they
 * differ. Call inside the transaction that changed the history.
 */
export async function refreshCustomerMovements(
  tx: Tx,
  stripeCustomerId: string,
  settings?: MetricSettings,
): Promise<void> {
  await rewriteCustomerMovements(
    tx,
    [stripeCustomerId],
    settings ?? (await loadMetricSettings(tx)),
  );
}

/**
 * Recomputes every customer's movements, a batch of customers per transaction (after the
 * recognition settings change, or to build the table for history written before it existed).
 */
export async function rebuildMovements(
  deps: MetricsDeps,
  options: { batch?: number } = {},
): Promise<{ customers: number; movements: number }> {
  const settings = await resolveSettings(deps);
  const customers = (
    await deps.db
      .selectDistinct({ id: subscriptionHistory.stripeCustomerId })
      .from(subscriptionHistory)
      .orderBy(asc(subscriptionHistory.stripeCustomerId))
  ).map((r) => r.id);
  const batch = options.batch ?? 1000;
  let movements = 0;
  for (let i = 0; i < customers.length; i += batch) {
    const ids = customers.slice(i, i + batch);
    const rows = await deps.db
      .select(historyColumns)
      .from(subscriptionHistory)
      .where(inArray(subscriptionHistory.stripeCustomerId, ids));
    const wanted = movementsByCustomer(rows, settings).flatMap(({ customer, movements: ms }) =>
      ms.map((m) => toRow(customer, m)),
    );
    movements += wanted.length;
    await withTransaction(deps.db, async (tx) => {
      await tx.delete(mrrMovements).where(inArray(mrrMovements.stripeCustomerId, ids));
      await insertMovements(tx, wanted);
    });
  }
  // Customers whose history is gone keep no movements.
  await deps.db
    .delete(mrrMovements)
    .where(
      notInArray(
        mrrMovements.stripeCustomerId,
        deps.db
          .selectDistinct({ id: subscriptionHistory.stripeCustomerId })
          .from(subscriptionHistory),
      ),
    );
  await recomputeDaily(deps.db);
  return { customers: customers.length, movements };
}
