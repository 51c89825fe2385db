import {
  orders,
  refunds,
  shippingTasks,
  stripeCharges,
  stripeInvoicePayments,
  stripeInvoices,
  stripePaymentIntents,
  stripeRefunds,
  type Db,
  type ShippingStatus,
} from "@folio/db";
import { and, eq, inArray, isNull, notInArray, or, sql } from "drizzle-orm";
import { DomainError } from "../../errors.ts";

// What a refund refunds, and how much of it is still refundable.

export type RefundTargetInput = { orderId: string } | { invoiceId: string };

export interface RefundTarget {
  orderId: string | null;
  invoiceId: string | null;
  paymentIntentId: string;
  chargeId: string | null;
  stripeCustomerId: string | null;
  currency: string;
  /** What the customer paid on this payment, the ceiling of all its refunds together. */
  paid: number;
  /** The order's shipping task state; null for invoices and orders without shipping. */
  shipping: ShippingStatus | null;
}

/**
 * The payment behind an order or a paid invoice, from the store. Refuses what has no captured
 * payment (unpaid, paid only from credit balance, charged back) with a message saying why.
 */
export async function resolveRefundTarget(db: Db, input: RefundTargetInput): Promise<RefundTarget> {
  const target = "orderId" in input ? await orderTarget(db, input.orderId) : null;
  const resolved = target ?? (await invoiceTarget(db, (input as { invoiceId: string }).invoiceId));
  const pi = await db
    .select({ status: stripePaymentIntents.status, charge: stripePaymentIntents.latestChargeId })
    .from(stripePaymentIntents)
    .where(eq(stripePaymentIntents.id, resolved.paymentIntentId))
    .get();
  if (pi && pi.status !== "succeeded") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `This payment is ${pi.status.replaceAll("_", " ")}, not paid: there is nothing to refund.`,
    );
  }
  return { ...resolved, chargeId: resolved.chargeId ?? pi?.charge ?? null };
}

async function orderTarget(db: Db, orderId: string): Promise<RefundTarget> {
  const order = await db
    .select({
      id: orders.id,
      paymentIntentId: orders.paymentIntentId,
      stripeCustomerId: orders.stripeCustomerId,
      currency: orders.currency,
      amountTotal: orders.amountTotal,
      paymentState: orders.paymentState,
      shipping: shippingTasks.status,
    })
    .from(orders)
    .leftJoin(shippingTasks, eq(shippingTasks.orderId, orders.id))
    .where(eq(orders.id, orderId))
    .get();
  if (!order) throw new DomainError("NOT_FOUND", "No such order.");
  if (!order.paymentIntentId || order.amountTotal <= 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This order was not paid by card (nothing was charged), so there is nothing to refund.",
    );
  }
  if (order.paymentState === "disputed") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This order's payment is disputed: the money is settled through the dispute, not a refund.",
    );
  }
  return {
    orderId: order.id,
    invoiceId: null,
    paymentIntentId: order.paymentIntentId,
    chargeId: null,
    stripeCustomerId: order.stripeCustomerId,
    currency: order.currency,
    paid: order.amountTotal,
    shipping: order.shipping ?? null,
  };
}

async function invoiceTarget(db: Db, invoiceId: string): Promise<RefundTarget> {
  const invoice = await db
    .select({
      id: stripeInvoices.id,
      status: stripeInvoices.status,
      customerId: stripeInvoices.customerId,
      currency: stripeInvoices.currency,
      amountPaid: stripeInvoices.amountPaid,
    })
    .from(stripeInvoices)
    .where(eq(stripeInvoices.id, invoiceId))
    .get();
  if (!invoice) throw new DomainError("NOT_FOUND", "No such invoice.");
  if (invoice.status !== "paid") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `This invoice is ${invoice.status ?? "not finalized"}, not paid: there is nothing to refund.`,
    );
  }
  const payment = await db
    .select({
      paymentIntentId: stripeInvoicePayments.paymentIntentId,
      chargeId: stripeInvoicePayments.chargeId,
      amountPaid: stripeInvoicePayments.amountPaid,
    })
    .from(stripeInvoicePayments)
    .where(
      and(
        eq(stripeInvoicePayments.invoiceId, invoice.id),
        eq(stripeInvoicePayments.status, "paid"),
        sql`${stripeInvoicePayments.paymentIntentId} is not null`,
      ),
    )
    .get();
  if (!payment?.paymentIntentId || invoice.amountPaid <= 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "Nothing was charged for this invoice (it was paid from credit balance or not by card), so there is nothing to refund.",
    );
  }
  return {
    orderId: null,
    invoiceId: invoice.id,
    paymentIntentId: payment.paymentIntentId,
    chargeId: payment.chargeId,
    stripeCustomerId: invoice.customerId,
    currency: invoice.currency,
    paid: payment.amountPaid ?? invoice.amountPaid,
    shipping: null,
  };
}

/** Folio refund states that still hold (or have spent) part of the payment. */
const RESERVING = ["awaiting_approval", "processing"] as const;

/**
 * How much of the payment is still refundable: what was paid, less what Stripe has refunded
 * (refunds not failed or canceled; or the charges' own total, whichever is more — each may lag
 * the other by an event), less Folio's requests not yet at Stripe (awaiting approval, or being
 * sent) and refunds made to credit balance (Stripe never sees those against the charge).
 * `except` leaves one request out (the one being approved). Call it under the payment's lock.
 */
export async function refundableAmount(
  tx: Db,
  target: Pick<RefundTarget, "paymentIntentId" | "paid">,
  except?: string,
): Promise<number> {
  const pi = target.paymentIntentId;
  const byRefunds = tx
    .select({ sum: sql`coalesce(sum(${stripeRefunds.amount}), 0)` })
    .from(stripeRefunds)
    .where(
      and(
        eq(stripeRefunds.paymentIntentId, pi),
        or(isNull(stripeRefunds.status), notInArray(stripeRefunds.status, ["failed", "canceled"])),
      ),
    );
  const byCharges = tx
    .select({ sum: sql`coalesce(sum(${stripeCharges.amountRefunded}), 0)` })
    .from(stripeCharges)
    .where(eq(stripeCharges.paymentIntentId, pi));
  const inFlight = tx
    .select({ sum: sql`coalesce(sum(${refunds.amount}), 0)` })
    .from(refunds)
    .where(
      and(
        eq(refunds.paymentIntentId, pi),
        except ? sql`${refunds.id} <> ${except}` : undefined,
        or(
          and(
            eq(refunds.destination, "card"),
            isNull(refunds.stripeRefundId),
            inArray(refunds.status, RESERVING),
          ),
          and(
            eq(refunds.destination, "customer_balance"),
            inArray(refunds.status, [...RESERVING, "succeeded"]),
          ),
        ),
      ),
    );
  // One statement, so one snapshot: on PostgreSQL (READ COMMITTED) three statements could each
  // see a different moment, and miss a refund that moved from "in flight" to "at Stripe" between
  // them (the write path stores it without this lock).
  const row = await tx
    .select({
      byRefunds: sql<number | string>`(${byRefunds})`,
      byCharges: sql<number | string>`(${byCharges})`,
      inFlight: sql<number | string>`(${inFlight})`,
    })
    .from(sql`(select 1) as one`)
    .get();
  const atStripe = Math.max(Number(row?.byRefunds ?? 0), Number(row?.byCharges ?? 0));
  return Math.max(0, target.paid - atStripe - Number(row?.inFlight ?? 0));
}
