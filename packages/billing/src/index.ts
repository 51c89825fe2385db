export { manualClock, systemClock, type Clock } from "./clock.ts";
export { DomainError, isDomainError, type DomainErrorCode } from "./errors.ts";
export { formatMoney, isZeroDecimal } from "./money.ts";
export { callStripe, isStripeError, stripeFailure } from "./stripe-errors.ts";
export {
  noHooks,
  type SyncChange,
  type SyncChangeType,
  type SyncDeps,
  type SyncEventRef,
  type SyncHook,
  type SyncHooks,
  type SyncObjectMap,
  type SyncTx,
} from "./sync/hooks.ts";
export {
  CATALOG_FORMAT_VERSION,
  CatalogFileError,
  DEMO_CATALOG_PATH,
  catalogSchema,
  demoCatalog,
  loadCatalogFile,
  parseCatalog,
  type Catalog,
  type CatalogInput,
  type CatalogPrice,
  type CatalogProduct,
  type ProductKind,
} from "./catalog/schema.ts";
export {
  formatUsageCatalogReport,
  syncUsageCatalog,
  type UsageCatalogReport,
} from "./catalog/usage.ts";
export {
  formatCatalogReport,
  pushCatalog,
  type CatalogAction,
  type CatalogChange,
  type CatalogPushReport,
  type PushCatalogOptions,
} from "./catalog/push.ts";
export {
  customerLinkHook,
  ensureStripeCustomer,
  linkStripeCustomer,
  stripeCustomerIdFor,
  userIdForStripeCustomer,
  type BillingDeps,
  type BillingUser,
} from "./customers.ts";
export {
  ENDED_SUBSCRIPTION_WINDOW_DAYS,
  listCustomerSubscriptions,
  type CustomerSubscription,
  type CustomerSubscriptionItem,
} from "./portal/subscriptions.ts";
export {
  RECOVERY_STATUSES,
  billingOverview,
  currentSubscription,
  defaultCard,
  nextCharge,
  pendingChange,
  type BillingOverview,
  type CardSummary,
  type CurrentSubscription,
  type NextCharge,
  type OpenInvoice,
} from "./portal/overview.ts";
export {
  CANCELLATION_FEEDBACK,
  cancelInput,
  cancelSubscriptionAtPeriodEnd,
  resumeInput,
  resumeSubscription,
  type CancellationFeedback,
} from "./portal/cancel.ts";
export {
  completeCardUpdate,
  completeCardUpdateInput,
  payOpenInvoice,
  payOpenInvoiceInput,
  startCardUpdate,
  startCardUpdateInput,
  type PayOutcome,
} from "./portal/recovery.ts";
export {
  invoiceState,
  listCustomerInvoices,
  type CustomerInvoice,
  type InvoiceState,
} from "./portal/invoices.ts";
export {
  customerCreditBalance,
  listCreditLedger,
  type CreditLedgerEntry,
  type CreditSource,
  type CustomerCreditBalance,
} from "./portal/credit.ts";
export {
  listCustomerOrders,
  type CustomerOrder,
  type CustomerOrderItem,
  type ShipmentState,
} from "./portal/orders.ts";
export {
  changePassword,
  isWrongPassword,
  updateProfile,
  type ChangePasswordInput,
  type UpdatedProfile,
  type UpdateProfileInput,
} from "./accounts/profile.ts";
export {
  listSellableCatalog,
  type CatalogPriceView,
  type CatalogProductView,
  type SellableCatalog,
} from "./portal/catalog.ts";
export {
  SHIPPING_COUNTRIES,
  buyInput,
  checkoutContext,
  confirmCheckout,
  confirmInput,
  startShopCheckout,
  startSubscriptionCheckout,
  subscribeInput,
  type CheckoutConfirmation,
  type CheckoutContext,
  type CheckoutStart,
  type CheckoutState,
} from "./portal/checkout.ts";
export {
  MAX_SEATS,
  PLAN_CHANGED,
  PLAN_CHANGE_CANCELED,
  PLAN_CHANGE_SCHEDULED,
  cancelScheduledChange,
  confirmPlanChange,
  confirmPlanChangeSchema,
  pendingPlanChange,
  planChangeOptions,
  planTargetSchema,
  previewPlanChange,
  type CatalogRecurringPrice,
  type ConfirmPlanChangeInput,
  type PendingPlanChange,
  type PlanChangeOptions,
  type PlanChangePreview,
  type PlanChangeResult,
} from "./portal/plan-change.ts";
export { actorId, syncActor, type Actor } from "./audit/actor.ts";
// Accounts (users and staff): see accounts/index.ts for the list.
export * from "./accounts/index.ts";
export * from "./admin/orders/index.ts";
export * from "./admin/fulfilment/index.ts";
export * from "./admin/audit/index.ts";
export * from "./admin/home/index.ts";
export * from "./admin/customers/index.ts";
export * from "./admin/refunds/index.ts";
export * from "./admin/credit-grants/index.ts";
export * from "./admin/approvals/index.ts";
export {
  SETTINGS,
  SETTING_KEYS,
  currencyCode,
  getSetting,
  listSettings,
  updateSetting,
  type SettingKey,
  type SettingRow,
  type SettingValue,
} from "./settings.ts";
export { audit, type AuditEntry } from "./audit/audit.ts";
export { recordHooks } from "./records/index.ts";
export {
  fetchLineItems,
  isPaidPaymentSession,
  orderHook,
  orderIdFor,
  orderPaymentHook,
  refreshOrderPayment,
  writeOrder,
  type PreparedLineItem,
} from "./records/orders.ts";
export { creditLedgerHook } from "./records/credit-ledger.ts";
export {
  snapshotSubscription,
  subscriptionHistoryHook,
  type SubscriptionSnapshot,
} from "./records/subscription-history.ts";
export {
  ingestEvent,
  ingestWebhook,
  type IngestInput,
  type IngestResult,
} from "./webhooks/ingest.ts";
export {
  signStripePayload,
  verifyStripeSignature,
  type SignatureFailure,
} from "./webhooks/signature.ts";
export {
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  processHolder,
  startWebhookWorker,
  type DrainResult,
  type WebhookWorker,
  type WorkerLogger,
  type WorkerOptions,
} from "./webhooks/worker.ts";
export { applyInboxEvent, UnappliableEventError, type InboxEvent } from "./webhooks/apply.ts";
export { replayUndelivered, type ReplayResult } from "./webhooks/replay.ts";
export {
  SYNC_ORDER,
  resyncCustomer,
  syncAll,
  formatSyncSummary,
  type SyncAllOptions,
  type SyncCounts,
  type SyncProgress,
  type SyncSummary,
} from "./sync/backfill.ts";
export { eventTarget } from "./sync/events.ts";
export type { MirrorKind } from "./sync/kinds.ts";
export { PlanConflictError } from "./sync/write.ts";
export { storeStripeResult, type StoreStripeResultInput } from "./sync/write-path.ts";
export {
  listWebhookEvents,
  retryWebhookEvent,
  retryDeadWebhookEvents,
  webhookEventById,
  webhookStats,
} from "./webhooks/admin.ts";
export {
  PRUNED_PAYLOAD,
  pruneWebhookInbox,
  type PruneWebhookInboxOptions,
  type PruneWebhookInboxResult,
} from "./webhooks/prune.ts";
export { pruneWebhookInboxJob } from "./webhooks/prune-job.ts";
// Test support (no test-runner dependency): recorded deliveries and convergence checks.
export {
  convergenceProblems,
  frozenAccountClient,
  prng,
  recordEvents,
  shuffle,
} from "./sync/testing.ts";
export { deliver as deliverSignedEvents, TEST_WEBHOOK_SECRET } from "./webhooks/testing.ts";
export { attachDefaultCard, priceIdsByLookupKey } from "./portal/testing.ts";
// Revenue metrics (issue 10): see metrics/api.ts and docs/METRICS.md.
export * from "./metrics/index.ts";
// Durable job queue (issue 11): see jobs/index.ts.
export * from "./jobs/index.ts";
// E-mails as jobs (issue 11): payloads, enqueueing, the sync hook.
export * from "./notifications/index.ts";
// Usage and credit wallets (issue 13).
export * from "./usage/index.ts";
export * from "./wallets/index.ts";
// Outbound webhooks (issue 11): see outbound/index.ts.
export * from "./outbound/index.ts";
// Usage page, admin wallets and overage billed through Stripe (issue 13).
export {
  CHART_DAYS,
  usageAlerts,
  usageOverview,
  type MeterUsage,
  type UsageAlert,
  type UsageOverview,
} from "./portal/usage.ts";
export {
  listAllWalletTransactions,
  walletTransactionFilters,
  type WalletTransactionFilters,
} from "./admin/wallets/list.ts";
export * from "./overage/index.ts";
