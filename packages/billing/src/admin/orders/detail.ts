import {
  orderItems,
  orders,
  shippingTasks,
  stripeCharges,
  stripeDisputes,
  stripePaymentIntents,
  stripeRefunds,
  users,
  type Db,
} from "@folio/db";
import { asc, desc, eq } from "drizzle-orm";
import { DomainError } from "../../errors.ts";
import { selectTasks, withItems, type FulfilmentTask } from "../fulfilment/view.ts";
import { orderTimeline, type OrderTimelineEntry } from "./timeline.ts";

/** Everything staff see about one order (support, finance, admin — never fulfilment). */
export async function adminOrderById(db: Db, orderId: string) {
  const order = await db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) throw new DomainError("NOT_FOUND", `No order ${orderId}.`);
  const pi = order.paymentIntentId;

  const [items, customer, taskRow, intent, charges, refunds, disputes] = await Promise.all([
    db
      .select()
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id))
      .orderBy(asc(orderItems.id)),
    order.userId
      ? db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(eq(users.id, order.userId))
          .get()
      : undefined,
    selectTasks(db).where(eq(shippingTasks.orderId, order.id)).get(),
    pi
      ? db
          .select({
            id: stripePaymentIntents.id,
            status: stripePaymentIntents.status,
            amount: stripePaymentIntents.amount,
            amountReceived: stripePaymentIntents.amountReceived,
            currency: stripePaymentIntents.currency,
          })
          .from(stripePaymentIntents)
          .where(eq(stripePaymentIntents.id, pi))
          .get()
      : undefined,
    pi
      ? db
          .select({
            id: stripeCharges.id,
            status: stripeCharges.status,
            amount: stripeCharges.amount,
            amountRefunded: stripeCharges.amountRefunded,
            currency: stripeCharges.currency,
            paid: stripeCharges.paid,
            refunded: stripeCharges.refunded,
            disputed: stripeCharges.disputed,
            failureMessage: stripeCharges.failureMessage,
            receiptUrl: stripeCharges.receiptUrl,
            created: stripeCharges.stripeCreated,
          })
          .from(stripeCharges)
          .where(eq(stripeCharges.paymentIntentId, pi))
          .orderBy(desc(stripeCharges.stripeCreated))
      : [],
    pi
      ? db
          .select({
            id: stripeRefunds.id,
            status: stripeRefunds.status,
            amount: stripeRefunds.amount,
            currency: stripeRefunds.currency,
            reason: stripeRefunds.reason,
            failureReason: stripeRefunds.failureReason,
            created: stripeRefunds.stripeCreated,
          })
          .from(stripeRefunds)
          .where(eq(stripeRefunds.paymentIntentId, pi))
          .orderBy(desc(stripeRefunds.stripeCreated))
      : [],
    pi
      ? db
          .select({
            id: stripeDisputes.id,
            status: stripeDisputes.status,
            reason: stripeDisputes.reason,
            amount: stripeDisputes.amount,
            currency: stripeDisputes.currency,
            created: stripeDisputes.stripeCreated,
            evidenceDueBy: stripeDisputes.evidenceDueBy,
          })
          .from(stripeDisputes)
          .where(eq(stripeDisputes.paymentIntentId, pi))
          .orderBy(desc(stripeDisputes.stripeCreated))
      : [],
  ]);
  const shipment: FulfilmentTask | null = taskRow
    ? ((await withItems(db, [taskRow]))[0] ?? null)
    : null;
  const timeline: OrderTimelineEntry[] = await orderTimeline(db, order, shipment?.id ?? null);

  return {
    id: order.id,
    placedAt: order.placedAt,
    livemode: order.livemode,
    customer: {
      userId: order.userId,
      name: customer?.name ?? null,
      accountEmail: customer?.email ?? null,
      email: order.email,
      stripeCustomerId: order.stripeCustomerId,
    },
    totals: {
      currency: order.currency,
      subtotal: order.amountSubtotal,
      discount: order.amountDiscount,
      shipping: order.amountShipping,
      tax: order.amountTax,
      total: order.amountTotal,
      refunded: order.amountRefunded,
    },
    items: items.map((i) => ({
      id: i.id,
      description: i.description,
      quantity: i.quantity,
      productId: i.productId,
      priceId: i.priceId,
      unitAmount: i.unitAmount,
      amountSubtotal: i.amountSubtotal,
      amountDiscount: i.amountDiscount,
      amountTax: i.amountTax,
      amountTotal: i.amountTotal,
      kind: i.productKind,
      requiresShipping: i.requiresShipping,
      creditsGranted: i.creditsGranted,
    })),
    payment: {
      state: order.paymentState,
      disputeStatus: order.disputeStatus,
      checkoutSessionId: order.checkoutSessionId,
      paymentIntent:
        intent ??
        (pi ? { id: pi, status: null, amount: null, amountReceived: null, currency: null } : null),
      charges,
    },
    requiresShipping: order.requiresShipping,
    shippingAddress: order.requiresShipping
      ? {
          name: order.shippingName,
          phone: order.shippingPhone,
          line1: order.shippingLine1,
          line2: order.shippingLine2,
          city: order.shippingCity,
          state: order.shippingState,
          postalCode: order.shippingPostalCode,
          country: order.shippingCountry,
        }
      : null,
    shipment,
    refunds,
    disputes,
    timeline,
  };
}

export type AdminOrder = Awaited<ReturnType<typeof adminOrderById>>;
