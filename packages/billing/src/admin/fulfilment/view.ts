import { orderItems, orders, shippingTasks, users, type Db, type ShippingStatus } from "@folio/db";
import { asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";

// What fulfilment staff see of an order: the goods and where they go. Deliberately no amounts,
// currencies, e-mail or payment data — every query here selects its columns one by one, and
// fulfilment.test.ts walks the responses to prove none of those ever appear.

export interface FulfilmentItem {
  description: string;
  quantity: number;
}

export interface ShipTo {
  name: string | null;
  /** On the label for the carrier's delivery questions. */
  phone: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface FulfilmentTask {
  id: string;
  orderId: string;
  status: ShippingStatus;
  assignee: { id: string; name: string } | null;
  items: FulfilmentItem[];
  shipTo: ShipTo;
  notes: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  cancelReason: string | null;
  placedAt: Date;
  createdAt: Date;
  assignedAt: Date | null;
  pickingAt: Date | null;
  packedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  canceledAt: Date | null;
  updatedAt: Date;
}

const assignee = alias(users, "assignee");

/** The columns a task row is made of (joined with its order's ship-to and the assignee). */
export const TASK_COLUMNS = {
  id: shippingTasks.id,
  orderId: shippingTasks.orderId,
  status: shippingTasks.status,
  assigneeId: assignee.id,
  assigneeName: assignee.name,
  notes: shippingTasks.notes,
  carrier: shippingTasks.carrier,
  trackingNumber: shippingTasks.trackingNumber,
  trackingUrl: shippingTasks.trackingUrl,
  cancelReason: shippingTasks.cancelReason,
  placedAt: orders.placedAt,
  createdAt: shippingTasks.createdAt,
  assignedAt: shippingTasks.assignedAt,
  pickingAt: shippingTasks.pickingAt,
  packedAt: shippingTasks.packedAt,
  shippedAt: shippingTasks.shippedAt,
  deliveredAt: shippingTasks.deliveredAt,
  canceledAt: shippingTasks.canceledAt,
  updatedAt: shippingTasks.updatedAt,
  shipName: orders.shippingName,
  shipPhone: orders.shippingPhone,
  shipLine1: orders.shippingLine1,
  shipLine2: orders.shippingLine2,
  shipCity: orders.shippingCity,
  shipState: orders.shippingState,
  shipPostalCode: orders.shippingPostalCode,
  shipCountry: orders.shippingCountry,
};

/** `select(TASK_COLUMNS)` from here: tasks with their order and assignee joined. */
export function selectTasks(db: Db) {
  return db
    .select(TASK_COLUMNS)
    .from(shippingTasks)
    .innerJoin(orders, eq(orders.id, shippingTasks.orderId))
    .leftJoin(assignee, eq(assignee.id, shippingTasks.assignedTo));
}

export type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>["get"]>> & object;

/** Rows → tasks, with each order's items (description and quantity only). */
export async function withItems(db: Db, rows: TaskRow[]): Promise<FulfilmentTask[]> {
  const orderIds = rows.map((r) => r.orderId);
  const items = orderIds.length
    ? await db
        .select({
          orderId: orderItems.orderId,
          description: orderItems.description,
          quantity: orderItems.quantity,
          requiresShipping: orderItems.requiresShipping,
        })
        .from(orderItems)
        .where(inArray(orderItems.orderId, orderIds))
        .orderBy(asc(orderItems.id))
    : [];
  return rows.map((r) => ({
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? "" } : null,
    // Only what goes in the box: digital lines of a mixed order are not packed.
    items: items
      .filter((i) => i.orderId === r.orderId && i.requiresShipping)
      .map((i) => ({ description: i.description, quantity: i.quantity })),
    shipTo: {
      name: r.shipName,
      phone: r.shipPhone,
      line1: r.shipLine1,
      line2: r.shipLine2,
      city: r.shipCity,
      state: r.shipState,
      postalCode: r.shipPostalCode,
      country: r.shipCountry,
    },
    notes: r.notes,
    carrier: r.carrier,
    trackingNumber: r.trackingNumber,
    trackingUrl: r.trackingUrl,
    cancelReason: r.cancelReason,
    placedAt: r.placedAt,
    createdAt: r.createdAt,
    assignedAt: r.assignedAt,
    pickingAt: r.pickingAt,
    packedAt: r.packedAt,
    shippedAt: r.shippedAt,
    deliveredAt: r.deliveredAt,
    canceledAt: r.canceledAt,
    updatedAt: r.updatedAt,
  }));
}
