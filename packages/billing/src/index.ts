export { manualClock, systemClock, type Clock } from "./clock.ts";
export { DomainError, isDomainError, type DomainErrorCode } from "./errors.ts";
export { formatMoney, isZeroDecimal } from "./money.ts";
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
