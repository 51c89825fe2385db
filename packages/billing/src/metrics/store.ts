import {
  mrrMovements,
  settings as settingsTable,
  subscriptionHistory,
  withTransaction,
  type Db,
  type Tx,
} from "@folio/db";
import { asc, eq, inArray, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { MetricSettings, MetricsDeps } from "./api.ts";
import { customerMovements, type HistoryState, type Movement } from "./movements.ts";
import { DEFAULT_METRIC_SETTINGS } from "./settings.ts";

// mrr_movements is derived from subscription_history: recomputed for one customer whenever the
// history of one of its subscriptions is rewritten (records/subscription-history.ts calls
// `refreshCustomerMovements` in the same transaction), and for everyone by `rebuildMovements`
// after the recognition settings change. Series and KPIs only aggregate it.

/** The settings key the recognition settings are saved under (one JSON value). */
export const METRIC_SETTINGS_KEY = "metrics.recognition";

export const metricSettingsSchema = z.object({
  pastDueChurnDays: z.number().int().min(1).max(365).nullable(),
  churnAtCancelRequest: z.boolean(),
});

/** The saved recognition settings, or the defaults. */
export async function loadMetricSettings(db: Db): Promise<MetricSettings> {
  const row = await db
    .select({ value: settingsTable.value })
    .from(settingsTable)
    .where(eq(settingsTable.key, METRIC_SETTINGS_KEY))
    .get();
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
      s.subscriptionIds.join() === w.subscriptionIds.join() &&
      s.subscriptionsAfter.join() === w.subscriptionsAfter.join()
    );
  });

const INSERT_CHUNK = 500;

async function insertMovements(tx: Tx, rows: Array<typeof mrrMovements.$inferInsert>) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await tx.insert(mrrMovements).values(rows.slice(i, i + INSERT_CHUNK));
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
  const resolved = settings ?? (await loadMetricSettings(tx));
  const rows = await tx
    .select(historyColumns)
    .from(subscriptionHistory)
    .where(eq(subscriptionHistory.stripeCustomerId, stripeCustomerId));
  const wanted = (movementsByCustomer(rows, resolved)[0]?.movements ?? []).map((m) =>
    toRow(stripeCustomerId, m),
  );
  const stored = await tx
    .select()
    .from(mrrMovements)
    .where(eq(mrrMovements.stripeCustomerId, stripeCustomerId))
    .orderBy(asc(mrrMovements.at), asc(mrrMovements.currency), asc(mrrMovements.id));
  if (sameMovements(stored, wanted)) return;
  await tx.delete(mrrMovements).where(eq(mrrMovements.stripeCustomerId, stripeCustomerId));
  await insertMovements(tx, wanted);
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
  return { customers: customers.length, movements };
}
