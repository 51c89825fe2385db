import { lockKeys, shippingTasks, withTransaction, type Tx } from "@folio/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../../audit/actor.ts";
import { audit } from "../../audit/audit.ts";
import { DomainError } from "../../errors.ts";
import { orderLockKey, type FulfilmentDeps } from "./context.ts";
import { isCancelable } from "./states.ts";

export const cancelFulfilmentInput = z.object({
  orderId: z.string().trim().min(1).max(100),
  reason: z.string().trim().min(1, { message: "Say why the fulfilment is canceled." }).max(500),
});
export type CancelFulfilmentInput = z.input<typeof cancelFulfilmentInput>;

export interface CancelFulfilmentResult {
  orderId: string;
  taskId: string | null;
  /**
   * `canceled` now; `already_canceled`; `nothing_to_ship` (no shipping task); `shipped` (only
   * with `whenShipped: "keep"`: the goods had left, the task is left as it is).
   */
  outcome: "canceled" | "already_canceled" | "nothing_to_ship" | "shipped";
}

/**
 * Cancels an order's fulfilment before it ships — what refunding an unshipped order goes with.
 * Refused once the goods have left (PRECONDITION_FAILED: the refund is then a return). Safe to
 * call again. Joins the caller's transaction when there is one, so a refund and the cancel it
 * causes commit together.
 */
export async function cancelFulfilment(
  deps: FulfilmentDeps,
  raw: CancelFulfilmentInput,
): Promise<CancelFulfilmentResult> {
  const input = cancelFulfilmentInput.parse(raw);
  return withTransaction(deps.db, (tx) =>
    cancelFulfilmentIn(tx, deps.actor, deps.clock.now(), input),
  );
}

/**
 * `cancelFulfilment` inside a transaction the caller holds. The records layer passes
 * `whenShipped: "keep"`: a refund Stripe reports for shipped goods leaves the shipment alone.
 */
export async function cancelFulfilmentIn(
  tx: Tx,
  actor: Actor,
  at: Date,
  input: { orderId: string; reason: string; whenShipped?: "refuse" | "keep" },
): Promise<CancelFulfilmentResult> {
  await lockKeys(tx, [orderLockKey(input.orderId)]);
  const task = await tx
    .select({
      id: shippingTasks.id,
      status: shippingTasks.status,
      carrier: shippingTasks.carrier,
      trackingNumber: shippingTasks.trackingNumber,
    })
    .from(shippingTasks)
    .where(eq(shippingTasks.orderId, input.orderId))
    .get();
  if (!task) return { orderId: input.orderId, taskId: null, outcome: "nothing_to_ship" };
  if (task.status === "canceled") {
    return { orderId: input.orderId, taskId: task.id, outcome: "already_canceled" };
  }
  if (!isCancelable(task.status)) {
    if (input.whenShipped === "keep") {
      return { orderId: input.orderId, taskId: task.id, outcome: "shipped" };
    }
    const tracking = [task.carrier, task.trackingNumber].filter(Boolean).join(" ");
    throw new DomainError(
      "PRECONDITION_FAILED",
      `Order ${input.orderId} has ${task.status === "delivered" ? "been delivered" : "shipped"}${tracking ? ` (${tracking})` : ""}, so its fulfilment can no longer be canceled.`,
    );
  }
  await tx
    .update(shippingTasks)
    .set({ status: "canceled", canceledAt: at, cancelReason: input.reason, updatedAt: at })
    .where(eq(shippingTasks.id, task.id));
  await audit(tx, actor, {
    action: "shipping_task.canceled",
    target: `shipping_task:${task.id}`,
    before: { status: task.status, orderId: input.orderId },
    after: { status: "canceled", orderId: input.orderId },
    reason: input.reason,
    at,
  });
  return { orderId: input.orderId, taskId: task.id, outcome: "canceled" };
}
