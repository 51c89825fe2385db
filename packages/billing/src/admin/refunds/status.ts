import type { RefundStatus } from "@folio/db";

/** Stripe's refund status as Folio's (`requires_action` waits on the customer like `pending`). */
export function statusOfStripeRefund(status: string | null): RefundStatus {
  switch (status) {
    case "succeeded":
      return "succeeded";
    case "failed":
      return "failed";
    case "canceled":
      return "canceled";
    default:
      return "pending";
  }
}
