import {
  keysetPage,
  orderItems,
  orders,
  shippingTasks,
  type Db,
  type OrderPaymentState,
  type Page,
} from "@folio/db";
import { and, asc, eq, inArray } from "drizzle-orm";

/**
 * Where the goods are: physical orders follow their shipping task; an order with nothing to ship
 * (digital goods, credit packs) is `delivered` the moment it is paid.
 */
export type ShipmentState = "awaiting_shipment" | "packed" | "shipped" | "delivered" | "canceled";

export interface CustomerOrderItem {
  description: string;
  quantity: number;
  unitAmount: number | null;
  amountTotal: number;
  /** The product's kind at purchase (`physical`, `digital`, `credits`), when it said. */
  kind: string | null;
  creditsGranted: number;
}

export interface CustomerOrder {
  id: string;
  placedAt: Date;
  currency: string;
  amountSubtotal: number;
  amountDiscount: number;
  amountShipping: number;
  amountTax: number;
  amountTotal: number;
  amountRefunded: number;
  paymentState: OrderPaymentState;
  items: CustomerOrderItem[];
  shipment: {
    state: ShipmentState;
    /** True when something physical is sent (false: delivered digitally at purchase). */
    physical: boolean;
    carrier: string | null;
    trackingNumber: string | null;
    /** Only http(s) links: the URL is typed in by staff and ends up in an `href`. */
    trackingUrl: string | null;
    shippedAt: Date | null;
    deliveredAt: Date | null;
  };
  shippingAddress: {
    name: string | null;
    line1: string | null;
    line2: string | null;
    city: string | null;
    state: string | null;
    postalCode: string | null;
    country: string | null;
  } | null;
}

// Picking is the warehouse's own step; to the customer the goods still await shipment.
const TASK_STATE = {
  pending: "awaiting_shipment",
  picking: "awaiting_shipment",
  packed: "packed",
  shipped: "shipped",
  delivered: "delivered",
  canceled: "canceled",
} as const satisfies Record<string, ShipmentState>;

function safeLink(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The user's orders (one-time purchases), newest first, one keyset page at a time, with their
 * items and shipment. Read by `orders.user_id`, so orders made under an earlier Stripe customer
 * of the same user are included and nobody else's ever are.
 */
export async function listCustomerOrders(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<CustomerOrder>> {
  const rows = await keysetPage({
    sort: { column: orders.placedAt, key: "placedAt", direction: "desc" },
    id: { column: orders.id, key: "id" },
    cursor: page.cursor,
    limit: page.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select()
        .from(orders)
        .where(and(eq(orders.userId, userId), after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });
  const ids = rows.items.map((o) => o.id);
  const items = ids.length
    ? await db
        .select()
        .from(orderItems)
        .where(inArray(orderItems.orderId, ids))
        .orderBy(asc(orderItems.id))
    : [];
  const tasks = new Map(
    (ids.length
      ? await db.select().from(shippingTasks).where(inArray(shippingTasks.orderId, ids))
      : []
    ).map((t) => [t.orderId, t]),
  );

  return {
    nextCursor: rows.nextCursor,
    items: rows.items.map((o) => {
      const task = tasks.get(o.id);
      return {
        id: o.id,
        placedAt: o.placedAt,
        currency: o.currency,
        amountSubtotal: o.amountSubtotal,
        amountDiscount: o.amountDiscount,
        amountShipping: o.amountShipping,
        amountTax: o.amountTax,
        amountTotal: o.amountTotal,
        amountRefunded: o.amountRefunded,
        paymentState: o.paymentState,
        items: items
          .filter((i) => i.orderId === o.id)
          .map((i) => ({
            description: i.description,
            quantity: i.quantity,
            unitAmount: i.unitAmount,
            amountTotal: i.amountTotal,
            kind: i.productKind,
            creditsGranted: i.creditsGranted,
          })),
        shipment: o.requiresShipping
          ? {
              // The task is written with the order; until it is seen, the goods wait to ship.
              state: task ? TASK_STATE[task.status] : "awaiting_shipment",
              physical: true,
              carrier: task?.carrier ?? null,
              trackingNumber: task?.trackingNumber ?? null,
              trackingUrl: safeLink(task?.trackingUrl ?? null),
              shippedAt: task?.shippedAt ?? null,
              deliveredAt: task?.deliveredAt ?? null,
            }
          : {
              state: "delivered",
              physical: false,
              carrier: null,
              trackingNumber: null,
              trackingUrl: null,
              shippedAt: null,
              deliveredAt: o.placedAt,
            },
        shippingAddress: o.requiresShipping
          ? {
              name: o.shippingName,
              line1: o.shippingLine1,
              line2: o.shippingLine2,
              city: o.shippingCity,
              state: o.shippingState,
              postalCode: o.shippingPostalCode,
              country: o.shippingCountry,
            }
          : null,
      };
    }),
  };
}
