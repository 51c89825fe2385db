import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { flag, oneOf, text } from "@/lib/search-params";

export type StaffMember = RouterOutputs["admin"]["staff"]["list"]["items"][number];
type StaffRole = Exclude<StaffMember["role"], "customer">;

export const STAFF_ROLES = [
  "admin",
  "support",
  "fulfillment",
  "finance",
] as const satisfies readonly StaffRole[];

/** What each role may do, in a few words (the permission matrix says it exactly). */
export const ROLE_SUMMARIES: Record<StaffRole, string> = {
  admin: "everything, including staff",
  support: "customers, orders, refunds and credit",
  fulfillment: "shipping tasks only",
  finance: "customers, revenue and approvals",
};

/** The staff list's view in the URL: who is listed, in which order, and which page. */
export const staffListSearch = defineListSearch({
  filters: {
    role: oneOf(STAFF_ROLES),
    disabled: flag,
    /** Part of the name or email, any case (the server matches it anywhere). */
    search: text({ trim: true, min: 1, max: 100 }),
  },
  sort: { columns: ["createdAt", "email"], default: "createdAt.asc" },
});

export type StaffSearch = ReturnType<typeof staffListSearch.parse>;
