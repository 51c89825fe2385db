// Overage on metered plans billed through Stripe billing meters (issue 13).
export {
  OVERAGE_REPORT_INTERVAL_MS,
  overageSweepJob,
  planOverageReports,
  reportOverageJob,
} from "./jobs.ts";
export {
  overageIdentifier,
  sendOverageReport,
  unreportedOverage,
  type OverageDeps,
  type OverageReport,
} from "./report.ts";
export { formatOverageSetupReport, setupOverageBilling, type OverageSetupReport } from "./setup.ts";
