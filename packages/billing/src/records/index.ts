import { refundRequestHook } from "../admin/refunds/hook.ts";
import type { SyncHooks } from "../sync/hooks.ts";
import { creditLedgerHook } from "./credit-ledger.ts";
import { customerLinkHook } from "./customer-link.ts";
import { orderHook, orderPaymentHook } from "./orders.ts";
import { subscriptionHistoryHook } from "./subscription-history.ts";

/**
 * Folio's own records, derived from synced Stripe objects. Customer links come first so orders
 * and ledger rows written by the same event can be attributed to the user. Staff refund requests
 * (admin/refunds) follow their Stripe refund's state.
 */
export const recordHooks: SyncHooks = [
  customerLinkHook,
  orderHook,
  orderPaymentHook,
  creditLedgerHook,
  subscriptionHistoryHook,
  refundRequestHook,
];
