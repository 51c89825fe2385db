import {
  orderItems,
  orders,
  shippingTasks,
  withTransaction,
  type Db,
  type OrderPaymentState,
  type ShippingStatus,
} from "@folio/db";

// Orders written straight into the store for tests (the sync's own path is tested in records/):
// an order, its lines and, when something ships, its shipping task.

let seq = 0;

export interface SeedOrder {
  id?: string;
  placedAt?: Date;
  email?: string | null;
  name?: string | null;
  currency?: string;
  amountTotal?: number;
  paymentState?: OrderPaymentState;
  paymentIntentId?: string | null;
  stripeCustomerId?: string | null;
  userId?: string | null;
  /** Lines; `ships` marks physical goods. Default: one shipped notebook. */
  items?: {
    description: string;
    quantity: number;
    unitAmount: number;
    productId?: string;
    ships?: boolean;
  }[];
  /** The shipping task's state; default pending when a line ships. */
  task?: ShippingStatus;
}

export async function seedOrder(
  db: Db,
  o: SeedOrder = {},
): Promise<{ orderId: string; taskId: string | null }> {
  seq += 1;
  const n = seq.toString().padStart(6, "0");
  const id = o.id ?? `ord_${n}${"0".repeat(18)}`.slice(0, 28);
  const items = o.items ?? [
    {
      description: "Notebook",
      quantity: 2,
      unitAmount: 1500,
      productId: "prod_notebook",
      ships: true,
    },
  ];
  const subtotal = items.reduce((a, i) => a + i.unitAmount * i.quantity, 0);
  const total = o.amountTotal ?? subtotal;
  const ships = items.some((i) => i.ships);
  const at = o.placedAt ?? new Date(Date.UTC(2026, 0, 1) + seq * 60_000);
  const taskId = ships ? `shp_${id.slice(4)}` : null;
  await withTransaction(db, async (tx) => {
    await tx.insert(orders).values({
      id,
      checkoutSessionId: `cs_test_${n}`,
      paymentIntentId: o.paymentIntentId === undefined ? `pi_test_${n}` : o.paymentIntentId,
      stripeCustomerId: o.stripeCustomerId === undefined ? `cus_test_${n}` : o.stripeCustomerId,
      userId: o.userId ?? null,
      email: o.email === undefined ? `buyer${n}@example.com` : o.email,
      currency: o.currency ?? "usd",
      amountSubtotal: subtotal,
      amountDiscount: 0,
      amountShipping: 0,
      amountTax: 0,
      amountTotal: total,
      amountRefunded: o.paymentState === "refunded" ? total : 0,
      paymentState: o.paymentState ?? "paid",
      requiresShipping: ships,
      shippingName: ships ? (o.name === undefined ? `Buyer ${n}` : o.name) : null,
      shippingPhone: ships ? "+1 555 0100" : null,
      shippingLine1: ships ? "1 Main Street" : null,
      shippingLine2: null,
      shippingCity: ships ? "Springfield" : null,
      shippingState: ships ? "IL" : null,
      shippingPostalCode: ships ? "62701" : null,
      shippingCountry: ships ? "US" : null,
      livemode: false,
      placedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    await tx.insert(orderItems).values(
      items.map((i, k) => ({
        orderId: id,
        lineItemId: `li_${n}_${k}`,
        priceId: null,
        productId: i.productId ?? null,
        lookupKey: null,
        description: i.description,
        quantity: i.quantity,
        currency: o.currency ?? "usd",
        unitAmount: i.unitAmount,
        amountSubtotal: i.unitAmount * i.quantity,
        amountDiscount: 0,
        amountTax: 0,
        amountTotal: i.unitAmount * i.quantity,
        requiresShipping: i.ships ?? false,
        creditsGranted: 0,
        productKind: i.ships ? "physical" : "digital",
        deliverable: null,
      })),
    );
    if (taskId) {
      await tx.insert(shippingTasks).values({
        id: taskId,
        orderId: id,
        status: o.task ?? "pending",
        createdAt: at,
        updatedAt: at,
      });
    }
  });
  return { orderId: id, taskId };
}
