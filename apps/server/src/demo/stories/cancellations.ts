import type { Step } from "../cast.ts";
import {
  attachCard,
  liveSubscription,
  planKey,
  priceId,
  userMetadata,
  type Story,
} from "./context.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/**
 * A cancellation with the portal survey's answer (Stripe's cancellation_details): usually at
 * the end of the period, sometimes at once. A pending scheduled change is released first,
 * since Stripe refuses to cancel a scheduled subscription at period end.
 */
export const cancel: Story<Of<"cancel">> = async (ctx, customer, step) => {
  const sub = await liveSubscription(ctx, customer);
  if (!sub || sub.cancel_at_period_end) return;
  const details = { feedback: step.feedback, comment: step.comment ?? "" };
  if (step.immediately) {
    await ctx.stripe.subscriptions.cancel(sub.id, { cancellation_details: details });
    return;
  }
  if (sub.schedule) {
    const scheduleId = typeof sub.schedule === "string" ? sub.schedule : sub.schedule.id;
    await ctx.stripe.subscriptionSchedules.release(scheduleId);
  }
  await ctx.stripe.subscriptions.update(sub.id, {
    cancel_at_period_end: true,
    cancellation_details: details,
  });
};

/** A former customer comes back on a new monthly subscription with a fresh card. */
export const reactivate: Story<Of<"reactivate">> = async (ctx, customer, step) => {
  if (await liveSubscription(ctx, customer)) return;
  const card = await attachCard(ctx, customer.customerId);
  const sub = await ctx.stripe.subscriptions.create({
    customer: customer.customerId,
    items: [{ price: priceId(ctx, planKey(step.tier, step.interval, customer.member.currency)) }],
    default_payment_method: card,
    metadata: { ...userMetadata(customer), folio_demo_reactivation: "true" },
  });
  customer.subscriptionId = sub.id;
};
