// Credit wallets (issue 13): every balance change goes through wallets/ledger.ts.
export { walletActor, type WalletActor } from "./ledger.ts";
export {
  listWalletTransactions,
  walletBalance,
  type WalletTransaction,
  type WalletTransactionFilter,
} from "./list.ts";
export {
  SUPPORT_CREDIT_LIMIT,
  debitCredits,
  debitCreditsInput,
  grantCredits,
  grantCreditsInput,
  type WalletStaffDeps,
} from "./staff.ts";
export { expireCreditsJob, expireWalletCredits, walletTopUpHook } from "./packs.ts";
export { LOW_BALANCE_SHARE, lowBalanceThreshold } from "./low-balance.ts";
