import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { flag, oneOf, text } from "@/lib/search-params";

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
    search: text({ trim: true, min: 1, max: 100 }),
    subscription: oneOf(SUBSCRIPTION_FILTERS.map((f) => f.value)),
    hasCredit: flag,
  },
  sort: { columns: ["createdAt", "email"], default: "createdAt.desc" },
});

export type CustomerSearch = ReturnType<typeof customerListSearch.parse>;
