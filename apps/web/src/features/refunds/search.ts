import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { oneOf, text } from "@/lib/search-params";

export type RefundItem = RouterOutputs["admin"]["refunds"]["list"]["items"][number];

export const REFUND_STATUS_LABELS = {
  awaiting_approval: "Awaiting approval",
  rejected: "Rejected",
  processing: "Sending to Stripe",
  pending: "Pending at Stripe",
  succeeded: "Refunded",
  failed: "Failed",
  canceled: "Canceled",
} as const satisfies Record<RefundItem["status"], string>;

const STATUSES = Object.keys(REFUND_STATUS_LABELS) as [
  RefundItem["status"],
  ...RefundItem["status"][],
];

/** The refunds list's view in the URL: filters and page (always newest first). */
export const refundListSearch = defineListSearch({
  filters: {
    status: oneOf(STATUSES),
    currency: text({ trim: true, lowerCase: true, pattern: /^[a-z]{3}$/ }),
    orderId: text({ trim: true, min: 1, max: 100 }),
  },
});

export type RefundSearch = ReturnType<typeof refundListSearch.parse>;
