import { createCreditGrant, createCreditGrantInput, listCreditGrants } from "@folio/billing";
import { z } from "zod";
import { billingDeps } from "../../lib/billing-deps.ts";
import { router, staffProcedure } from "../../trpc.ts";

/** Credit grants and debits on customers' Stripe credit balances. */
export const creditGrantsRouter = router({
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
