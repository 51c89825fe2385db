import { createHash } from "node:crypto";
import {
  orderItems,
  orders,
  shippingTasks,
  stripeCharges,
  stripeDisputes,
  stripeRefunds,
  users,
  type OrderPaymentState,
  type Tx,
} from "@folio/db";
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import { syncActor, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/audit.ts";
import { cancelFulfilmentIn } from "../admin/fulfilment/cancel.ts";
import type { SyncChange, SyncDeps, SyncHook } from "../sync/hooks.ts";
import { idOf } from "../sync/kinds.ts";
import { userIdForStripeCustomer } from "./customer-link.ts";

/** A checkout session that should become an order: paid, complete, one-time payment. */
export function isPaidPaymentSession(session: Stripe.Checkout.Session): boolean {
  return (
    session.mode === "payment" &&
    session.status === "complete" &&
    (session.payment_status === "paid" || session.payment_status === "no_payment_required")
  );
}

export function orderIdFor(checkoutSessionId: string): string {
  return `ord_${createHash("sha256").update(checkoutSessionId).digest("hex").slice(0, 24)}`;
}

const productGrants = z.object({
  folio_kind: z.string().optional(),
  folio_requires_shipping: z.enum(["true", "false"]).optional(),
  folio_credits: z.coerce.number().int().nonnegative().optional(),
  folio_deliverable: z.string().optional(),
});

export interface PreparedLineItem {
  lineItemId: string;
  priceId: string | null;
  productId: string | null;
  lookupKey: string | null;
  description: string;
  quantity: number;
  currency: string;
  unitAmount: number | null;
  amountSubtotal: number;
  amountDiscount: number;
  amountTax: number;
  amountTotal: number;
  requiresShipping: boolean;
  creditsGranted: number;
  productKind: string | null;
  deliverable: string | null;
}

export function toPreparedLineItem(item: Stripe.LineItem): PreparedLineItem {
  const price = item.price;
  const product = price && typeof price.product !== "string" ? price.product : null;
  const meta = productGrants.safeParse(product && !product.deleted ? product.metadata : {});
  const grants = meta.success ? meta.data : {};
  const quantity = item.quantity ?? 1;
  return {
    lineItemId: item.id,
    priceId: price?.id ?? null,
    productId: price ? idOf(price.product) : null,
    lookupKey: price?.lookup_key ?? null,
    description: item.description ?? (product && !product.deleted ? product.name : "Item"),
    quantity,
    currency: item.currency,
    unitAmount: price?.unit_amount ?? null,
    amountSubtotal: item.amount_subtotal,
    amountDiscount: item.amount_discount,
    amountTax: item.amount_tax,
    amountTotal: item.amount_total,
    requiresShipping: grants.folio_requires_shipping === "true",
    creditsGranted: (grants.folio_credits ?? 0) * quantity,
    productKind: grants.folio_kind ?? null,
    deliverable: grants.folio_deliverable ?? null,
  };
}

/** Lists every line item of a session with its price's product (for what the purchase grants). */
export async function fetchLineItems(
  stripe: Stripe,
  sessionId: string,
): Promise<PreparedLineItem[]> {
  const items = await stripe.checkout.sessions
    .listLineItems(sessionId, { limit: 100, expand: ["data.price.product"] })
    .autoPagingToArray({ limit: 10_000 });
  return items.map(toPreparedLineItem);
}

function paymentStateOf(
  amountTotal: number,
  refunded: number,
  disputeStatus: string | null,
): OrderPaymentState {
  // A won dispute (or a closed inquiry) gives the money back; a lost one keeps the order marked.
  if (disputeStatus !== null && disputeStatus !== "won" && disputeStatus !== "warning_closed") {
    return "disputed";
  }
  if (refunded > 0 && refunded >= amountTotal) return "refunded";
  if (refunded > 0) return "partially_refunded";
  return "paid";
}

/** Objects the change carries that may be newer than the mirror row it replaces. */
interface Overlay {
  charge?: Stripe.Charge;
  refund?: Stripe.Refund;
  dispute?: Stripe.Dispute;
}

/**
 * Recomputes an order's refunded amount and payment state from every charge, refund and dispute
 * the store knows for its payment intent. Derived from the full current state rather than from
 * the triggering event, so it converges whatever order the events arrive in.
 */
export async function refreshOrderPayment(
  tx: Tx,
  paymentIntentId: string,
  at: Date,
  actor: Actor,
  overlay: Overlay = {},
): Promise<void> {
  const order = await tx
    .select()
    .from(orders)
    .where(eq(orders.paymentIntentId, paymentIntentId))
    .get();
  if (!order) return;

  const charges = new Map(
    (
      await tx
        .select({ id: stripeCharges.id, amountRefunded: stripeCharges.amountRefunded })
        .from(stripeCharges)
        .where(
          and(eq(stripeCharges.paymentIntentId, paymentIntentId), isNull(stripeCharges.deletedAt)),
        )
    ).map((c) => [c.id, c.amountRefunded]),
  );
  if (overlay.charge) charges.set(overlay.charge.id, overlay.charge.amount_refunded);

  const refunds = new Map(
    (
      await tx
        .select({
          id: stripeRefunds.id,
          amount: stripeRefunds.amount,
          status: stripeRefunds.status,
        })
        .from(stripeRefunds)
        .where(eq(stripeRefunds.paymentIntentId, paymentIntentId))
    ).map((r) => [r.id, r]),
  );
  if (overlay.refund) {
    const r = overlay.refund;
    refunds.set(r.id, { id: r.id, amount: r.amount, status: r.status });
  }

  const chargeIds = [...charges.keys()];
  const disputes = new Map(
    (
      await tx
        .select({
          id: stripeDisputes.id,
          status: stripeDisputes.status,
          created: stripeDisputes.stripeCreated,
        })
        .from(stripeDisputes)
        .where(
          chargeIds.length > 0
            ? or(
                eq(stripeDisputes.paymentIntentId, paymentIntentId),
                inArray(stripeDisputes.chargeId, chargeIds),
              )
            : eq(stripeDisputes.paymentIntentId, paymentIntentId),
        )
    ).map((d) => [d.id, d]),
  );
  if (overlay.dispute) {
    const d = overlay.dispute;
    disputes.set(d.id, { id: d.id, status: d.status, created: new Date(d.created * 1000) });
  }

  const fromCharges = [...charges.values()].reduce((a, b) => a + b, 0);
  const fromRefunds = [...refunds.values()]
    .filter((r) => r.status !== "failed" && r.status !== "canceled")
    .reduce((a, r) => a + r.amount, 0);
  // Charges and refunds are two views of the same money; each may lag the other by an event.
  const refunded = Math.min(order.amountTotal, Math.max(fromCharges, fromRefunds));
  const latestDispute = [...disputes.values()].sort(
    (a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || a.id.localeCompare(b.id),
  )[disputes.size - 1];
  const disputeStatus = latestDispute?.status ?? null;
  const state = paymentStateOf(order.amountTotal, refunded, disputeStatus);

  if (
    state === order.paymentState &&
    refunded === order.amountRefunded &&
    disputeStatus === order.disputeStatus
  ) {
    return;
  }
  await tx
    .update(orders)
    .set({ paymentState: state, amountRefunded: refunded, disputeStatus, updatedAt: at })
    .where(eq(orders.id, order.id));
  if (state !== order.paymentState) {
    await audit(tx, actor, {
      action: "order.payment_state_changed",
      target: `order:${order.id}`,
      before: {
        paymentState: order.paymentState,
        amountRefunded: order.amountRefunded,
        disputeStatus: order.disputeStatus,
      },
      after: { paymentState: state, amountRefunded: refunded, disputeStatus },
      at,
    });
  }
  // Fully refunded before it shipped: nothing is left to send, whoever refunded it (Folio's
  // refund flow, or the Stripe dashboard). Shipped goods are left alone (a return, not a cancel).
  if (state === "refunded" && order.paymentState !== "refunded") {
    await cancelFulfilmentIn(tx, actor, at, {
      orderId: order.id,
      reason: "Refunded in full before it shipped.",
      whenShipped: "keep",
    });
  }
}

async function resolveUserId(tx: Tx, session: Stripe.Checkout.Session): Promise<string | null> {
  const customerId = idOf(session.customer);
  if (customerId) {
    const userId = await userIdForStripeCustomer(tx, customerId);
    if (userId) return userId;
  }
  const claimed = session.client_reference_id ?? session.metadata?.folio_user_id ?? null;
  if (!claimed) return null;
  const user = await tx.select({ id: users.id }).from(users).where(eq(users.id, claimed)).get();
  return user?.id ?? null;
}

/**
 * Writes the order, its items and (when anything ships) its shipping task for a paid payment-mode
 * checkout session. Keyed by the session id: redeliveries and re-fetches write nothing new.
 */
export async function writeOrder(
  tx: Tx,
  session: Stripe.Checkout.Session,
  items: PreparedLineItem[],
  event: { id: string | null; type: string; created: Date },
  now: Date,
): Promise<string | null> {
  const orderId = orderIdFor(session.id);
  const exists = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(eq(orders.id, orderId))
    .get();
  if (exists) return null;

  const shipping = session.collected_information?.shipping_details ?? null;
  const totals = session.total_details;
  const requiresShipping = items.some((i) => i.requiresShipping);
  const paymentIntentId = idOf(session.payment_intent);
  const actor = syncActor(event);
  const placedAt = event.id ? event.created : new Date(session.created * 1000);

  await tx.insert(orders).values({
    id: orderId,
    checkoutSessionId: session.id,
    paymentIntentId,
    stripeCustomerId: idOf(session.customer),
    userId: await resolveUserId(tx, session),
    email: session.customer_details?.email ?? session.customer_email ?? null,
    currency: session.currency ?? items[0]?.currency ?? "usd",
    amountSubtotal: session.amount_subtotal ?? items.reduce((a, i) => a + i.amountSubtotal, 0),
    amountDiscount: totals?.amount_discount ?? 0,
    amountShipping: totals?.amount_shipping ?? 0,
    amountTax: totals?.amount_tax ?? 0,
    amountTotal: session.amount_total ?? items.reduce((a, i) => a + i.amountTotal, 0),
    paymentState: "paid",
    requiresShipping,
    shippingName: shipping?.name ?? null,
    shippingPhone: session.customer_details?.phone ?? null,
    shippingLine1: shipping?.address.line1 ?? null,
    shippingLine2: shipping?.address.line2 ?? null,
    shippingCity: shipping?.address.city ?? null,
    shippingState: shipping?.address.state ?? null,
    shippingPostalCode: shipping?.address.postal_code ?? null,
    shippingCountry: shipping?.address.country ?? null,
    livemode: session.livemode,
    placedAt,
    createdAt: now,
    updatedAt: now,
  });
  if (items.length > 0) {
    await tx.insert(orderItems).values(items.map((i) => ({ ...i, orderId })));
  }
  await audit(tx, actor, {
    action: "order.created",
    target: `order:${orderId}`,
    after: {
      checkoutSessionId: session.id,
      amountTotal: session.amount_total,
      currency: session.currency,
      items: items.length,
    },
    at: now,
  });
  if (requiresShipping) {
    const taskId = `shp_${orderId.slice(4)}`;
    await tx
      .insert(shippingTasks)
      .values({ id: taskId, orderId, status: "pending", createdAt: now, updatedAt: now })
      .onConflictDoNothing();
    await audit(tx, actor, {
      action: "shipping_task.created",
      target: `shipping_task:${taskId}`,
      after: { orderId, status: "pending" },
      at: now,
    });
  }
  // Refunds or disputes may have been stored before the session's completion arrived.
  if (paymentIntentId) await refreshOrderPayment(tx, paymentIntentId, now, actor);
  return orderId;
}

/** Paid payment-mode checkout sessions become orders (with items fetched from Stripe). */
export const orderHook: SyncHook = {
  types: ["checkout.session"],
  async prepare({ db, stripe }: SyncDeps, change: SyncChange) {
    if (change.type !== "checkout.session" || !isPaidPaymentSession(change.object)) return null;
    const orderId = orderIdFor(change.object.id);
    const exists = await db
      .select({ id: orders.id })
      .from(orders)
      .where(eq(orders.id, orderId))
      .get();
    if (exists) return null;
    const embedded = change.object.line_items?.data;
    if (embedded && !change.object.line_items?.has_more) return embedded.map(toPreparedLineItem);
    return fetchLineItems(stripe, change.object.id);
  },
  async write(tx, change, prepared) {
    if (change.type !== "checkout.session" || !isPaidPaymentSession(change.object)) return;
    // null: the order already existed when prepared (the unique id still guards races).
    if (!Array.isArray(prepared)) return;
    await writeOrder(
      tx,
      change.object,
      prepared as PreparedLineItem[],
      change.event,
      change.clock.now(),
    );
  },
};

/** Charges, refunds and disputes move the payment state of the order they belong to. */
export const orderPaymentHook: SyncHook = {
  types: ["charge", "refund", "dispute"],
  async write(tx, change) {
    const now = change.clock.now();
    const actor = syncActor(change.event);
    switch (change.type) {
      case "charge": {
        const pi = idOf(change.object.payment_intent);
        if (pi) await refreshOrderPayment(tx, pi, now, actor, { charge: change.object });
        return;
      }
      case "refund": {
        const pi = idOf(change.object.payment_intent);
        if (pi) await refreshOrderPayment(tx, pi, now, actor, { refund: change.object });
        return;
      }
      case "dispute": {
        let pi = idOf(change.object.payment_intent);
        if (!pi) {
          const chargeId = idOf(change.object.charge);
          const charge = chargeId
            ? await tx
                .select({ pi: stripeCharges.paymentIntentId })
                .from(stripeCharges)
                .where(eq(stripeCharges.id, chargeId))
                .get()
            : undefined;
          pi = charge?.pi ?? null;
        }
        if (pi) await refreshOrderPayment(tx, pi, now, actor, { dispute: change.object });
        return;
      }
      default:
        return;
    }
  },
};
