import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { MRR_MOVEMENT_KINDS } from "../schema/metrics.ts";
import { autoId, epochMs, int } from "./columns.ts";

// PostgreSQL twin of ../schema/metrics.ts (schema-lockstep.test.ts keeps them in step).

export const mrrMovements = pgTable(
  "mrr_movements",
  {
    id: autoId(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    currency: text("currency").notNull(),
    at: epochMs("at").notNull(),
    kind: text("kind", { enum: MRR_MOVEMENT_KINDS }).notNull(),
    amount: int("amount").notNull(),
    mrrBefore: int("mrr_before").notNull(),
    mrrAfter: int("mrr_after").notNull(),
    payingSince: epochMs("paying_since").notNull(),
    subscriptionIds: jsonb("subscription_ids").$type<string[]>().notNull(),
    subscriptionsAfter: jsonb("subscriptions_after").$type<string[]>().notNull(),
  },
  (t) => [
    index("mrr_movements_by_currency_at").on(t.currency, t.at, t.kind, t.amount, t.payingSince),
    index("mrr_movements_by_customer").on(t.stripeCustomerId, t.currency, t.at),
  ],
);

export const mrrDaily = pgTable(
  "mrr_daily",
  {
    currency: text("currency").notNull(),
    day: epochMs("day").notNull(),
    kind: text("kind", { enum: MRR_MOVEMENT_KINDS }).notNull(),
    amount: int("amount").notNull(),
    movements: int("movements").notNull(),
  },
  (t) => [uniqueIndex("mrr_daily_by_currency_day_kind").on(t.currency, t.day, t.kind)],
);

export const metricRebuilds = pgTable("metric_rebuilds", {
  name: text("name").primaryKey(),
  generation: int("generation").notNull(),
  cursor: text("cursor"),
  customersDone: int("customers_done").notNull(),
  customersTotal: int("customers_total"),
  requestedAt: epochMs("requested_at").notNull(),
  finishedAt: epochMs("finished_at"),
});

export const metricMonthCloses = pgTable(
  "metric_month_closes",
  {
    id: autoId(),
    month: text("month").notNull(),
    currency: text("currency").notNull(),
    mrr: int("mrr").notNull(),
    customers: int("customers").notNull(),
    newMrr: int("new_mrr").notNull(),
    expansionMrr: int("expansion_mrr").notNull(),
    contractionMrr: int("contraction_mrr").notNull(),
    churnedMrr: int("churned_mrr").notNull(),
    reactivationMrr: int("reactivation_mrr").notNull(),
    closedAt: epochMs("closed_at").notNull(),
    closedByType: text("closed_by_type").notNull(),
    closedById: text("closed_by_id"),
  },
  (t) => [uniqueIndex("metric_month_closes_by_month_currency").on(t.month, t.currency)],
);

export const metricCloseCustomers = pgTable(
  "metric_close_customers",
  {
    id: autoId(),
    closeId: int("close_id")
      .notNull()
      .references(() => metricMonthCloses.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    mrr: int("mrr").notNull(),
    netNewMrr: int("net_new_mrr").notNull(),
  },
  (t) => [uniqueIndex("metric_close_customers_by_close").on(t.closeId, t.stripeCustomerId)],
);
