import { refundRequestHook } from "../admin/refunds/hook.ts";
import { emailHook } from "../notifications/hook.ts";
import type { SyncHooks } from "../sync/hooks.ts";
import { creditLedgerHook } from "./credit-ledger.ts";
import { customerLinkHook } from "./customer-link.ts";
import { outboundWebhookHook } from "../outbound/hook.ts";
import { orderHook, orderPaymentHook } from "./orders.ts";
import { subscriptionHistoryHook } from "./subscription-history.ts";
import { usagePlanHook } from "../usage/plan-hook.ts";
import { walletTopUpHook } from "../wallets/packs.ts";

/**
 * Folio's own records, derived from synced Stripe objects. Customer links come first so orders
 * and ledger rows written by the same event can be attributed to the user. Staff refund requests
 * (admin/refunds) follow their Stripe refund's state. Wallets come after orders: a paid credit
 * pack tops up from the order written by the same change, a refund reverses from the order's
 * refreshed payment state; usage counters follow the customer's plan. E-mails and outbound
 * webhook events come last, once the records they describe are written.
 */
export const recordHooks: SyncHooks = [
  customerLinkHook,
  orderHook,
  orderPaymentHook,
  creditLedgerHook,
  subscriptionHistoryHook,
  refundRequestHook,
  walletTopUpHook,
  usagePlanHook,
  emailHook,
  outboundWebhookHook,
];
