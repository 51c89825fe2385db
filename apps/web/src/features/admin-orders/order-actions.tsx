import type { AdminOrder } from "@/features/admin-orders/search";
import { RefundDialog } from "@/features/refunds/refund-dialog";

/**
 * Buttons in the order page's header: "Refund" (issue 9) while something is left to refund.
 * The dialog itself says how much is still refundable, counting requests awaiting approval.
 */
export function OrderActions({ order }: { order: AdminOrder }) {
  if (order.totals.total <= 0 || order.totals.refunded >= order.totals.total) return null;
  return <RefundDialog target={{ orderId: order.id }} />;
}
