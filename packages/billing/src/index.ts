export { manualClock, systemClock, type Clock } from "./clock.ts";
export { DomainError, isDomainError, type DomainErrorCode } from "./errors.ts";
export { formatMoney, isZeroDecimal } from "./money.ts";
