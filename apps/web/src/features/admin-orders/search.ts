import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { isoDate, oneOf, text, wholeNumber } from "@/lib/search-params";

export type AdminOrderRow = RouterOutputs["admin"]["orders"]["list"]["items"][number];
export type AdminOrder = RouterOutputs["admin"]["orders"]["byId"];
export type PaymentState = AdminOrderRow["paymentState"];
export type FulfilmentState = NonNullable<AdminOrderRow["fulfilmentState"]>;

export const PAYMENT_STATES = [
  "paid",
  "partially_refunded",
  "refunded",
  "disputed",
] as const satisfies readonly PaymentState[];
export const FULFILMENT_FILTERS = [
  "pending",
  "picking",
  "packed",
  "shipped",
  "delivered",
  "canceled",
  "none",
] as const satisfies readonly (FulfilmentState | "none")[];

const minor = wholeNumber({ min: 0, max: 1_000_000_000_000 });

/** The orders list's view in the URL: filters, order and page, so a view can be shared. */
export const adminOrderListSearch = defineListSearch({
  filters: {
    search: text({ trim: true, min: 1, max: 200 }),
    paymentState: oneOf(PAYMENT_STATES),
    fulfilmentState: oneOf(FULFILMENT_FILTERS),
    placedFrom: isoDate,
    placedTo: isoDate,
    /** Minor units, as the server compares them. */
    amountMin: minor,
    amountMax: minor,
    currency: text({ pattern: /^[a-z]{3}$/ }),
    productId: text({ trim: true, min: 1, max: 100 }),
  },
  sort: { columns: ["placedAt", "amountTotal"], default: "placedAt.desc" },
});

export type OrderListSearch = ReturnType<typeof adminOrderListSearch.parse>;
