import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

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

const day = z.iso.date();
const minor = z.pipe(z.coerce.number(), z.int().check(z.gte(0), z.lte(1_000_000_000_000)));

/** The orders list's view in the URL: filters, order and page, so a view can be shared. */
export const adminOrderListSearch = defineListSearch({
  filters: {
    search: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    paymentState: z.enum(PAYMENT_STATES),
    fulfilmentState: z.enum(FULFILMENT_FILTERS),
    placedFrom: day,
    placedTo: day,
    /** Minor units, as the server compares them. */
    amountMin: minor,
    amountMax: minor,
    currency: z.string().check(z.regex(/^[a-z]{3}$/)),
    productId: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  },
  sort: { columns: ["placedAt", "amountTotal"], default: "placedAt.desc" },
});

export type OrderListSearch = ReturnType<typeof adminOrderListSearch.parse>;
