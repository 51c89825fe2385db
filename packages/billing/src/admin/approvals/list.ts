import { billingCustomers, creditGrants, refunds, users, type Db } from "@folio/db";
import { asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";

// The approvals queue: refunds and credit grants awaiting a decision, oldest first. Both are
// read through partial indexes on `status = 'awaiting_approval'`, so the queue costs what its own
// length costs, whatever the size of the tables.

export interface PendingApproval {
  kind: "refund" | "credit_grant";
  id: string;
  /** Minor units; for credit grants negative is a debit. */
  amount: number;
  currency: string;
  /** Refunds: order or invoice; grants: the customer. */
  orderId: string | null;
  invoiceId: string | null;
  customerUserId: string | null;
  customerEmail: string | null;
  destination: "card" | "customer_balance" | null;
  /** Stripe's refund reason, or the grant's reason. */
  reason: string;
  note: string | null;
  goodsReturned: boolean | null;
  requestedBy: { id: string; name: string; email: string } | null;
  createdAt: Date;
}

const requester = alias(users, "requester");
const customer = alias(users, "customer");

/** Everything awaiting approval (at most `limit` of each kind), oldest first. */
export async function listPendingApprovals(db: Db, limit = 200): Promise<PendingApproval[]> {
  const refundRows = await db
    .select({
      r: refunds,
      requesterName: requester.name,
      requesterEmail: requester.email,
      customerUserId: billingCustomers.userId,
      customerEmail: customer.email,
    })
    .from(refunds)
    .leftJoin(requester, eq(requester.id, refunds.requestedBy))
    .leftJoin(billingCustomers, eq(billingCustomers.stripeCustomerId, refunds.stripeCustomerId))
    .leftJoin(customer, eq(customer.id, billingCustomers.userId))
    .where(eq(refunds.status, "awaiting_approval"))
    .orderBy(asc(refunds.createdAt))
    .limit(limit);
  const grantRows = await db
    .select({
      g: creditGrants,
      requesterName: requester.name,
      requesterEmail: requester.email,
      customerEmail: customer.email,
    })
    .from(creditGrants)
    .leftJoin(requester, eq(requester.id, creditGrants.requestedBy))
    .leftJoin(customer, eq(customer.id, creditGrants.userId))
    .where(eq(creditGrants.status, "awaiting_approval"))
    .orderBy(asc(creditGrants.createdAt))
    .limit(limit);
  const who = (id: string | null, name: string | null, email: string | null) =>
    id && name !== null ? { id, name, email: email ?? "" } : null;
  const items: PendingApproval[] = [
    ...refundRows.map(({ r, requesterName, requesterEmail, customerUserId, customerEmail }) => ({
      kind: "refund" as const,
      id: r.id,
      amount: r.amount,
      currency: r.currency,
      orderId: r.orderId,
      invoiceId: r.invoiceId,
      customerUserId,
      customerEmail,
      destination: r.destination,
      reason: r.reason,
      note: r.note,
      goodsReturned: r.goodsReturned,
      requestedBy: who(r.requestedBy, requesterName, requesterEmail),
      createdAt: r.createdAt,
    })),
    ...grantRows.map(({ g, requesterName, requesterEmail, customerEmail }) => ({
      kind: "credit_grant" as const,
      id: g.id,
      amount: g.amount,
      currency: g.currency,
      orderId: null,
      invoiceId: null,
      customerUserId: g.userId,
      customerEmail,
      destination: null,
      reason: g.reason,
      note: null,
      goodsReturned: null,
      requestedBy: who(g.requestedBy, requesterName, requesterEmail),
      createdAt: g.createdAt,
    })),
  ];
  return items.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
