// Metered usage (issue 13): see usage/record.ts for the draw-down rules.
export {
  MAX_EVENT_AGE_DAYS,
  type UsageErrorCode,
  type UsageEventError,
  type UsageEventInput,
} from "./input.ts";
export { MAX_BATCH, recordUsage, type RecordedUsage, type UsageEventResult } from "./record.ts";
export {
  entitlements,
  usageByDay,
  type Entitlements,
  type MeterEntitlement,
} from "./entitlements.ts";
export { ENTITLED_STATUSES, planTermsAt, type PlanTerms } from "./plan.ts";
export { usagePlanHook } from "./plan-hook.ts";
export {
  authenticateApiKey,
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  revokeApiKey,
  type ApiKeyCheck,
  type ApiKeyView,
} from "./api-keys.ts";
// Test support (no test-runner dependency).
export {
  addUsageCustomer,
  seedUsageCatalog,
  subscribeInMirror,
  usageTestCatalog,
} from "./testing.ts";
