import {
  billingOverview,
  cancelInput,
  cancelSubscriptionAtPeriodEnd,
  completeCardUpdate,
  completeCardUpdateInput,
  defaultCard,
  nextCharge,
  payOpenInvoice,
  payOpenInvoiceInput,
  pendingChange,
  resumeInput,
  resumeSubscription,
  startCardUpdate,
  startCardUpdateInput,
  type CustomerSubscription,
} from "@folio/billing";
import { billingDeps } from "../../lib/billing-deps.ts";
import { customerProcedure, router } from "../../trpc.ts";
import { pendingChangeOut } from "./pending-change.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;
const DAY_MS = 24 * 60 * 60 * 1000;

function subscriptionOut(s: CustomerSubscription) {
  return {
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
  };
}

/**
 * The signed-in customer's subscription: what they pay, when, and the self-service changes
 * (cancel at period end, resume, recover a failed payment). No procedure takes an id: each acts
 * on the caller's own current subscription, found from the session.
 */
export const subscriptionRouter = router({
  /** From the store: plan, status, cancellation, credit balance and any invoice owed. */
  overview: customerProcedure.query(async ({ ctx }) => {
    const o = await billingOverview(ctx, ctx.actor.userId);
    const s = o.subscription;
    const now = ctx.clock.now().getTime();
    return {
      subscription: s && {
        ...subscriptionOut(s),
        trialDaysLeft:
          s.status === "trialing" && s.trialEnd
            ? Math.max(0, Math.ceil((s.trialEnd.getTime() - now) / DAY_MS))
            : null,
        hasScheduledChange: s.scheduleId !== null,
        cancellationFeedback: s.cancellationFeedback,
      },
      lastEnded: o.lastEnded && subscriptionOut(o.lastEnded),
      balance: o.balance,
      amountOwed: o.openInvoice && {
        amount: o.openInvoice.amountRemaining,
        currency: o.openInvoice.currency,
        number: o.openInvoice.number,
        hostedInvoiceUrl: o.openInvoice.hostedInvoiceUrl,
      },
    };
  }),

  /** Live from Stripe's upcoming invoice preview; null when nothing will be charged. */
  nextCharge: customerProcedure.query(async ({ ctx }) => {
    const next = await nextCharge(billingDeps(ctx), ctx.actor.userId);
    return next && { ...next, date: next.date.toISOString() };
  }),

  /** Live from the subscription's schedule: the plan it changes to and when. */
  pendingChange: customerProcedure.query(async ({ ctx }) => {
    return pendingChangeOut(await pendingChange(billingDeps(ctx), ctx.actor.userId));
  }),

  /** The card the next charge uses (brand, last 4, expiry). */
  card: customerProcedure.query(({ ctx }) => defaultCard(billingDeps(ctx), ctx.actor.userId)),

  cancel: customerProcedure.input(cancelInput).mutation(async ({ ctx, input }) => {
    const { endsAt } = await cancelSubscriptionAtPeriodEnd(billingDeps(ctx), input);
    return { endsAt: iso(endsAt) };
  }),

  resume: customerProcedure
    .input(resumeInput)
    .mutation(({ ctx, input }) => resumeSubscription(billingDeps(ctx), input)),

  /** A Stripe Checkout page (setup mode) for a new card. */
  startCardUpdate: customerProcedure
    .input(startCardUpdateInput)
    .mutation(({ ctx, input }) =>
      startCardUpdate(billingDeps(ctx), { ...input, appUrl: ctx.env.APP_URL }),
    ),

  /** Back from that page: the new card becomes the default. */
  completeCardUpdate: customerProcedure
    .input(completeCardUpdateInput)
    .mutation(({ ctx, input }) => completeCardUpdate(billingDeps(ctx), input)),

  /** Pays the open invoice now with the default card. */
  payOpenInvoice: customerProcedure
    .input(payOpenInvoiceInput)
    .mutation(({ ctx, input }) => payOpenInvoice(billingDeps(ctx), input)),
});
