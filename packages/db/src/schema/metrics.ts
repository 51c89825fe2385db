import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Revenue metrics' derived tables (packages/billing/src/metrics). Everything here is computed
// from subscription_history and can be rebuilt from it; money is integer minor units beside its
// currency, times are epoch ms.

export const MRR_MOVEMENT_KINDS = [
  "new",
  "expansion",
  "contraction",
  "churn",
  "reactivation",
] as const;
export type MrrMovementKind = (typeof MRR_MOVEMENT_KINDS)[number];

/**
 * One change of a customer's MRR in one currency: changes within the same hour are netted into
 * one row. A customer's rows are recomputed whenever one of its subscriptions' history changes,
 * so the MRR series is an aggregate over this table rather than a replay of history.
 * `amount` is signed (contraction and churn < 0); MRR at T = Σ amount of rows with at ≤ T.
 */
export const mrrMovements = sqliteTable(
  "mrr_movements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    currency: text("currency").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
    kind: text("kind", { enum: MRR_MOVEMENT_KINDS }).notNull(),
    amount: integer("amount").notNull(),
    mrrBefore: integer("mrr_before").notNull(),
    mrrAfter: integer("mrr_after").notNull(),
    /**
     * When the customer's paying spell this movement belongs to began (its latest new or
     * reactivation movement, this one included). A movement in [from, to) with
     * paying_since < from is one of a customer paying at `from`: NRR without a per-customer sort.
     */
    payingSince: integer("paying_since", { mode: "timestamp_ms" }).notNull(),
    /** Subscriptions whose MRR changed in this movement. */
    subscriptionIds: text("subscription_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** Subscriptions making up `mrr_after` (MRR > 0 after the movement). */
    subscriptionsAfter: text("subscriptions_after", { mode: "json" }).$type<string[]>().notNull(),
  },
  (t) => [
    // Series, KPIs and NRR: a covering range scan per currency.
    index("mrr_movements_by_currency_at").on(t.currency, t.at, t.kind, t.amount, t.payingSince),
    // Recomputing one customer; a customer's MRR at T.
    index("mrr_movements_by_customer").on(t.stripeCustomerId, t.currency, t.at),
  ],
);

/**
 * Σ of mrr_movements per currency, UTC day and kind, kept in step by the same transaction that
 * rewrites a customer's movements (deltas), so a 24-month series reads at most 730 × 5 rows.
 */
export const mrrDaily = sqliteTable(
  "mrr_daily",
  {
    currency: text("currency").notNull(),
    /** 00:00 UTC of the day. */
    day: integer("day", { mode: "timestamp_ms" }).notNull(),
    kind: text("kind", { enum: MRR_MOVEMENT_KINDS }).notNull(),
    amount: integer("amount").notNull(),
    movements: integer("movements").notNull(),
  },
  (t) => [uniqueIndex("mrr_daily_by_currency_day_kind").on(t.currency, t.day, t.kind)],
);

/**
 * A rebuild of mrr_movements (and mrr_daily) for every customer, asked for when the recognition
 * settings are saved and carried out in chunks of customers in the background (one row per
 * rebuild kind: `movements`). Saving again while one runs bumps `generation`: the rebuild starts
 * over with the new settings and a chunk of the old one cannot commit.
 */
export const metricRebuilds = sqliteTable("metric_rebuilds", {
  name: text("name").primaryKey(),
  generation: integer("generation").notNull(),
  /** Last stripe_customer_id rebuilt (customers go in id order); null before the first chunk. */
  cursor: text("cursor"),
  customersDone: integer("customers_done").notNull(),
  /** Customers with history when the rebuild started; null before the first chunk. */
  customersTotal: integer("customers_total"),
  requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
  /** Null while the rebuild is pending or running. */
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
});

/** A month finance closed: its figures per currency as they were at close. */
export const metricMonthCloses = sqliteTable(
  "metric_month_closes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** "YYYY-MM", UTC. */
    month: text("month").notNull(),
    currency: text("currency").notNull(),
    mrr: integer("mrr").notNull(),
    customers: integer("customers").notNull(),
    newMrr: integer("new_mrr").notNull(),
    expansionMrr: integer("expansion_mrr").notNull(),
    contractionMrr: integer("contraction_mrr").notNull(),
    churnedMrr: integer("churned_mrr").notNull(),
    reactivationMrr: integer("reactivation_mrr").notNull(),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }).notNull(),
    /** Audit actor type and id of who closed it. */
    closedByType: text("closed_by_type").notNull(),
    closedById: text("closed_by_id"),
  },
  (t) => [uniqueIndex("metric_month_closes_by_month_currency").on(t.month, t.currency)],
);

/** Each customer's figures in a closed month, to say later which customers a restatement moved. */
export const metricCloseCustomers = sqliteTable(
  "metric_close_customers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    closeId: integer("close_id")
      .notNull()
      .references(() => metricMonthCloses.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /** MRR at the month's end. */
    mrr: integer("mrr").notNull(),
    /** Σ of the customer's movements in the month. */
    netNewMrr: integer("net_new_mrr").notNull(),
  },
  (t) => [uniqueIndex("metric_close_customers_by_close").on(t.closeId, t.stripeCustomerId)],
);
