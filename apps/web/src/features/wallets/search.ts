import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { isoDate, oneOf, text } from "@/lib/search-params";
import { TRANSACTION_LABELS } from "@/features/usage/search";

export type AdminWalletTransaction =
  RouterOutputs["admin"]["wallets"]["transactions"]["items"][number];

/** Staff read the ledger's own words for each type. */
export const WALLET_TYPE_LABELS: Record<AdminWalletTransaction["type"], string> = {
  ...TRANSACTION_LABELS,
  top_up: "Top-up (credit pack)",
  grant: "Grant by staff",
  debit: "Debit by staff",
  usage: "Usage",
};

const TYPES = Object.keys(WALLET_TYPE_LABELS) as [
  AdminWalletTransaction["type"],
  ...AdminWalletTransaction["type"][],
];

/** The all-customers wallet transactions list in the URL: filters and page (newest first). */
export const walletTransactionsSearch = defineListSearch({
  filters: {
    customer: text({ trim: true, min: 1, max: 200 }),
    type: oneOf(TYPES),
    from: isoDate,
    to: isoDate,
  },
});

export type WalletTransactionsSearch = ReturnType<typeof walletTransactionsSearch.parse>;
