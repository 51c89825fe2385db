export { formatMoney, isZeroDecimal } from "./money.ts";
