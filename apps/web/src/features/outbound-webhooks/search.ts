import type { RouterOutputs } from "@folio/server/api";
import { defineListSearch } from "@/lib/list-search";
import { oneOf, text } from "@/lib/search-params";

export type EndpointRow = RouterOutputs["admin"]["outboundWebhooks"]["endpoints"]["items"][number];
export type DeliveryRow = RouterOutputs["admin"]["outboundWebhooks"]["deliveries"]["items"][number];
export type DeliveryStatus = DeliveryRow["status"];

/** The event types an endpoint can subscribe to (the server's list, in this order). */
export const EVENT_TYPES = [
  "order.paid",
  "order.shipped",
  "subscription.created",
  "subscription.updated",
  "subscription.canceled",
  "invoice.payment_failed",
  "refund.succeeded",
  "credit.granted",
] as const;

export const DELIVERY_STATUSES = [
  "pending",
  "succeeded",
  "failing",
  "dead",
] as const satisfies readonly DeliveryStatus[];

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  pending: "Pending",
  succeeded: "Delivered",
  failing: "Retrying",
  dead: "Gave up",
};

/** The delivery log in the URL: its filters, page, and the delivery whose details are open. */
export const deliveryListSearch = defineListSearch({
  filters: { endpointId: text({ min: 1, max: 64 }), status: oneOf(DELIVERY_STATUSES) },
  params: { delivery: text({ min: 1, max: 64 }) },
});

export type DeliverySearch = ReturnType<typeof deliveryListSearch.parse>;
