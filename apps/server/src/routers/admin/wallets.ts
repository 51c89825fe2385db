import {
  debitCredits,
  debitCreditsInput,
  grantCredits,
  grantCreditsInput,
  listAllWalletTransactions,
  listWalletTransactions,
  usageOverview,
  walletTransactionFilters,
  type WalletTransaction,
} from "@folio/billing";
import { z } from "zod";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";
import { withIsoDates } from "./dates.ts";

export const walletTransactionsInput = listInput(walletTransactionFilters);
type WalletTransactionsInput = z.output<typeof walletTransactionsInput>;
const filtersOf = ({ limit: _l, cursor: _c, ...filters }: WalletTransactionsInput) => filters;

const customerInput = z.object({ userId: z.string().trim().min(1).max(100) });

const transactionOut = (t: WalletTransaction) => ({
  id: t.id,
  userId: t.userId,
  customerName: t.customerName,
  customerEmail: t.customerEmail,
  type: t.type,
  units: t.units,
  balanceAfter: t.balanceAfter,
  expiresAt: t.expiresAt?.toISOString() ?? null,
  reason: t.reason,
  actorType: t.actorType,
  actorId: t.actorId,
  orderId: t.orderId,
  meterKey: t.meterKey,
  meterName: t.meterName,
  at: t.at.toISOString(),
});

/** Credit wallets for staff: every transaction, one customer's usage and wallet, grants and debits. */
export const walletsRouter = router({
  /** Every customer's wallet transactions, newest first, by customer, type and day. */
  transactions: staffProcedure("wallets.read")
    .input(walletTransactionsInput)
    .query(async ({ ctx, input }) => {
      const page = await listAllWalletTransactions(ctx.db, filtersOf(input), input);
      return { nextCursor: page.nextCursor, items: page.items.map(transactionOut) };
    }),

  /** A customer's usage this period, balance and latest transactions (their admin page). */
  forCustomer: staffProcedure("customers.read")
    .input(customerInput)
    .query(async ({ ctx, input }) => {
      const [usage, recent] = await Promise.all([
        usageOverview(ctx, input.userId),
        listWalletTransactions(ctx.db, { userId: input.userId, limit: 10 }),
      ]);
      return { ...withIsoDates(usage), recent: recent.items.map(transactionOut) };
    }),

  /** Gives credits, with a reason (support up to its limit); once per attempt, audited. */
  grant: staffProcedure("credits.grant")
    .input(grantCreditsInput)
    .mutation(async ({ ctx, input }) => {
      const entry = await grantCredits(ctx, input);
      return { id: entry.id, units: entry.units, balanceAfter: entry.balanceAfter };
    }),

  /** Takes credits back, never below zero, with a reason; once per attempt, audited. */
  debit: staffProcedure("credits.grant")
    .input(debitCreditsInput)
    .mutation(async ({ ctx, input }) => {
      const entry = await debitCredits(ctx, input);
      return { id: entry.id, units: entry.units, balanceAfter: entry.balanceAfter };
    }),
});

/** `GET /api/export/wallet-transactions.csv`: every wallet transaction for the filters. */
export const walletTransactionsCsvExport = defineCsvExport<
  WalletTransactionsInput,
  WalletTransaction
>({
  kind: "wallet-transactions",
  permission: "wallets.read",
  input: walletTransactionsInput,
  fetchPage: (ctx, input, page) => listAllWalletTransactions(ctx.db, filtersOf(input), page),
  columns: [
    { header: "Time (UTC)", value: (r) => r.at },
    { header: "Transaction", value: (r) => r.id },
    { header: "Customer", value: (r) => r.userId },
    { header: "Customer e-mail", value: (r) => r.customerEmail },
    { header: "Type", value: (r) => r.type },
    { header: "Credits", value: (r) => r.units },
    { header: "Balance after", value: (r) => r.balanceAfter },
    { header: "Meter", value: (r) => r.meterKey },
    { header: "Order", value: (r) => r.orderId },
    { header: "Expires (UTC)", value: (r) => r.expiresAt },
    { header: "Reason", value: (r) => r.reason },
    { header: "Actor", value: (r) => (r.actorId ? `${r.actorType}:${r.actorId}` : r.actorType) },
  ],
});
