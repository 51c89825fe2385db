import {
  REFUND_STATUSES,
  keysetPage,
  refunds,
  users,
  type Db,
  type Page,
  type RefundStatus,
} from "@folio/db";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { currencyCode } from "../../settings.ts";
import { refundableAmount, resolveRefundTarget, type RefundTargetInput } from "./target.ts";

// Reading refunds: the finance list (filters + keyset), an order's or invoice's refunds, and
// what the refund dialog needs to know before it opens.

export const refundListFilters = z.object({
  status: z.enum(REFUND_STATUSES).optional(),
  orderId: z.string().trim().min(1).max(100).optional(),
  invoiceId: z.string().trim().min(1).max(100).optional(),
  stripeCustomerId: z.string().trim().min(1).max(100).optional(),
  currency: currencyCode.optional(),
});
export type RefundListFilters = z.output<typeof refundListFilters>;

export interface RefundListItem {
  id: string;
  orderId: string | null;
  invoiceId: string | null;
  stripeCustomerId: string | null;
  amount: number;
  currency: string;
  destination: "card" | "customer_balance";
  reason: string;
  note: string | null;
  goodsReturned: boolean | null;
  status: RefundStatus;
  failureReason: string | null;
  stripeRefundId: string | null;
  requestedBy: { id: string; name: string; email: string } | null;
  decidedBy: { id: string; name: string } | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const requester = alias(users, "requester");
const decider = alias(users, "decider");

function select(db: Db) {
  return db
    .select({
      refund: refunds,
      requesterName: requester.name,
      requesterEmail: requester.email,
      deciderName: decider.name,
    })
    .from(refunds)
    .leftJoin(requester, eq(requester.id, refunds.requestedBy))
    .leftJoin(decider, eq(decider.id, refunds.decidedBy));
}

type Joined = Awaited<ReturnType<ReturnType<typeof select>["all"]>>[number];

function toItem({ refund: r, requesterName, requesterEmail, deciderName }: Joined): RefundListItem {
  return {
    id: r.id,
    orderId: r.orderId,
    invoiceId: r.invoiceId,
    stripeCustomerId: r.stripeCustomerId,
    amount: r.amount,
    currency: r.currency,
    destination: r.destination,
    reason: r.reason,
    note: r.note,
    goodsReturned: r.goodsReturned,
    status: r.status,
    failureReason: r.failureReason,
    stripeRefundId: r.stripeRefundId,
    requestedBy:
      r.requestedBy && requesterName !== null
        ? { id: r.requestedBy, name: requesterName, email: requesterEmail ?? "" }
        : null,
    decidedBy: r.decidedBy && deciderName !== null ? { id: r.decidedBy, name: deciderName } : null,
    decidedAt: r.decidedAt,
    decisionNote: r.decisionNote,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Refunds newest first, filtered, one keyset page at a time. */
export async function listRefunds(
  db: Db,
  filters: RefundListFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<Page<RefundListItem>> {
  const where: SQL[] = [];
  if (filters.status) where.push(eq(refunds.status, filters.status));
  if (filters.orderId) where.push(eq(refunds.orderId, filters.orderId));
  if (filters.invoiceId) where.push(eq(refunds.invoiceId, filters.invoiceId));
  if (filters.stripeCustomerId) where.push(eq(refunds.stripeCustomerId, filters.stripeCustomerId));
  if (filters.currency) where.push(eq(refunds.currency, filters.currency));
  return keysetPage({
    sort: { column: refunds.createdAt, key: "createdAt", direction: "desc" },
    id: { column: refunds.id, key: "id" },
    cursor: page.cursor,
    limit: page.limit,
    fetch: async ({ after, orderBy, limit }) =>
      (
        await select(db)
          .where(and(...where, after))
          .orderBy(...orderBy)
          .limit(limit)
      ).map((j) => ({ ...toItem(j) })),
    map: (item) => item,
  });
}

/** Every refund of one order or invoice, newest first (a handful at most). */
export async function refundsOf(db: Db, target: RefundTargetInput): Promise<RefundListItem[]> {
  const rows = await select(db)
    .where(
      "orderId" in target
        ? eq(refunds.orderId, target.orderId)
        : eq(refunds.invoiceId, target.invoiceId),
    )
    .orderBy(desc(refunds.createdAt), desc(refunds.id));
  return rows.map(toItem);
}

export interface RefundOptions {
  currency: string;
  paid: number;
  /** What a new refund may take now (made and requested refunds already count). */
  refundable: number;
  /** The order's shipping state, when it has one: a shipped order asks whether goods came back. */
  shipping: string | null;
  hasCustomer: boolean;
}

/** What the refund dialog shows before anything is sent. */
export async function refundOptions(db: Db, target: RefundTargetInput): Promise<RefundOptions> {
  const resolved = await resolveRefundTarget(db, target);
  const refundable = await refundableAmount(db, resolved);
  return {
    currency: resolved.currency,
    paid: resolved.paid,
    refundable,
    shipping: resolved.shipping,
    hasCustomer: resolved.stripeCustomerId !== null,
  };
}
