import { billingCustomers, creditLedger, keysetPage, users, type Db, type Page } from "@folio/db";
import { and, eq, type SQL } from "drizzle-orm";
import { z } from "zod";
import { currencyCode } from "../../settings.ts";

// Every customer balance movement (grants, debits, credit used on invoices, refunds to credit…)
// across customers, newest first: finance's credit ledger and its CSV export.

export const creditLedgerFilters = z.object({
  stripeCustomerId: z.string().trim().min(1).max(100).optional(),
  currency: currencyCode.optional(),
});
export type CreditLedgerFilters = z.output<typeof creditLedgerFilters>;

export interface CreditLedgerRow {
  id: number;
  balanceTransactionId: string;
  stripeCustomerId: string;
  customerEmail: string | null;
  /** Stripe's sign: negative gives the customer credit, positive uses or takes it. */
  amount: number;
  currency: string;
  endingBalance: number;
  type: string;
  description: string | null;
  invoiceId: string | null;
  occurredAt: Date;
}

export async function listAllCreditLedger(
  db: Db,
  filters: CreditLedgerFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<Page<CreditLedgerRow>> {
  const where: SQL[] = [];
  if (filters.stripeCustomerId) {
    where.push(eq(creditLedger.stripeCustomerId, filters.stripeCustomerId));
  }
  if (filters.currency) where.push(eq(creditLedger.currency, filters.currency));
  return keysetPage({
    sort: { column: creditLedger.occurredAt, key: "occurredAt", direction: "desc" },
    id: { column: creditLedger.id, key: "id" },
    cursor: page.cursor,
    limit: page.limit,
    fetch: ({ after, orderBy, limit }) =>
      db
        .select({
          id: creditLedger.id,
          balanceTransactionId: creditLedger.balanceTransactionId,
          stripeCustomerId: creditLedger.stripeCustomerId,
          customerEmail: users.email,
          amount: creditLedger.amount,
          currency: creditLedger.currency,
          endingBalance: creditLedger.endingBalance,
          type: creditLedger.reason,
          description: creditLedger.description,
          invoiceId: creditLedger.invoiceId,
          occurredAt: creditLedger.occurredAt,
        })
        .from(creditLedger)
        .leftJoin(
          billingCustomers,
          eq(billingCustomers.stripeCustomerId, creditLedger.stripeCustomerId),
        )
        .leftJoin(users, eq(users.id, billingCustomers.userId))
        .where(and(...where, after))
        .orderBy(...orderBy)
        .limit(limit),
    map: (r) => r,
  });
}
