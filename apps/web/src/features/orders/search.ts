import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";

export type Order = RouterOutputs["portal"]["orders"]["list"]["items"][number];

/** The orders page in the URL (newest first). */
export const orderListSearch = defineListSearch({ filters: {} });
