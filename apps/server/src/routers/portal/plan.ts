import {
  cancelScheduledChange,
  confirmPlanChange,
  confirmPlanChangeSchema,
  planChangeOptions,
  planTargetSchema,
  previewPlanChange,
} from "@folio/billing";
import { z } from "zod";
import { billingDeps } from "../../lib/billing-deps.ts";
import { customerProcedure, router } from "../../trpc.ts";
import { pendingChangeOut } from "./pending-change.ts";

const iso = (d: Date) => d.toISOString();

/**
 * Change plan or seats with an exact preview (`/billing/plan`). The subscription id the client
 * sends is checked against the caller's own Stripe customer before anything is read or changed.
 */
export const planRouter = router({
  /** The current plan (live from Stripe), the catalog's options in its currency, any pending change. */
  options: customerProcedure.query(async ({ ctx }) => {
    const o = await planChangeOptions(billingDeps(ctx), ctx.actor.userId);
    return {
      subscription: o.subscription && {
        ...o.subscription,
        periodEnd: iso(o.subscription.periodEnd),
        trialEnd: o.subscription.trialEnd && iso(o.subscription.trialEnd),
      },
      blocked: o.blocked,
      plans: o.plans,
      seatPrices: o.seatPrices,
      pending: pendingChangeOut(o.pending),
    };
  }),

  /** Stripe's invoice preview of the change; send `prorationDate` and `changeKey` back to confirm. */
  preview: customerProcedure.input(planTargetSchema).query(async ({ ctx, input }) => {
    const p = await previewPlanChange(billingDeps(ctx), ctx.actor.userId, input);
    return {
      ...p,
      effectiveAt: iso(p.effectiveAt),
      nextInvoice: { amount: p.nextInvoice.amount, date: iso(p.nextInvoice.date) },
    };
  }),

  /** Applies the previewed change now, or schedules it for the period end. Idempotent per attempt. */
  confirm: customerProcedure.input(confirmPlanChangeSchema).mutation(async ({ ctx, input }) => {
    const r = await confirmPlanChange(billingDeps(ctx), input);
    return { timing: r.timing, effectiveAt: iso(r.effectiveAt), invoice: r.invoice };
  }),

  /** Cancels the scheduled change: the subscription renews as it is. */
  cancelScheduled: customerProcedure
    .input(z.object({ subscriptionId: z.string().min(1).max(255), attemptId: z.uuid() }))
    .mutation(({ ctx, input }) => cancelScheduledChange(billingDeps(ctx), input)),
});
