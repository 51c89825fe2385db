import {
  createCreditGrant,
  createCreditGrantInput,
  creditLedgerFilters,
  listAllCreditLedger,
  listCreditGrants,
  type CreditLedgerRow,
} from "@folio/billing";
import { z } from "zod";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { billingDeps } from "../../lib/billing-deps.ts";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

export const creditLedgerInput = listInput(creditLedgerFilters.shape);
type CreditLedgerInput = z.output<typeof creditLedgerInput>;
const ledgerFiltersOf = ({ limit: _l, cursor: _c, ...filters }: CreditLedgerInput) => filters;

/** Credit grants and debits on customers' Stripe credit balances. */
export const creditGrantsRouter = router({
  /** Every customer balance movement, newest first (finance's credit ledger). */
  ledger: staffProcedure("refunds.read")
    .input(creditLedgerInput)
    .query(async ({ ctx, input }) => {
      const page = await listAllCreditLedger(ctx.db, ledgerFiltersOf(input), input);
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
      };
    }),

  /** A customer's grants and debits made by staff (and requests for them), newest first. */
  forCustomer: staffProcedure("customers.read")
    .input(z.object({ userId: z.string().trim().min(1).max(100) }))
    .query(async ({ ctx, input }) =>
      (await listCreditGrants(ctx.db, input)).map((g) => ({
        ...g,
        decidedAt: g.decidedAt?.toISOString() ?? null,
        createdAt: g.createdAt.toISOString(),
      })),
    ),

  /**
   * Grants (positive amount) or debits (negative) credit as one Stripe customer balance
   * transaction. The same `attemptId` is the same grant; above support's limit it waits for
   * approval; a currency the customer's balance cannot hold is refused.
   */
  create: staffProcedure("credits.grant")
    .input(createCreditGrantInput)
    .mutation(async ({ ctx, input }) => {
      const g = await createCreditGrant(billingDeps(ctx), input);
      return {
        id: g.id,
        status: g.status,
        amount: g.amount,
        currency: g.currency,
        failureReason: g.failureReason,
      };
    }),
});

/** `GET /api/export/credit-ledger.csv`: every customer balance movement for the filters. */
export const creditLedgerCsvExport = defineCsvExport<CreditLedgerInput, CreditLedgerRow>({
  kind: "credit-ledger",
  permission: "refunds.read",
  input: creditLedgerInput,
  fetchPage: (ctx, input, page) => listAllCreditLedger(ctx.db, ledgerFiltersOf(input), page),
  columns: [
    { header: "Time (UTC)", value: (r) => r.occurredAt },
    { header: "Balance transaction", value: (r) => r.balanceTransactionId },
    { header: "Stripe customer", value: (r) => r.stripeCustomerId },
    { header: "Customer e-mail", value: (r) => r.customerEmail },
    { header: "Type", value: (r) => r.type },
    { header: "Amount (minor units, Stripe sign)", value: (r) => r.amount },
    { header: "Currency", value: (r) => r.currency },
    { header: "Ending balance", value: (r) => r.endingBalance },
    { header: "Invoice", value: (r) => r.invoiceId },
    { header: "Description", value: (r) => r.description },
  ],
});
