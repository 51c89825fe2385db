// Staff refunds of orders and paid invoices (see create.ts and execute.ts for the model).
export { createRefund, createRefundInput, type CreateRefundInput } from "./create.ts";
export { executeRefund, type RefundRow } from "./execute.ts";
export { refundRequestHook } from "./hook.ts";
export {
  listRefunds,
  refundListFilters,
  refundOptions,
  refundsOf,
  type RefundListFilters,
  type RefundListItem,
  type RefundOptions,
} from "./list.ts";
export type { RefundTargetInput } from "./target.ts";
