// Revenue metrics (issue 10): the public surface is described in api.ts, definitions and
// golden tests in docs/METRICS.md.
export * from "./api.ts";
export { DEFAULT_METRIC_SETTINGS } from "./settings.ts";
export { discountApplies, subscriptionMrr, subscriptionMrrByProduct } from "./mrr.ts";
export {
  customerMovements,
  subscriptionSteps,
  type HistoryState,
  type Movement,
} from "./movements.ts";
export {
  METRIC_SETTINGS_KEY,
  loadMetricSettings,
  metricSettingsSchema,
  rebuildMovements,
  refreshCustomerMovements,
} from "./store.ts";
export {
  continueMovementsRebuild,
  movementsRebuildStatus,
  requestMovementsRebuild,
  type RebuildStatus,
} from "./rebuild.ts";
export { rebuildMovementsJob } from "./rebuild-job.ts";
export { mrrSeries, rangeInput, seriesInput } from "./series.ts";
export { metricKpis } from "./kpis.ts";
export { trialPipeline } from "./trials.ts";
export {
  churnByReason,
  explainMovements,
  explainMrr,
  metricsCurrencies,
  mrrByPlan,
} from "./explain.ts";
export { closeMonth, closedMonths, monthInput, restatements } from "./close.ts";
export { reconcileMrr } from "./reconcile.ts";
