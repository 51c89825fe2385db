import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";

export type UsageOverview = RouterOutputs["portal"]["usage"]["overview"];
export type MeterUsage = UsageOverview["meters"][number];
export type UsageAlert = UsageOverview["alerts"][number];
export type WalletTransaction = RouterOutputs["portal"]["usage"]["transactions"]["items"][number];

/** The transaction list's page in the URL (newest first). */
export const usageTransactionsSearch = defineListSearch({ filters: {} });

/** How each ledger entry type reads to the customer. */
export const TRANSACTION_LABELS: Record<WalletTransaction["type"], string> = {
  top_up: "Credit pack",
  grant: "Credits from our team",
  debit: "Adjustment by our team",
  usage: "Used",
  expiry: "Expired",
  pack_refund: "Pack refunded",
};

/** "+1,000" / "−25" (a real minus sign). */
export function signedUnits(units: number): string {
  const n = Math.abs(units).toLocaleString("en-US");
  return units > 0 ? `+${n}` : units < 0 ? `\u2212${n}` : n;
}
