import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";

export type CreditEntry = RouterOutputs["portal"]["credit"]["ledger"]["items"][number];

/** The credit ledger's page in the URL (newest first). */
export const creditLedgerSearch = defineListSearch({ filters: {} });
