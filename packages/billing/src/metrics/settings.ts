import type { MetricSettings } from "./api.ts";

/** Churn when a subscription ends; past_due counts until Stripe cancels it or marks it unpaid. */
export const DEFAULT_METRIC_SETTINGS: MetricSettings = Object.freeze({
  pastDueChurnDays: null,
  churnAtCancelRequest: false,
});

export const settingsOf = (deps: { settings?: MetricSettings }): MetricSettings =>
  deps.settings ?? DEFAULT_METRIC_SETTINGS;
