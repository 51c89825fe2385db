import { customerCreditBalance, listCreditLedger } from "@folio/billing";
import { listInput } from "../../lib/list-input.ts";
import { customerProcedure, router } from "../../trpc.ts";

/** The signed-in customer's account credit. Takes no ids: ctx.user's customer only. */
export const creditRouter = router({
  /** Credit available now (Stripe's customer balance, in the customer's sign). */
  balance: customerProcedure.query(({ ctx }) => customerCreditBalance(ctx.db, ctx.actor.userId)),

  /** Ledger entries newest first, each with where it came from and the invoice it touched. */
  ledger: customerProcedure.input(listInput({})).query(async ({ ctx, input }) => {
    const page = await listCreditLedger(ctx.db, ctx.actor.userId, input);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((e) => ({
        id: e.id,
        occurredAt: e.occurredAt.toISOString(),
        creditChange: e.creditChange,
        creditAfter: e.creditAfter,
        currency: e.currency,
        source: e.source,
        stripeType: e.stripeType,
        description: e.description,
        invoice: e.invoice,
        orderId: e.orderId,
      })),
    };
  }),
});
