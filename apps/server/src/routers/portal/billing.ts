import { listCustomerSubscriptions } from "@folio/billing";
import { customerProcedure, router } from "../../trpc.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The signed-in customer's own billing, read from the Stripe mirror. Takes no ids: ctx.user only. */
export const billingRouter = router({
  /** Live subscriptions plus recently ended ones, newest first. */
  subscriptions: customerProcedure.query(async ({ ctx }) => {
    const subscriptions = await listCustomerSubscriptions(ctx, ctx.actor.userId);
    return subscriptions.map((s) => ({
      id: s.id,
      status: s.status,
      ended: s.ended,
      currency: s.currency,
      items: s.items,
      currentPeriodEnd: iso(s.currentPeriodEnd),
      trialEnd: iso(s.trialEnd),
      cancelAtPeriodEnd: s.cancelAtPeriodEnd,
      cancelAt: iso(s.cancelAt),
      canceledAt: iso(s.canceledAt),
      endedAt: iso(s.endedAt),
      createdAt: iso(s.createdAt),
    }));
  }),
});
