import { shippingTasks, withTransaction } from "@folio/db";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../../audit/audit.ts";
import { enqueueEmail } from "../../notifications/emails.ts";
import { DomainError } from "../../errors.ts";
import { emitOutboundEvent } from "../../outbound/events.ts";
import { shipmentObject } from "../../outbound/payloads.ts";
import { shipmentDetails, shipmentInput } from "./carriers.ts";
import { lockTasks, taskId, type FulfilmentDeps } from "./context.ts";
import { refusal } from "./states.ts";

export const shipTaskInput = shipmentInput.extend({ taskId });
export type ShipTaskInput = z.input<typeof shipTaskInput>;

export interface ShipResult {
  taskId: string;
  changed: boolean;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
}

/**
 * Marks a packed task shipped with its carrier and tracking number (required: the customer sees
 * them), and a tracking link built for a known carrier or given. Shipping the same parcel again
 * (same carrier and number) changes nothing; a shipped task with other tracking is a conflict.
 * The customer's "on its way" e-mail is enqueued with the change.
 */
export async function shipTask(deps: FulfilmentDeps, raw: ShipTaskInput): Promise<ShipResult> {
  const input = shipTaskInput.parse(raw);
  const shipment = shipmentDetails(input);
  return withTransaction(deps.db, async (tx) => {
    const task = (await lockTasks(tx, [input.taskId])).get(input.taskId);
    if (!task) throw new DomainError("NOT_FOUND", `No shipping task ${input.taskId}.`);
    if (task.status === "shipped" || task.status === "delivered") {
      if (task.carrier === shipment.carrier && task.trackingNumber === shipment.trackingNumber) {
        return { taskId: task.id, changed: false, ...shipment, trackingUrl: task.trackingUrl };
      }
      throw new DomainError(
        "CONFLICT",
        `Order ${task.orderId} was shipped already with ${task.carrier ?? "a carrier"} ${task.trackingNumber ?? ""}`.trim() +
          ".",
      );
    }
    const why = refusal(task.status, "shipped");
    if (why) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Order ${task.orderId} cannot be shipped: ${why}.${task.status === "pending" || task.status === "picking" ? " Pack it first." : ""}`,
      );
    }
    const at = deps.clock.now();
    await tx
      .update(shippingTasks)
      .set({ status: "shipped", ...shipment, shippedAt: at, updatedAt: at })
      .where(eq(shippingTasks.id, task.id));
    await audit(tx, deps.actor, {
      action: "shipping_task.shipped",
      target: `shipping_task:${task.id}`,
      before: {
        status: task.status,
        orderId: task.orderId,
        carrier: task.carrier,
        trackingNumber: task.trackingNumber,
        trackingUrl: task.trackingUrl,
      },
      after: { status: "shipped", orderId: task.orderId, ...shipment },
      at,
    });
    await enqueueEmail({ db: tx, clock: deps.clock }, "order_shipped", task.id, {
      taskId: task.id,
    });
    const shipped = await shipmentObject(tx, task.id);
    if (shipped) {
      await emitOutboundEvent(
        { db: tx, clock: deps.clock },
        { type: "order.shipped", cause: task.id, object: shipped, at },
      );
    }
    return { taskId: task.id, changed: true, ...shipment };
  });
}
