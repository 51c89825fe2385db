// Changing plan or seats with an exact preview (issue 8, item 4): upgrades now and invoiced at
// once, downgrades and shorter periods at the end of the period through a subscription schedule.
export {
  changeCatalog,
  type CatalogRecurringPrice,
  type ChangeCatalog,
  type Interval,
} from "./plan-change/catalog.ts";
export {
  MAX_SEATS,
  planTargetSchema,
  type ChangeTiming,
  type PlanTarget,
} from "./plan-change/change.ts";
export { planChangeOptions, type PlanChangeOptions } from "./plan-change/options.ts";
export {
  previewPlanChange,
  type PlanChangeDeps,
  type PlanChangePreview,
  type PreviewLine,
} from "./plan-change/preview.ts";
export {
  confirmPlanChange,
  confirmPlanChangeSchema,
  PLAN_CHANGED,
  type ConfirmPlanChangeInput,
  type PlanChangeResult,
} from "./plan-change/apply.ts";
export {
  cancelScheduledChange,
  pendingPlanChange,
  PLAN_CHANGE_CANCELED,
  PLAN_CHANGE_SCHEDULED,
  type PendingPlanChange,
} from "./plan-change/schedule.ts";
