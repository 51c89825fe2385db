import type Stripe from "stripe";
import type { Step } from "../cast.ts";
import {
  intervalOf,
  liveSubscription,
  planItem,
  planKey,
  priceId,
  seatItem,
  seatKey,
  type Story,
} from "./context.ts";

type Of<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** An upgrade now, the prorated difference on the next invoice. */
export const upgrade: Story<Of<"upgrade">> = async (ctx, customer, step) => {
  const sub = await liveSubscription(ctx, customer);
  const item = sub && planItem(sub);
  if (!sub || !item || sub.schedule) return;
  await ctx.stripe.subscriptions.update(sub.id, {
    items: [{ id: item.id, price: priceId(ctx, planKey(step.to, intervalOf(sub), sub.currency)) }],
    proration_behavior: "create_prorations",
  });
};

/**
 * A downgrade at the end of the period, through a subscription schedule: this period keeps
 * its items, the next phase has the cheaper plan (seats go, they are Pro-only), then the
 * schedule releases the subscription.
 */
export const downgrade: Story<Of<"downgrade">> = async (ctx, customer, step) => {
  const sub = await liveSubscription(ctx, customer);
  if (!sub || sub.schedule || sub.cancel_at_period_end || sub.status !== "active") return;
  const schedule = await ctx.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
  const current = schedule.phases[0];
  if (!current) return;
  await ctx.stripe.subscriptionSchedules.update(schedule.id, {
    end_behavior: "release",
    phases: [
      {
        items: current.items.map((i) => ({ price: idOf(i.price), quantity: i.quantity ?? 1 })),
        start_date: current.start_date,
        end_date: current.end_date,
      },
      {
        items: [
          { price: priceId(ctx, planKey(step.to, intervalOf(sub), sub.currency)), quantity: 1 },
        ],
      },
    ],
  });
};

/** Shared-notebook seats added or removed, prorated on the next invoice. */
export const changeSeats: Story<Of<"seats">> = async (ctx, customer, step) => {
  const sub = await liveSubscription(ctx, customer);
  if (!sub || sub.schedule || !planItem(sub)?.price.lookup_key?.startsWith("quire_pro_")) return;
  const seats = seatItem(sub);
  if ((seats?.quantity ?? 0) === step.quantity) return;
  const item: Stripe.SubscriptionUpdateParams.Item = seats
    ? step.quantity === 0
      ? { id: seats.id, deleted: true }
      : { id: seats.id, quantity: step.quantity }
    : { price: priceId(ctx, seatKey(intervalOf(sub), sub.currency)), quantity: step.quantity };
  await ctx.stripe.subscriptions.update(sub.id, {
    items: [item],
    proration_behavior: "create_prorations",
  });
};

function idOf(value: string | { id: string }): string {
  return typeof value === "string" ? value : value.id;
}
