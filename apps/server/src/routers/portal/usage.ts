import { listWalletTransactions, usageOverview } from "@folio/billing";
import { listInput } from "../../lib/list-input.ts";
import { customerProcedure, router } from "../../trpc.ts";
import { withIsoDates } from "../admin/dates.ts";

/** The signed-in customer's usage and credit wallet. Takes no ids: ctx.user only. */
export const usageRouter = router({
  /** This period's usage per meter against the allowance (with days), the balance and alerts. */
  overview: customerProcedure.query(async ({ ctx }) =>
    withIsoDates(await usageOverview(ctx, ctx.actor.userId)),
  ),

  /** Wallet transactions, newest first. */
  transactions: customerProcedure.input(listInput({})).query(async ({ ctx, input }) => {
    const page = await listWalletTransactions(ctx.db, { ...input, userId: ctx.actor.userId });
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((t) => ({
        id: t.id,
        at: t.at.toISOString(),
        type: t.type,
        units: t.units,
        balanceAfter: t.balanceAfter,
        expiresAt: t.expiresAt?.toISOString() ?? null,
        reason: t.reason,
        orderId: t.orderId,
        meter: t.meterName ?? t.meterKey,
      })),
    };
  }),
});
