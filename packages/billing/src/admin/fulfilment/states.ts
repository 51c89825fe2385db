import type { ShippingStatus } from "@folio/db";

// The shipping task's life: pending → picking → packed → shipped → delivered, or canceled before
// it ships. Staff move tasks along NEXT; canceling is not a staff move here, because it goes
// with refunding the order (cancelFulfilment, called by the refund flow and by the payment state).

/** Where staff may move a task from each state. Picking may be skipped for a quick pack. */
export const NEXT: Record<ShippingStatus, readonly ShippingStatus[]> = {
  pending: ["picking", "packed"],
  picking: ["pending", "packed"],
  packed: ["picking", "shipped"],
  shipped: ["delivered"],
  delivered: [],
  canceled: [],
};

/** States staff can ask for with a plain move (shipping needs a carrier and tracking: `shipTask`). */
export const MOVE_TARGETS = ["pending", "picking", "packed", "delivered"] as const;
export type MoveTarget = (typeof MOVE_TARGETS)[number];

/** Work still to do: the queue's default view. */
export const OPEN_STATES = ["pending", "picking", "packed"] as const satisfies ShippingStatus[];

/** Not shipped yet, so the fulfilment can still be canceled (and the order refunded). */
export function isCancelable(status: ShippingStatus): boolean {
  return (OPEN_STATES as readonly ShippingStatus[]).includes(status);
}

export const STATE_LABEL: Record<ShippingStatus, string> = {
  pending: "pending",
  picking: "picking",
  packed: "packed",
  shipped: "shipped",
  delivered: "delivered",
  canceled: "canceled",
};

/** Why a task cannot go from `from` to `to`, or null when it can. */
export function refusal(from: ShippingStatus, to: ShippingStatus): string | null {
  if (NEXT[from].includes(to)) return null;
  if (from === "canceled") return "its fulfilment was canceled";
  if (from === "delivered") return "it was delivered already";
  const next = NEXT[from];
  return `it is ${STATE_LABEL[from]}; next can only be ${next.map((s) => STATE_LABEL[s]).join(" or ")}`;
}
