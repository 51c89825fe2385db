import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { Actor } from "../audit/actor.ts";
import type { Clock } from "../clock.ts";
import type { SubscriptionSnapshot } from "../records/subscription-history.ts";

// The revenue metrics engine's public surface (issue 10). Every figure is per currency, in
// integer minor units; there is no FX. Times are UTC; buckets start at 00:00 UTC (weeks on
// Monday, months on the 1st). Definitions with worked examples: docs/METRICS.md.

/** How MRR is recognised. Defaults: churn when a subscription ends; past_due keeps counting. */
export interface MetricSettings {
  /** A past_due subscription stops counting (churns) this many days after it went past_due;
   * null = it counts until Stripe cancels it or marks it unpaid. */
  pastDueChurnDays: number | null;
  /** Churn is recognised when the customer asks to cancel (cancel_at_period_end / cancel_at
   * set), not when the subscription ends. */
  churnAtCancelRequest: boolean;
}

export interface MetricsDeps {
  db: Db;
  clock: Clock;
  /** Omitted: `DEFAULT_METRIC_SETTINGS`. */
  settings?: MetricSettings;
}

export type Bucket = "day" | "week" | "month";

export const MOVEMENT_KINDS = ["new", "expansion", "contraction", "churn", "reactivation"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** A time range [from, to): `from` inclusive, `to` exclusive. */
export interface MetricsRange {
  currency: string;
  from: Date;
  to: Date;
}

export interface SeriesInput extends MetricsRange {
  bucket: Bucket;
}

/** One bucket of the MRR series. Movements are signed: contraction and churn are ≤ 0, so
 * `netNew = new + expansion + contraction + churn + reactivation` and `mrr` (at the bucket's
 * end) = previous bucket's `mrr` + `netNew`. */
export interface MrrBucket {
  start: Date;
  /** Exclusive. The last bucket ends at the range's `to`. */
  end: Date;
  mrr: number;
  arr: number;
  /** Customers with MRR > 0 at `end`. */
  customers: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
  netNew: number;
}

export interface MrrSeries {
  currency: string;
  bucket: Bucket;
  /** MRR just before the first bucket. */
  openingMrr: number;
  buckets: MrrBucket[];
}

/** A figure for the range and the same-length range just before it. `null`: undefined (e.g.
 * a rate with nothing at the start). Rates are fractions (0.05 = 5 %). */
export interface Kpi {
  value: number | null;
  previous: number | null;
}

export interface MetricKpis {
  currency: string;
  from: Date;
  to: Date;
  /** MRR at `to` (previous: at `from`). */
  mrr: Kpi;
  arr: Kpi;
  netNewMrr: Kpi;
  newMrr: Kpi;
  expansionMrr: Kpi;
  /** ≤ 0 */
  contractionMrr: Kpi;
  /** ≤ 0 */
  churnedMrr: Kpi;
  reactivationMrr: Kpi;
  /** Customers with MRR > 0 at `to`. */
  activeSubscribers: Kpi;
  /** Average revenue per account: MRR ÷ active subscribers (minor units, rounded). */
  arpa: Kpi;
  /** Customers churned in the range ÷ customers at its start. */
  customerChurnRate: Kpi;
  /** (churn + contraction) ÷ MRR at the start (positive fraction). */
  grossMrrChurnRate: Kpi;
  /** (churn + contraction − expansion − reactivation) ÷ MRR at the start; negative = net expansion. */
  netMrrChurnRate: Kpi;
  /** (MRR at start + expansion + contraction + churn of customers active at start) ÷ MRR at start. */
  netRevenueRetention: Kpi;
  /** Trials that ended in the range and became paying ÷ trials that ended in the range. */
  trialConversionRate: Kpi;
  /** Paid invoices and one-time charges less refunds, by when the money moved. */
  cashCollected: Kpi;
  /** Refunds issued in the range (positive amount). */
  refunds: Kpi;
}

export interface CustomerRef {
  stripeCustomerId: string;
  /** Folio user linked to the Stripe customer, if any. */
  userId: string | null;
  email: string | null;
  name: string | null;
}

/** One customer's movement (or, for `explainMrr`, one customer's MRR). */
export interface ExplainRow {
  customer: CustomerRef;
  /** `explainMrr` rows have kind null. */
  kind: MovementKind | null;
  /** Signed movement amount (explainMovements) or the customer's MRR (explainMrr). */
  amount: number;
  mrrBefore: number;
  mrrAfter: number;
  at: Date;
  /** Subscriptions whose change made the movement (or that make up the MRR). */
  subscriptionIds: string[];
}

/** One page of the list behind a figure: Σ rows.amount over every page = total = the figure
 * shown on the chart. */
export interface Explanation {
  currency: string;
  /** Σ amount over the whole list (computed by the database, not from this page). */
  total: number;
  /** Rows in the whole list. */
  count: number;
  rows: ExplainRow[];
  /** Opaque cursor of the next page; null on the last. */
  nextCursor: string | null;
}

/** Keyset paging of an explanation. */
export interface ExplainPage {
  /** Rows per page; omitted: the whole list in one page. */
  limit?: number;
  /** `nextCursor` of the page before. */
  cursor?: string;
}

export interface ExplainMovementsInput extends MetricsRange, ExplainPage {
  /** Omitted: every kind (total = net new MRR). */
  kind?: MovementKind;
}

export interface ExplainMrrInput extends ExplainPage {
  currency: string;
  /** MRR as of this instant (a bucket's `end` gives that bucket's MRR). */
  at: Date;
}

export interface PlanMrr {
  productId: string;
  productName: string | null;
  mrr: number;
  subscriptions: number;
}

export interface ChurnReason {
  /** Stripe's `cancellation_details.feedback` (the portal survey), or "unknown". */
  reason: string;
  /** Churned MRR in the range attributed to this reason (≤ 0). */
  mrr: number;
  customers: number;
  /** Free-text comments left with it, newest first (at most 20). */
  comments: string[];
}

export interface TrialPipeline {
  currency: string;
  /** Subscriptions trialing now. */
  trialing: number;
  /** What those trials would add to MRR if all convert. */
  potentialMrr: number;
  /** Trials ending in the next 7 days. */
  endingSoon: number;
  /** Trials that ended in the range: converted / lapsed. */
  converted: number;
  lapsed: number;
}

export interface ClosedMonth {
  month: string; // "YYYY-MM"
  currency: string;
  closedAt: Date;
  closedBy: string | null;
  /** The figures as snapshotted at close. */
  mrr: number;
  customers: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
}

export interface Restatement {
  month: string;
  currency: string;
  /** Figure name → { closed, now }; only those that differ. */
  figures: Record<string, { closed: number; now: number }>;
  /** Per customer: what changed and the late history rows (recorded after close) that caused it. */
  customers: Array<{
    customer: CustomerRef;
    closedMrr: number;
    nowMrr: number;
    causes: Array<{
      subscriptionId: string;
      eventType: string;
      eventId: string | null;
      effectiveAt: Date;
      recordedAt: Date;
    }>;
  }>;
}

export type ReconcileCause =
  | "missing_in_folio" // Stripe has a subscription Folio never stored
  | "missing_in_stripe" // Folio counts a subscription Stripe does not return
  | "stale_state" // status/items/discounts differ: a webhook not yet applied
  | "unpriced_item" // an item with no flat unit amount (tiered) Folio cannot value
  | "setting" // Folio's recognition settings (past_due / cancel request) differ from Stripe's state
  | "rounding";

export interface ReconcileRow {
  customer: CustomerRef;
  currency: string;
  folioMrr: number;
  stripeMrr: number;
  difference: number;
  causes: Array<{ subscriptionId: string; cause: ReconcileCause; detail: string }>;
}

export interface Reconciliation {
  checkedAt: Date;
  customers: number;
  subscriptions: number;
  /** Only customers whose MRR differs. */
  differences: ReconcileRow[];
  totals: Array<{ currency: string; folioMrr: number; stripeMrr: number }>;
}

/** What `subscriptionMrr` reads of a subscription: a history row or `snapshotSubscription(sub)`. */
export type MrrSnapshot = Pick<
  SubscriptionSnapshot,
  "status" | "currency" | "items" | "discounts" | "cancelAtPeriodEnd" | "cancelAt" | "paused"
>;

/** Signatures the engine exports (implemented in the sibling modules, re-exported by index.ts). */
export interface MetricsApi {
  /** The one MRR definition (pure): minor units of `snapshot.currency` at instant `at` (which
   * repeating discounts are still on). History rows store it; reconciliation uses it on Stripe's
   * live objects. */
  subscriptionMrr(snapshot: MrrSnapshot, at: Date, settings?: MetricSettings): number;
  mrrSeries(deps: MetricsDeps, input: SeriesInput): Promise<MrrSeries>;
  metricKpis(deps: MetricsDeps, input: MetricsRange): Promise<MetricKpis>;
  explainMovements(deps: MetricsDeps, input: ExplainMovementsInput): Promise<Explanation>;
  explainMrr(deps: MetricsDeps, input: ExplainMrrInput): Promise<Explanation>;
  /** MRR by product at `at` (default now). */
  mrrByPlan(deps: MetricsDeps, input: { currency: string; at?: Date }): Promise<PlanMrr[]>;
  churnByReason(deps: MetricsDeps, input: MetricsRange): Promise<ChurnReason[]>;
  trialPipeline(deps: MetricsDeps, input: MetricsRange): Promise<TrialPipeline>;
  /** Currencies with any MRR history, most MRR first. */
  metricsCurrencies(deps: MetricsDeps): Promise<string[]>;
  /** Snapshots every currency's figures for the month; audited. CONFLICT if already closed,
   * BAD_REQUEST if the month has not ended. */
  closeMonth(
    deps: MetricsDeps & { actor: Actor },
    input: { month: string },
  ): Promise<ClosedMonth[]>;
  closedMonths(deps: MetricsDeps): Promise<ClosedMonth[]>;
  restatements(deps: MetricsDeps, input: { month: string }): Promise<Restatement[]>;
  reconcileMrr(
    deps: MetricsDeps & { stripe: Stripe },
    input: { currency?: string },
  ): Promise<Reconciliation>;
}
