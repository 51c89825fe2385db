import type { CastMember } from "../cast.ts";
import { DAY } from "../cast.ts";
import {
  attachCard,
  DEMO_METADATA,
  planKey,
  priceId,
  seatKey,
  type Customer,
  type StoryContext,
} from "./context.ts";
import { taxProfile } from "./tax.ts";

/**
 * A sign-up: the customer, their card (unless their trial will lapse for want of one) and
 * their first subscription — a trial, a coupon, seats, monthly or annual, USD or EUR.
 */
export async function signUp(
  ctx: StoryContext,
  member: CastMember,
  clockId: string,
): Promise<Customer> {
  const userId = ctx.users.get(member.index);
  if (!userId) throw new Error(`Cast member ${member.email} has no Folio account.`);
  // The user's id in the metadata: the webhook mirror links the Stripe customer to the account,
  // as for a customer who signed up in Folio.
  const metadata = { ...DEMO_METADATA, folio_user_id: userId };
  const tax = taxProfile(member);
  const customer = await ctx.stripe.customers.create({
    name: member.name,
    email: member.email,
    test_clock: clockId,
    metadata,
    ...(tax && { address: tax.address }),
  });
  if (tax?.vatNumber) {
    await ctx.stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: tax.vatNumber });
  }
  const card = member.trial === "lapses" ? null : await attachCard(ctx, customer.id);
  const items = [
    { price: priceId(ctx, planKey(member.tier, member.interval, member.currency)), quantity: 1 },
  ];
  if (member.seats > 0) {
    items.push({
      price: priceId(ctx, seatKey(member.interval, member.currency)),
      quantity: member.seats,
    });
  }
  const sub = await ctx.stripe.subscriptions.create({
    customer: customer.id,
    items,
    ...(card && { default_payment_method: card }),
    ...(member.trial !== "none" && {
      trial_period_days: 14,
      trial_settings: { end_behavior: { missing_payment_method: "cancel" } },
    }),
    ...(member.coupon && { discounts: [{ coupon: member.coupon }] }),
    ...(tax && { automatic_tax: { enabled: true } }),
    metadata,
  });
  return { member, userId, customerId: customer.id, clockId, subscriptionId: sub.id, orders: [] };
}

/** How long after sign-up the clock must run for a trial to have converted or lapsed. */
export const TRIAL_SETTLES_AFTER = 15 * DAY;
