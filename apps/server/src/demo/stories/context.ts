import type Stripe from "stripe";
import type { CastMember, Interval, Step, Tier } from "../cast.ts";

/**
 * What every story needs: the Stripe client, the catalog's prices by lookup key and each cast
 * member's Folio user id (by index).
 */
export interface StoryContext {
  stripe: Stripe;
  prices: ReadonlyMap<string, string>;
  users: ReadonlyMap<number, string>;
}

/** A cast member once they exist in Stripe. */
export interface Customer {
  member: CastMember;
  userId: string;
  customerId: string;
  clockId: string;
  /** The subscription the stories act on (the latest one). */
  subscriptionId: string | null;
  /** Paid checkout sessions, oldest first. */
  orders: string[];
}

/** A story acts out one step; it may plan later steps (a card fixed after the failed renewal). */
export type Story<S extends Step> = (
  ctx: StoryContext,
  customer: Customer,
  step: S,
) => Promise<Step[] | void>;

export const DEMO_METADATA = { folio_demo: "business" } as const;

/** What Folio's own checkout puts on the objects it creates for a user (it links them). */
export function userMetadata(customer: Customer) {
  return { ...DEMO_METADATA, folio_user_id: customer.userId };
}

export function priceId(ctx: StoryContext, lookupKey: string): string {
  const id = ctx.prices.get(lookupKey);
  if (!id) throw new Error(`The demo catalog has no price ${lookupKey}.`);
  return id;
}

export function planKey(tier: Tier, interval: Interval, currency: string): string {
  return `quire_${tier}_${interval === "month" ? "monthly" : "annual"}${currency === "eur" ? "_eur" : ""}`;
}

export function seatKey(interval: Interval, currency: string): string {
  return `quire_seat_${interval === "month" ? "monthly" : "annual"}${currency === "eur" ? "_eur" : ""}`;
}

/** The customer's subscription if it is still running (not ended), else null. */
export async function liveSubscription(
  ctx: StoryContext,
  customer: Customer,
): Promise<Stripe.Subscription | null> {
  if (!customer.subscriptionId) return null;
  const sub = await ctx.stripe.subscriptions.retrieve(customer.subscriptionId);
  return ["canceled", "incomplete_expired"].includes(sub.status) ? null : sub;
}

export function planItem(sub: Stripe.Subscription): Stripe.SubscriptionItem | undefined {
  return sub.items.data.find((i) => /^quire_(basic|plus|pro)_/.test(i.price.lookup_key ?? ""));
}

export function seatItem(sub: Stripe.Subscription): Stripe.SubscriptionItem | undefined {
  return sub.items.data.find((i) => (i.price.lookup_key ?? "").startsWith("quire_seat_"));
}

export function intervalOf(sub: Stripe.Subscription): Interval {
  return sub.items.data[0]?.price.recurring?.interval === "year" ? "year" : "month";
}

/** A working card, attached and ready to be a default. */
export async function attachCard(
  ctx: StoryContext,
  customerId: string,
  card = "pm_card_visa",
): Promise<string> {
  const pm = await ctx.stripe.paymentMethods.attach(card, { customer: customerId });
  return pm.id;
}
