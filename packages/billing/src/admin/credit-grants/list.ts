import { creditGrants, users, type CreditGrantStatus, type Db } from "@folio/db";
import { desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";

export interface CreditGrantItem {
  id: string;
  userId: string | null;
  stripeCustomerId: string;
  /** Positive: credit given; negative: credit taken back. Minor units. */
  amount: number;
  currency: string;
  reason: string;
  status: CreditGrantStatus;
  failureReason: string | null;
  balanceTransactionId: string | null;
  requestedBy: { id: string; name: string } | null;
  decidedBy: { id: string; name: string } | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

const requester = alias(users, "requester");
const decider = alias(users, "decider");

/** A customer's credit grants and debits made by staff (and requests for them), newest first. */
export async function listCreditGrants(
  db: Db,
  filter: { userId: string },
  limit = 50,
): Promise<CreditGrantItem[]> {
  const rows = await db
    .select({ g: creditGrants, requesterName: requester.name, deciderName: decider.name })
    .from(creditGrants)
    .leftJoin(requester, eq(requester.id, creditGrants.requestedBy))
    .leftJoin(decider, eq(decider.id, creditGrants.decidedBy))
    .where(eq(creditGrants.userId, filter.userId))
    .orderBy(desc(creditGrants.createdAt), desc(creditGrants.id))
    .limit(limit);
  return rows.map(({ g, requesterName, deciderName }) => ({
    id: g.id,
    userId: g.userId,
    stripeCustomerId: g.stripeCustomerId,
    amount: g.amount,
    currency: g.currency,
    reason: g.reason,
    status: g.status,
    failureReason: g.failureReason,
    balanceTransactionId: g.balanceTransactionId,
    requestedBy:
      g.requestedBy && requesterName !== null ? { id: g.requestedBy, name: requesterName } : null,
    decidedBy: g.decidedBy && deciderName !== null ? { id: g.decidedBy, name: deciderName } : null,
    decidedAt: g.decidedAt,
    decisionNote: g.decisionNote,
    createdAt: g.createdAt,
  }));
}
