import type { RouterOutputs } from "@folio/server/api";
import * as z from "zod/mini";
import { defineListSearch } from "@/lib/list-search";

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
    status: z.enum(STATUSES),
    currency: z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z]{3}$/)),
    orderId: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  },
});

export type RefundSearch = ReturnType<typeof refundListSearch.parse>;
