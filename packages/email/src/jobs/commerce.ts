import { orderItems, orders, shippingTasks, users } from "@folio/db";
import { asc, eq } from "drizzle-orm";
import {
  emailJob,
  link,
  recipientForCustomer,
  sendTemplate,
  type EmailJobContext,
} from "./context.ts";

/** How the portal names an order (apps/web orderReference). */
export const orderReference = (id: string) => id.replace(/^ord_/, "").slice(-8).toUpperCase();

async function orderRecipient(
  ctx: EmailJobContext,
  order: { userId: string | null; email: string | null },
) {
  if (order.userId) {
    const user = await ctx.db
      .select({ email: users.email, name: users.name })
      .from(users)
      .where(eq(users.id, order.userId))
      .get();
    if (user) return user;
  }
  return order.email ? { email: order.email, name: null } : null;
}

export const orderConfirmationJob = emailJob(
  "order_confirmation",
  async (ctx, { orderId }, job) => {
    const order = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
    if (!order) return;
    const to = await orderRecipient(ctx, order);
    if (!to) return ctx.log.warn({ orderId }, "order has no e-mail address; no confirmation sent");
    const items = await ctx.db
      .select({
        description: orderItems.description,
        quantity: orderItems.quantity,
        amountTotal: orderItems.amountTotal,
      })
      .from(orderItems)
      .where(eq(orderItems.orderId, orderId))
      .orderBy(asc(orderItems.id));
    await sendTemplate(ctx, job, to.email, "order_confirmation", {
      customerName: order.shippingName ?? to.name,
      orderNumber: orderReference(order.id),
      placedAt: order.placedAt,
      currency: order.currency,
      items,
      subtotal: order.amountSubtotal,
      discount: order.amountDiscount,
      shipping: order.amountShipping,
      tax: order.amountTax,
      total: order.amountTotal,
      shippingAddress: order.requiresShipping
        ? {
            name: order.shippingName,
            line1: order.shippingLine1,
            line2: order.shippingLine2,
            city: order.shippingCity,
            state: order.shippingState,
            postalCode: order.shippingPostalCode,
            country: order.shippingCountry,
          }
        : null,
      orderUrl: link(ctx, "/billing/orders"),
    });
  },
);

export const orderShippedJob = emailJob("order_shipped", async (ctx, { taskId }, job) => {
  const row = await ctx.db
    .select({ task: shippingTasks, order: orders })
    .from(shippingTasks)
    .innerJoin(orders, eq(orders.id, shippingTasks.orderId))
    .where(eq(shippingTasks.id, taskId))
    .get();
  // Cancelled or moved back before the job ran: nothing is on its way.
  if (!row || (row.task.status !== "shipped" && row.task.status !== "delivered")) return;
  const to = await orderRecipient(ctx, row.order);
  if (!to) return;
  await sendTemplate(ctx, job, to.email, "order_shipped", {
    customerName: row.order.shippingName ?? to.name,
    orderNumber: orderReference(row.order.id),
    shippedAt: row.task.shippedAt ?? ctx.clock.now(),
    carrier: row.task.carrier,
    trackingNumber: row.task.trackingNumber,
    trackingUrl: row.task.trackingUrl,
    orderUrl: link(ctx, "/billing/orders"),
  });
});

export const refundIssuedJob = emailJob("refund_issued", async (ctx, p, job) => {
  const to = await recipientForCustomer(ctx.db, p.customerId);
  if (!to) return;
  await sendTemplate(ctx, job, to.email, "refund_issued", {
    customerName: to.name,
    orderNumber: p.orderId ? orderReference(p.orderId) : null,
    amount: p.amount,
    currency: p.currency,
    refundedAt: new Date(p.refundedAt),
  });
});
