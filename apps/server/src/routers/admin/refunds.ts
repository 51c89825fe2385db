import {
  createRefund,
  createRefundInput,
  listRefunds,
  refundListFilters,
  refundOptions,
  refundsOf,
  type RefundListItem,
  type RefundRow,
} from "@folio/billing";
import { z } from "zod";
import { defineCsvExport } from "../../http/csv-export/define.ts";
import { billingDeps } from "../../lib/billing-deps.ts";
import { listInput } from "../../lib/list-input.ts";
import { router, staffProcedure } from "../../trpc.ts";

const id = z.string().trim().min(1).max(100);
const targetInput = z.union([
  z.object({ orderId: id }).strict(),
  z.object({ invoiceId: id }).strict(),
]);

export const refundListInput = listInput(refundListFilters.shape);
type RefundListInput = z.output<typeof refundListInput>;
export const refundFiltersOf = ({ limit: _l, cursor: _c, ...filters }: RefundListInput) => filters;

/** A refund as staff see it: dates as ISO strings. */
export function refundOut(r: RefundListItem) {
  return {
    ...r,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** What a refund command answers: the request's state, nothing else of the row. */
export function refundResult(r: RefundRow) {
  return {
    id: r.id,
    status: r.status,
    amount: r.amount,
    currency: r.currency,
    destination: r.destination,
    failureReason: r.failureReason,
    stripeRefundId: r.stripeRefundId,
  };
}

/** Refunds of orders and paid invoices (support up to its limit, finance and admin without). */
export const refundsRouter = router({
  /** Every refund, newest first, filtered by state, order, invoice, customer or currency. */
  list: staffProcedure("refunds.read")
    .input(refundListInput)
    .query(async ({ ctx, input }) => {
      const page = await listRefunds(ctx.db, refundFiltersOf(input), input);
      return { nextCursor: page.nextCursor, items: page.items.map(refundOut) };
    }),

  /** The refunds of one order or invoice, newest first. */
  forTarget: staffProcedure("refunds.read")
    .input(targetInput)
    .query(async ({ ctx, input }) => (await refundsOf(ctx.db, input)).map(refundOut)),

  /** What the refund dialog shows: paid, still refundable, shipping state. */
  options: staffProcedure("refunds.create")
    .input(targetInput)
    .query(({ ctx, input }) => refundOptions(ctx.db, input)),

  /**
   * Refunds all or part of an order or paid invoice. The same `attemptId` (made when the form
   * opens) is the same refund however often it is sent. Above support's limit it becomes a
   * request awaiting approval.
   */
  create: staffProcedure("refunds.create")
    .input(createRefundInput)
    .mutation(async ({ ctx, input }) => refundResult(await createRefund(billingDeps(ctx), input))),
});

/** `GET /api/export/refunds.csv`: the refunds list's rows for its filters. */
export const refundsCsvExport = defineCsvExport<RefundListInput, RefundListItem>({
  kind: "refunds",
  permission: "refunds.read",
  input: refundListInput,
  fetchPage: (ctx, input, page) => listRefunds(ctx.db, refundFiltersOf(input), page),
  columns: [
    { header: "Refund id", value: (r) => r.id },
    { header: "Requested at (UTC)", value: (r) => r.createdAt },
    { header: "Status", value: (r) => r.status },
    { header: "Amount (minor units)", value: (r) => r.amount },
    { header: "Currency", value: (r) => r.currency },
    { header: "Destination", value: (r) => r.destination },
    { header: "Order", value: (r) => r.orderId },
    { header: "Invoice", value: (r) => r.invoiceId },
    { header: "Stripe customer", value: (r) => r.stripeCustomerId },
    { header: "Stripe refund", value: (r) => r.stripeRefundId },
    { header: "Reason", value: (r) => r.reason },
    { header: "Note", value: (r) => r.note },
    { header: "Goods returned", value: (r) => r.goodsReturned },
    { header: "Failure reason", value: (r) => r.failureReason },
    { header: "Requested by", value: (r) => r.requestedBy?.email ?? null },
    { header: "Decided by", value: (r) => r.decidedBy?.name ?? null },
    { header: "Decided at (UTC)", value: (r) => r.decidedAt },
    { header: "Decision note", value: (r) => r.decisionNote },
  ],
});
