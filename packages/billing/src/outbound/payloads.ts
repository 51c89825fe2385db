import { orderItems, orders, shippingTasks, type Tx } from "@folio/db";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { idOf } from "../sync/kinds.ts";

// The objects outbound events carry: Folio's own view, small and stable (documented in the
// README), never Stripe's raw objects. Amounts in minor units with their currency.

const iso = (d: Date | null) => d?.toISOString() ?? null;
const fromUnix = (s: number | null | undefined) => (s ? new Date(s * 1000).toISOString() : null);

export async function orderObject(tx: Tx, orderId: string) {
  const order = await tx.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return null;
  const items = await tx.select().from(orderItems).where(eq(orderItems.orderId, orderId));
  return {
    id: order.id,
    object: "order",
    checkout_session: order.checkoutSessionId,
    customer: order.stripeCustomerId,
    email: order.email,
    currency: order.currency,
    amount_subtotal: order.amountSubtotal,
    amount_discount: order.amountDiscount,
    amount_shipping: order.amountShipping,
    amount_tax: order.amountTax,
    amount_total: order.amountTotal,
    placed_at: iso(order.placedAt),
    items: items.map((i) => ({
      description: i.description,
      price: i.priceId,
      lookup_key: i.lookupKey,
      quantity: i.quantity,
      amount_total: i.amountTotal,
    })),
    shipping: order.requiresShipping
      ? {
          name: order.shippingName,
          line1: order.shippingLine1,
          line2: order.shippingLine2,
          city: order.shippingCity,
          state: order.shippingState,
          postal_code: order.shippingPostalCode,
          country: order.shippingCountry,
        }
      : null,
  };
}

export async function shipmentObject(tx: Tx, taskId: string) {
  const task = await tx.select().from(shippingTasks).where(eq(shippingTasks.id, taskId)).get();
  if (!task) return null;
  const order = await orderObject(tx, task.orderId);
  return {
    ...order,
    shipment: {
      carrier: task.carrier,
      tracking_number: task.trackingNumber,
      tracking_url: task.trackingUrl,
      shipped_at: iso(task.shippedAt),
    },
  };
}

export function subscriptionObject(sub: Stripe.Subscription) {
  const first = sub.items.data[0];
  return {
    id: sub.id,
    object: "subscription",
    customer: idOf(sub.customer),
    status: sub.status,
    items: sub.items.data.map((i) => ({
      price: i.price.id,
      lookup_key: i.price.lookup_key,
      quantity: i.quantity ?? 1,
      unit_amount: i.price.unit_amount,
      currency: i.price.currency,
      interval: i.price.recurring?.interval ?? null,
    })),
    current_period_end: fromUnix(first?.current_period_end),
    cancel_at_period_end: sub.cancel_at_period_end,
    cancel_at: fromUnix(sub.cancel_at),
    canceled_at: fromUnix(sub.canceled_at),
    ended_at: fromUnix(sub.ended_at),
    trial_end: fromUnix(sub.trial_end),
  };
}

export function invoiceObject(invoice: Stripe.Invoice) {
  return {
    id: invoice.id,
    object: "invoice",
    customer: idOf(invoice.customer),
    subscription: idOf(invoice.parent?.subscription_details?.subscription ?? null),
    status: invoice.status,
    currency: invoice.currency,
    amount_due: invoice.amount_due,
    amount_remaining: invoice.amount_remaining,
    attempt_count: invoice.attempt_count,
    next_payment_attempt: fromUnix(invoice.next_payment_attempt),
    hosted_invoice_url: invoice.hosted_invoice_url ?? null,
  };
}

export function refundObject(refund: Stripe.Refund, orderId: string | null) {
  return {
    id: refund.id,
    object: "refund",
    order: orderId,
    payment_intent: idOf(refund.payment_intent),
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    status: refund.status,
  };
}

export function creditObject(bt: Stripe.CustomerBalanceTransaction) {
  return {
    id: bt.id,
    object: "credit",
    customer: idOf(bt.customer),
    // Stripe counts credit as a negative balance change; receivers get the credit granted.
    amount: -bt.amount,
    currency: bt.currency,
    description: bt.description,
    ending_balance: -bt.ending_balance,
    created: fromUnix(bt.created),
  };
}
