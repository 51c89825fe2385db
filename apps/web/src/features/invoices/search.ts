import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";

export type Invoice = RouterOutputs["portal"]["invoices"]["list"]["items"][number];

/** The invoice list's page in the URL (newest first; no filters: a customer has a handful). */
export const invoiceListSearch = defineListSearch({ filters: {} });

export type InvoiceSearch = ReturnType<typeof invoiceListSearch.parse>;
