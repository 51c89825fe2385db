import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

export type CustomerRow = RouterOutputs["admin"]["customers"]["list"]["items"][number];
export type Customer = RouterOutputs["admin"]["customers"]["byId"];
export type TimelineEntry = RouterOutputs["admin"]["customers"]["timeline"]["items"][number];

/** The server's subscription filter values, with how staff read them. */
export const SUBSCRIPTION_FILTERS = [
  { value: "active", label: "Active" },
  { value: "trialing", label: "Trialing" },
  { value: "past_due", label: "Past due" },
  { value: "unpaid", label: "Unpaid" },
  { value: "paused", label: "Paused" },
  { value: "incomplete", label: "Incomplete" },
  { value: "canceled", label: "Canceled" },
  { value: "none", label: "No subscription" },
] as const;

/** The customers list's view in the URL: who is listed, in which order, and which page. */
export const customerListSearch = defineListSearch({
  filters: {
    /** A Stripe customer id (cus_…), or the start of an e-mail or a name. */
    search: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    subscription: z.enum(
      SUBSCRIPTION_FILTERS.map((f) => f.value) as [
        (typeof SUBSCRIPTION_FILTERS)[number]["value"],
        ...(typeof SUBSCRIPTION_FILTERS)[number]["value"][],
      ],
    ),
    hasCredit: z.boolean(),
  },
  sort: { columns: ["createdAt", "email"], default: "createdAt.desc" },
});

export type CustomerSearch = ReturnType<typeof customerListSearch.parse>;
