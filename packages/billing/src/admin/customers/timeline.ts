import {
  auditLog,
  billingCustomers,
  creditGrants,
  creditLedger,
  orders,
  refunds as folioRefunds,
  shippingTasks,
  stripeCharges,
  stripeCheckoutSessions,
  stripeInvoices,
  stripePaymentIntents,
  stripeProducts,
  stripeRefunds,
  stripeSubscriptions,
  subscriptionHistory,
  users,
  webhookEvents,
  type ActorType,
  type Db,
  type WalletEntryType,
  type Page,
} from "@folio/db";
import { and, desc, eq, inArray, ne, sql, type AnyColumn } from "drizzle-orm";
import { DomainError } from "../../errors.ts";
import {
  decode,
  encode,
  isPastCursor,
  newestFirst,
  pastCursor,
  type Candidate,
  type Cursor,
} from "./timeline-cursor.ts";
import { refundSources, refundsOf } from "./timeline-refunds.ts";
import { walletSource } from "./timeline-wallet.ts";

// One timeline per customer, newest first, merging what Stripe told Folio (webhook events on the
// customer's objects, subscription changes), what Folio recorded (orders, shipments, refunds,
// credit movements) and what people did (the audit log, sync rows excluded: those are the
// records above). Each source is read with its own index, `limit + 1` rows past the cursor, and
// the sources are merged in memory: a page costs the same however long the history is. Orders and
// shipments come from the customer's order rows, read whole anyway for the ids they carry, and
// the ids of the customer's Stripe objects from one statement: about ten statements a page.
//
// Order: time desc, then source name desc, then the source's own id desc. The cursor names the
// last entry shown (time, source, id), so each source knows exactly where to resume — even among
// entries of the same millisecond.

export const TIMELINE_KINDS = [
  "stripe_event",
  "subscription_change",
  "order",
  "shipment",
  "refund",
  "credit",
  "wallet",
  "action",
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

interface Base {
  /** Unique within the timeline; stable across pages. */
  key: string;
  at: Date;
}

export interface MoneyDelta {
  /** Minor units; for credit, positive is credit given to the customer. */
  amount: number;
  currency: string;
}

export type TimelineEntry = Base &
  (
    | {
        kind: "stripe_event";
        eventId: string;
        type: string;
        status: string;
        objectId: string | null;
        objectType: string | null;
      }
    | {
        kind: "subscription_change";
        subscriptionId: string;
        status: string;
        /** The Stripe event that carried the change, or "sync"/"api" for a fetch. */
        eventType: string;
        items: { productName: string | null; priceId: string; quantity: number }[];
        cancelAtPeriodEnd: boolean;
      }
    | {
        kind: "order";
        orderId: string;
        paymentState: string;
        money: MoneyDelta;
      }
    | {
        kind: "shipment";
        orderId: string;
        state: "packed" | "shipped" | "delivered" | "canceled";
        carrier: string | null;
        trackingNumber: string | null;
      }
    | {
        kind: "refund";
        /** Folio's refund id (`origin` folio) or Stripe's (a refund made outside Folio). */
        refundId: string;
        origin: "folio" | "stripe";
        status: string | null;
        reason: string | null;
        /** Folio refunds: the internal note, and where the money went. */
        note: string | null;
        destination: "card" | "customer_balance" | null;
        /** Money back to the customer (negative: it left the merchant). */
        money: MoneyDelta;
      }
    | {
        kind: "credit";
        balanceTransactionId: string;
        /** Stripe's balance transaction type (adjustment, applied_to_invoice, credit_note…). */
        type: string;
        description: string | null;
        /** Credit given (positive) or used (negative). */
        money: MoneyDelta;
        creditAfter: number;
      }
    | {
        kind: "wallet";
        entryId: number;
        /** A credit pack bought, credits expired, or a pack refunded (its unused credits). */
        type: WalletEntryType;
        /** Credits added (positive) or removed. */
        units: number;
        balanceAfter: number;
        orderId: string | null;
      }
    | {
        kind: "action";
        auditId: number;
        action: string;
        target: string;
        actor: { type: ActorType; id: string | null; name: string | null; email: string | null };
        reason: string | null;
        /** The amount the action moved, when its audit row records one. */
        money: MoneyDelta | null;
        before: Record<string, unknown> | null;
        after: Record<string, unknown> | null;
      }
  );

/**
 * The customer's orders with their shipping task: the order and shipment entries come from these
 * rows (a customer's orders are read whole here anyway, for the ids other sources point at).
 */
function ordersOf(db: Db, userId: string) {
  return db
    .select({
      id: orders.id,
      checkoutSessionId: orders.checkoutSessionId,
      paymentIntentId: orders.paymentIntentId,
      placedAt: orders.placedAt,
      amountTotal: orders.amountTotal,
      currency: orders.currency,
      paymentState: orders.paymentState,
      taskId: shippingTasks.id,
      packedAt: shippingTasks.packedAt,
      shippedAt: shippingTasks.shippedAt,
      deliveredAt: shippingTasks.deliveredAt,
      canceledAt: shippingTasks.canceledAt,
      carrier: shippingTasks.carrier,
      trackingNumber: shippingTasks.trackingNumber,
    })
    .from(orders)
    .leftJoin(shippingTasks, eq(shippingTasks.orderId, orders.id))
    .where(eq(orders.userId, userId));
}
type OrderRow = Awaited<ReturnType<typeof ordersOf>>[number];

/** The ids of the customer's Stripe objects and Folio requests, in one statement. */
async function idsByCustomer(db: Db, stripeCustomerId: string) {
  const of = (kind: string, table: { id: AnyColumn }, customer: AnyColumn) =>
    sql`select ${sql.raw(`'${kind}'`)}, ${table.id} from ${table} where ${customer} = ${stripeCustomerId}`;
  const rows = await db.all<[string, string]>(
    sql.join(
      [
        of("subscription", stripeSubscriptions, stripeSubscriptions.customerId),
        of("invoice", stripeInvoices, stripeInvoices.customerId),
        of("payment_intent", stripePaymentIntents, stripePaymentIntents.customerId),
        of("charge", stripeCharges, stripeCharges.customerId),
        of("session", stripeCheckoutSessions, stripeCheckoutSessions.customerId),
        of("refund", folioRefunds, folioRefunds.stripeCustomerId),
        of("credit_grant", creditGrants, creditGrants.stripeCustomerId),
      ],
      sql` union all `,
    ),
  );
  const ids = (kind: string) => rows.flatMap(([k, id]) => (k === kind ? [id] : []));
  return {
    subscriptions: ids("subscription"),
    invoices: ids("invoice"),
    paymentIntents: ids("payment_intent"),
    charges: ids("charge"),
    sessions: ids("session"),
    folioRefunds: ids("refund"),
    creditGrants: ids("credit_grant"),
  };
}

/** Everything of the customer's that events, refunds and audit rows can point at. */
async function customerObjects(
  db: Db,
  ordersOfCustomer: OrderRow[],
  stripeCustomerId: string | null,
) {
  const none: string[] = [];
  const byCustomer = stripeCustomerId
    ? await idsByCustomer(db, stripeCustomerId)
    : {
        subscriptions: none,
        invoices: none,
        paymentIntents: none,
        charges: none,
        sessions: none,
        folioRefunds: none,
        creditGrants: none,
      };
  const pis = [
    ...new Set([
      ...byCustomer.paymentIntents,
      ...ordersOfCustomer.flatMap((o) => o.paymentIntentId ?? []),
    ]),
  ];
  const charges = byCustomer.charges;
  const refunds =
    pis.length + charges.length === 0
      ? []
      : (
          await db
            .select({ id: stripeRefunds.id })
            .from(stripeRefunds)
            .where(refundsOf(pis, charges))
        ).map((r) => r.id);
  return {
    folioRefunds: byCustomer.folioRefunds,
    creditGrants: byCustomer.creditGrants,
    orderIds: ordersOfCustomer.map((o) => o.id),
    taskIds: ordersOfCustomer.flatMap((o) => o.taskId ?? []),
    subscriptions: byCustomer.subscriptions,
    invoices: byCustomer.invoices,
    paymentIntents: pis,
    charges,
    sessions: [
      ...new Set([...byCustomer.sessions, ...ordersOfCustomer.map((o) => o.checkoutSessionId)]),
    ],
    refunds,
  };
}

const SHIPMENT_STATES = [
  ["packed", "packedAt"],
  ["shipped", "shippedAt"],
  ["delivered", "deliveredAt"],
  ["canceled", "canceledAt"],
] as const;

/** Order and shipment entries past the cursor, from the customer's order rows. */
function orderEntries(rows: OrderRow[], cursor: Cursor | null): Candidate[] {
  const out: Candidate[] = [];
  for (const r of rows) {
    out.push({
      source: "order",
      id: r.id,
      entry: {
        kind: "order",
        key: `order:${r.id}`,
        at: r.placedAt,
        orderId: r.id,
        paymentState: r.paymentState,
        money: { amount: r.amountTotal, currency: r.currency },
      },
    });
    if (!r.taskId) continue;
    for (const [state, column] of SHIPMENT_STATES) {
      const at = r[column];
      if (!at) continue;
      const source = `shipment.${state}`;
      out.push({
        source,
        id: r.taskId,
        entry: {
          kind: "shipment",
          key: `${source}:${r.taskId}`,
          at,
          orderId: r.id,
          state,
          carrier: r.carrier,
          trackingNumber: r.trackingNumber,
        },
      });
    }
  }
  return out.filter((c) => isPastCursor(cursor, c));
}

function moneyOf(after: Record<string, unknown> | null): MoneyDelta | null {
  if (!after) return null;
  const amount = after["amount"];
  const currency = after["currency"];
  return typeof amount === "number" && typeof currency === "string" ? { amount, currency } : null;
}

/**
 * One page of the customer's timeline (`customerId` is the Folio user id), newest first. Throws
 * NOT_FOUND for an id that is not a customer's, InvalidCursorError for a cursor it did not make.
 */
export async function customerTimeline(
  db: Db,
  customerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<TimelineEntry>> {
  const cursor = page.cursor ? decode(page.cursor) : null;
  const customer = await db
    .select({ id: users.id, stripeCustomerId: billingCustomers.stripeCustomerId })
    .from(users)
    .leftJoin(billingCustomers, eq(billingCustomers.userId, users.id))
    .where(and(eq(users.id, customerId), eq(users.role, "customer")))
    .get();
  if (!customer) throw new DomainError("NOT_FOUND", "There is no customer with this id.");
  const stripeId = customer.stripeCustomerId;
  const customerOrders = await ordersOf(db, customerId);
  const objects = await customerObjects(db, customerOrders, stripeId);
  const n = page.limit + 1;
  const sources: Promise<Candidate[]>[] = [Promise.resolve(orderEntries(customerOrders, cursor))];

  sources.push(...refundSources(db, { ...objects, stripeCustomerId: stripeId }, cursor, n));
  sources.push(walletSource(db, customerId, cursor, n));

  if (stripeId) {
    sources.push(
      db
        .select({
          id: creditLedger.id,
          at: creditLedger.occurredAt,
          balanceTransactionId: creditLedger.balanceTransactionId,
          amount: creditLedger.amount,
          currency: creditLedger.currency,
          endingBalance: creditLedger.endingBalance,
          type: creditLedger.reason,
          description: creditLedger.description,
        })
        .from(creditLedger)
        .where(
          and(
            eq(creditLedger.stripeCustomerId, stripeId),
            pastCursor(cursor, "credit", creditLedger.occurredAt, creditLedger.id),
          ),
        )
        .orderBy(desc(creditLedger.occurredAt), desc(creditLedger.id))
        .limit(n)
        .then((rows) =>
          rows.map((r) => ({
            source: "credit",
            id: r.id,
            entry: {
              kind: "credit",
              key: `credit:${r.balanceTransactionId}`,
              at: r.at,
              balanceTransactionId: r.balanceTransactionId,
              type: r.type,
              description: r.description,
              // Stripe's sign is the customer's debt; the timeline shows credit given as +.
              money: { amount: 0 - r.amount, currency: r.currency },
              creditAfter: 0 - r.endingBalance,
            },
          })),
        ),
      subscriptionChanges(db, stripeId, cursor, n),
    );
  }

  const eventObjects = [
    ...(stripeId ? [stripeId] : []),
    ...objects.subscriptions,
    ...objects.invoices,
    ...objects.paymentIntents,
    ...objects.charges,
    ...objects.sessions,
    ...objects.refunds,
  ];
  if (eventObjects.length) {
    sources.push(
      db
        .select({
          id: webhookEvents.id,
          at: webhookEvents.created,
          type: webhookEvents.type,
          status: webhookEvents.status,
          objectId: webhookEvents.objectId,
          objectType: webhookEvents.objectType,
        })
        .from(webhookEvents)
        .where(
          and(
            inArray(webhookEvents.objectId, eventObjects),
            pastCursor(cursor, "stripe_event", webhookEvents.created, webhookEvents.id),
          ),
        )
        .orderBy(desc(webhookEvents.created), desc(webhookEvents.id))
        .limit(n)
        .then((rows) =>
          rows.map((r) => ({
            source: "stripe_event",
            id: r.id,
            entry: {
              kind: "stripe_event",
              key: `stripe_event:${r.id}`,
              at: r.at,
              eventId: r.id,
              type: r.type,
              status: r.status,
              objectId: r.objectId,
              objectType: r.objectType,
            },
          })),
        ),
    );
  }

  const targets = [
    `user:${customerId}`,
    ...(stripeId ? [`customer:${stripeId}`] : []),
    ...objects.orderIds.map((id) => `order:${id}`),
    ...objects.taskIds.map((id) => `shipping_task:${id}`),
    ...objects.subscriptions.map((id) => `subscription:${id}`),
    ...objects.invoices.map((id) => `invoice:${id}`),
    ...objects.sessions.map((id) => `checkout_session:${id}`),
    ...objects.folioRefunds.map((id) => `refund:${id}`),
    ...objects.creditGrants.map((id) => `credit_grant:${id}`),
  ];
  sources.push(
    db
      .select({
        id: auditLog.id,
        at: auditLog.at,
        actorType: auditLog.actorType,
        actorId: auditLog.actorId,
        actorName: users.name,
        actorEmail: users.email,
        action: auditLog.action,
        target: auditLog.target,
        before: auditLog.before,
        after: auditLog.after,
        reason: auditLog.reason,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(
        and(
          inArray(auditLog.target, targets),
          // Sync rows are the orders, refunds and credit above, said again.
          ne(auditLog.actorType, "sync"),
          pastCursor(cursor, "action", auditLog.at, auditLog.id),
        ),
      )
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(n)
      .then((rows) =>
        rows.map((r) => ({
          source: "action",
          id: r.id,
          entry: {
            kind: "action",
            key: `action:${r.id}`,
            at: r.at,
            auditId: r.id,
            action: r.action,
            target: r.target,
            actor: { type: r.actorType, id: r.actorId, name: r.actorName, email: r.actorEmail },
            reason: r.reason,
            money: moneyOf(r.after),
            before: r.before,
            after: r.after,
          },
        })),
      ),
  );

  const merged = (await Promise.all(sources)).flat().sort(newestFirst);
  const shown = merged.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    items: shown.map((c) => c.entry),
    nextCursor:
      merged.length > page.limit && last
        ? encode({ a: last.entry.at.getTime(), s: last.source, i: last.id })
        : null,
  };
}

async function subscriptionChanges(
  db: Db,
  stripeCustomerId: string,
  cursor: Cursor | null,
  n: number,
): Promise<Candidate[]> {
  const source = "subscription_change";
  const rows = await db
    .select({
      id: subscriptionHistory.id,
      at: subscriptionHistory.effectiveAt,
      subscriptionId: subscriptionHistory.subscriptionId,
      status: subscriptionHistory.status,
      eventType: subscriptionHistory.eventType,
      items: subscriptionHistory.items,
      cancelAtPeriodEnd: subscriptionHistory.cancelAtPeriodEnd,
    })
    .from(subscriptionHistory)
    .where(
      and(
        eq(subscriptionHistory.stripeCustomerId, stripeCustomerId),
        pastCursor(cursor, source, subscriptionHistory.effectiveAt, subscriptionHistory.id),
      ),
    )
    .orderBy(desc(subscriptionHistory.effectiveAt), desc(subscriptionHistory.id))
    .limit(n);
  const productIds = [...new Set(rows.flatMap((r) => r.items.map((i) => i.productId)))];
  const names = new Map(
    productIds.length
      ? (
          await db
            .select({ id: stripeProducts.id, name: stripeProducts.name })
            .from(stripeProducts)
            .where(inArray(stripeProducts.id, productIds))
        ).map((p) => [p.id, p.name])
      : [],
  );
  return rows.map((r) => ({
    source,
    id: r.id,
    entry: {
      kind: "subscription_change",
      key: `${source}:${r.id}`,
      at: r.at,
      subscriptionId: r.subscriptionId,
      status: r.status,
      eventType: r.eventType,
      items: r.items.map((i) => ({
        productName: names.get(i.productId) ?? null,
        priceId: i.priceId,
        quantity: i.quantity,
      })),
      cancelAtPeriodEnd: r.cancelAtPeriodEnd,
    },
  }));
}
