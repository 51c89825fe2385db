import { listCustomerInvoices } from "@folio/billing";
import { listInput } from "../../lib/list-input.ts";
import { customerProcedure, router } from "../../trpc.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The signed-in customer's invoices from the mirror. Takes no ids: ctx.user's customer only. */
export const invoicesRouter = router({
  /** Newest first, drafts hidden; `state` is the status in plain words. */
  list: customerProcedure.input(listInput({})).query(async ({ ctx, input }) => {
    const page = await listCustomerInvoices(ctx, ctx.actor.userId, input);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((i) => ({
        id: i.id,
        number: i.number,
        createdAt: i.createdAt.toISOString(),
        periodStart: iso(i.periodStart),
        periodEnd: iso(i.periodEnd),
        currency: i.currency,
        total: i.total,
        tax: i.tax && {
          amount: i.tax.amount,
          totalExcludingTax: i.tax.totalExcludingTax,
          reverseCharge: i.tax.reverseCharge,
          rates: i.tax.rates,
        },
        amountPaid: i.amountPaid,
        amountRemaining: i.amountRemaining,
        state: i.state,
        dueDate: iso(i.dueDate),
        paidAt: iso(i.paidAt),
        hostedInvoiceUrl: i.hostedInvoiceUrl,
        pdfUrl: i.pdfUrl,
      })),
    };
  }),
});
