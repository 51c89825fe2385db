import {
  creditLedger,
  keysetPage,
  orderItems,
  orders,
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  stripeInvoices,
  type Db,
  type Page,
} from "@folio/db";
import { and, eq, inArray, or } from "drizzle-orm";
import { stripeCustomerIdFor } from "../records/customer-link.ts";

// Stripe's customer balance counts what the customer owes: negative is credit they hold. The
// portal speaks the customer's language instead — `credit` is what they can spend, and each
// ledger entry says how much credit it added (positive) or used (negative).

export interface CustomerCreditBalance {
  /** Credit available to spend on future invoices (0 when none); minor units. */
  credit: number;
  /** What the customer owes that the next invoice will add (a positive Stripe balance). */
  owed: number;
  /** Null before the customer's first balance movement or invoice fixes one. */
  currency: string | null;
}

/**
 * Where a ledger entry came from:
 * - `staff_grant`: our team added credit (a balance adjustment); `staff_debit` took some back.
 * - `refund_to_credit`: a refund paid out as credit (a credit note).
 * - `proration`: an invoice came out negative (unused time on a plan change) and left credit.
 * - `credit_pack`: a purchase of credit, from an order in the shop.
 * - `applied_to_invoice`: credit used on an invoice; `returned_from_invoice`: given back when
 *   that invoice was voided.
 * - `overpayment`: more was paid on an invoice than it asked for.
 * - `other`: any other Stripe balance transaction type (`stripeType` says which).
 */
export type CreditSource =
  | "staff_grant"
  | "staff_debit"
  | "refund_to_credit"
  | "proration"
  | "credit_pack"
  | "applied_to_invoice"
  | "returned_from_invoice"
  | "overpayment"
  | "other";

export interface CreditLedgerEntry {
  id: string;
  occurredAt: Date;
  /** Credit added (positive) or used (negative) by this entry; minor units. */
  creditChange: number;
  /** Credit held after it (negative when the customer owed money instead). */
  creditAfter: number;
  currency: string;
  source: CreditSource;
  stripeType: string;
  description: string | null;
  /** The invoice it was applied to or came from; only the caller's own invoices are named. */
  invoice: { id: string; number: string | null; hostedInvoiceUrl: string | null } | null;
  /** The order that bought it (credit packs). */
  orderId: string | null;
}

export async function customerCreditBalance(
  db: Db,
  userId: string,
): Promise<CustomerCreditBalance> {
  const customerId = await stripeCustomerIdFor(db, userId);
  if (!customerId) return { credit: 0, owed: 0, currency: null };
  const row = await db
    .select({ balance: stripeCustomers.balance, currency: stripeCustomers.currency })
    .from(stripeCustomers)
    .where(eq(stripeCustomers.id, customerId))
    .get();
  const balance = row?.balance ?? 0;
  return {
    credit: Math.max(0, -balance),
    owed: Math.max(0, balance),
    currency: row?.currency ?? null,
  };
}

function sourceOf(type: string, amount: number, fromOrder: boolean): CreditSource {
  if (fromOrder && amount < 0) return "credit_pack";
  switch (type) {
    case "adjustment":
      return amount <= 0 ? "staff_grant" : "staff_debit";
    case "credit_note":
      return "refund_to_credit";
    case "applied_to_invoice":
      // A negative invoice (a downgrade's unused time) leaves credit; otherwise credit is used.
      return amount < 0 ? "proration" : "applied_to_invoice";
    case "unapplied_from_invoice":
      return "returned_from_invoice";
    case "invoice_overpaid":
      return "overpayment";
    default:
      return "other";
  }
}

/**
 * The user's credit ledger (Folio's `credit_ledger`, fed by Stripe's customer balance
 * transactions), newest first, one keyset page at a time, for the Stripe customer linked to the
 * user. Invoices and orders are looked up within that customer and user only.
 */
export async function listCreditLedger(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<CreditLedgerEntry>> {
  const customerId = await stripeCustomerIdFor(db, userId);
  if (!customerId) return { items: [], nextCursor: null };

  const rows = await keysetPage({
    sort: { column: creditLedger.occurredAt, key: "occurredAt", direction: "desc" },
    id: { column: creditLedger.id, key: "id" },
    cursor: page.cursor,
    limit: page.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: creditLedger.id,
          balanceTransactionId: creditLedger.balanceTransactionId,
          occurredAt: creditLedger.occurredAt,
          amount: creditLedger.amount,
          endingBalance: creditLedger.endingBalance,
          currency: creditLedger.currency,
          reason: creditLedger.reason,
          description: creditLedger.description,
          invoiceId: creditLedger.invoiceId,
          checkoutSessionId: stripeCustomerBalanceTransactions.checkoutSessionId,
          metadata: stripeCustomerBalanceTransactions.metadata,
        })
        .from(creditLedger)
        .leftJoin(
          stripeCustomerBalanceTransactions,
          eq(stripeCustomerBalanceTransactions.id, creditLedger.balanceTransactionId),
        )
        .where(and(eq(creditLedger.stripeCustomerId, customerId), after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (row) => row,
  });

  const invoiceIds = [...new Set(rows.items.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])))];
  const invoices = new Map(
    invoiceIds.length === 0
      ? []
      : (
          await db
            .select({
              id: stripeInvoices.id,
              number: stripeInvoices.number,
              hostedInvoiceUrl: stripeInvoices.hostedInvoiceUrl,
            })
            .from(stripeInvoices)
            .where(
              and(
                inArray(stripeInvoices.id, invoiceIds),
                eq(stripeInvoices.customerId, customerId),
              ),
            )
        ).map((i) => [i.id, i]),
  );
  const packs = await creditPackOrders(db, userId, rows.items);

  return {
    nextCursor: rows.nextCursor,
    items: rows.items.map((r) => {
      const orderId = packs.get(r.balanceTransactionId) ?? null;
      return {
        id: r.balanceTransactionId,
        occurredAt: r.occurredAt,
        creditChange: 0 - r.amount, // not -r.amount: a zero stays 0, not -0
        creditAfter: 0 - r.endingBalance,
        currency: r.currency,
        source: sourceOf(r.reason, r.amount, orderId !== null),
        stripeType: r.reason,
        description: r.description,
        invoice: r.invoiceId
          ? (invoices.get(r.invoiceId) ?? { id: r.invoiceId, number: null, hostedInvoiceUrl: null })
          : null,
        orderId,
      };
    }),
  };
}

/**
 * Balance transactions that a credit-pack order paid for, by balance transaction id: the
 * fulfilment names the order (`folio_order_id` metadata) or the checkout session it came from.
 * Only the user's own orders that sold credit count.
 */
async function creditPackOrders(
  db: Db,
  userId: string,
  rows: {
    balanceTransactionId: string;
    checkoutSessionId: string | null;
    metadata: Record<string, string> | null;
  }[],
): Promise<Map<string, string>> {
  const orderIds = rows.flatMap((r) =>
    r.metadata?.folio_order_id ? [r.metadata.folio_order_id] : [],
  );
  const sessionIds = rows.flatMap((r) => (r.checkoutSessionId ? [r.checkoutSessionId] : []));
  const out = new Map<string, string>();
  if (orderIds.length === 0 && sessionIds.length === 0) return out;
  const found = await db
    .selectDistinct({ id: orders.id, checkoutSessionId: orders.checkoutSessionId })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(
      and(
        eq(orders.userId, userId),
        eq(orderItems.productKind, "credits"),
        or(
          orderIds.length > 0 ? inArray(orders.id, orderIds) : undefined,
          sessionIds.length > 0 ? inArray(orders.checkoutSessionId, sessionIds) : undefined,
        ),
      ),
    );
  for (const r of rows) {
    const order = found.find(
      (o) => o.id === r.metadata?.folio_order_id || o.checkoutSessionId === r.checkoutSessionId,
    );
    if (order) out.set(r.balanceTransactionId, order.id);
  }
  return out;
}
