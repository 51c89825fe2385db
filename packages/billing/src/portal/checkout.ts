import {
  orders,
  stripeCheckoutSessions,
  stripeCustomers,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
  users,
  type Db,
} from "@folio/db";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { z } from "zod";
import { ensureStripeCustomer, stripeCustomerIdFor } from "../customers.ts";
import { DomainError } from "../errors.ts";
import { orderIdFor } from "../records/orders.ts";
import { callStripe, isStripeError, stripeFailure } from "../stripe-errors.ts";
import { idOf } from "../sync/kinds.ts";
import {
  attemptIdSchema,
  customersCheckoutSession,
  storeForCustomer,
  type CustomerActor,
  type CustomerCommandDeps,
} from "./command.ts";
import { listSellableCatalog, type CatalogPriceView, type CatalogProductView } from "./catalog.ts";

/** Subscriptions that still bill (or will bill) the customer: a second checkout would double up. */
const LIVE_STATUSES: readonly Stripe.Subscription.Status[] = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "paused",
];

/** Where shipped goods can go (Stripe needs an explicit list). */
export const SHIPPING_COUNTRIES = [
  "US",
  "CA",
  "GB",
  "IE",
  "DE",
  "FR",
  "NL",
  "BE",
  "AT",
  "ES",
  "IT",
  "PT",
  "SE",
  "DK",
  "FI",
  "NO",
  "CH",
  "AU",
  "NZ",
] as const satisfies readonly Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[];

const priceId = z.string().regex(/^price_\w+$/, { message: "Choose a price from the list." });

export const subscribeInput = z.object({
  priceId,
  /** Units of the plan's per-seat add-on (0 for none). */
  seats: z.number().int().min(0).max(100, { message: "At most 100 seats." }).default(0),
  attemptId: attemptIdSchema,
});
export const buyInput = z.object({
  priceId,
  quantity: z.number().int().min(1).max(20, { message: "At most 20 at a time." }),
  attemptId: attemptIdSchema,
});
export const confirmInput = z.object({
  sessionId: z
    .string()
    .max(255)
    .regex(/^cs_\w+$/, { message: "This is not a checkout link. Start again from Plans or Shop." }),
});

/**
 * Stripe Tax for a checkout whose prices all carry a tax behaviour in the catalog: Stripe asks
 * for the billing address (saved on the customer, whose subscription invoices are then taxed from
 * it) and lets a business enter its VAT number (reverse charge). Prices left `unspecified` are
 * sold without tax, as before.
 */
export function taxParams(
  prices: readonly Pick<CatalogPriceView, "taxBehavior">[],
): Pick<
  Stripe.Checkout.SessionCreateParams,
  "automatic_tax" | "tax_id_collection" | "customer_update"
> {
  if (prices.length === 0 || prices.some((p) => p.taxBehavior === null)) return {};
  return {
    automatic_tax: { enabled: true },
    tax_id_collection: { enabled: true },
    customer_update: { address: "auto", name: "auto" },
  };
}

export interface CheckoutStart {
  url: string;
  sessionId: string;
}

/** Stores a session a create call returned, audited once: a replayed create (same attempt id,
 * Stripe answers with the first session) is not a second action. */
async function storeStarted(
  deps: CustomerCommandDeps,
  session: Stripe.Checkout.Session,
  audit: { action: string; after: Record<string, unknown> },
): Promise<void> {
  const seen = await deps.db
    .select({ id: stripeCheckoutSessions.id })
    .from(stripeCheckoutSessions)
    .where(eq(stripeCheckoutSessions.id, session.id))
    .get();
  await storeForCustomer(
    deps,
    session,
    seen ? {} : { audit: { ...audit, target: `checkout_session:${session.id}` } },
  );
}

async function callerStripeCustomer(deps: CustomerCommandDeps): Promise<string> {
  const user = await deps.db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, deps.actor.userId))
    .get();
  if (!user) throw new DomainError("NOT_FOUND", "Your account no longer exists. Sign in again.");
  return ensureStripeCustomer(deps, user);
}

interface Standing {
  live: Stripe.Subscription | null;
  /** Ever subscribed (a trial is for first-time subscribers). */
  subscribedBefore: boolean;
  /** The currency Stripe bills the customer in, once set by a first subscription or invoice. */
  currency: string | null;
}

/** The customer's subscriptions and currency as Stripe has them now (the mirror may lag). */
async function standingOf(deps: CustomerCommandDeps, customerId: string): Promise<Standing> {
  const [subs, customer] = await callStripe("check your subscriptions", () =>
    Promise.all([
      deps.stripe.subscriptions
        .list({ customer: customerId, status: "all", limit: 100 })
        .autoPagingToArray({ limit: 1000 }),
      deps.stripe.customers.retrieve(customerId),
    ]),
  );
  return {
    live: subs.find((s) => LIVE_STATUSES.includes(s.status)) ?? null,
    subscribedBefore: subs.some(
      (s) => s.status !== "incomplete_expired" && s.status !== "incomplete",
    ),
    currency: customer.deleted ? null : (customer.currency ?? null),
  };
}

function changePlanInstead(): DomainError {
  return new DomainError(
    "CONFLICT",
    "You already have a subscription. Change your plan instead of subscribing again.",
    { changePlan: true },
  );
}

function find(
  products: CatalogProductView[],
  id: string,
): { product: CatalogProductView; price: CatalogPriceView } | null {
  for (const product of products) {
    const price = product.prices.find((p) => p.id === id);
    if (price) return { product, price };
  }
  return null;
}

/**
 * Starts Stripe Checkout (subscription mode) for a plan and, optionally, seats of the add-on that
 * goes with it. Refuses a customer who already has a live subscription (they change plan
 * instead). The Stripe customer exists first, so the subscription lands on the caller's
 * customer; a first-time subscriber gets the trial the price carries. One session per attempt id.
 */
export async function startSubscriptionCheckout(
  deps: CustomerCommandDeps,
  input: z.input<typeof subscribeInput> & { appUrl: string },
): Promise<CheckoutStart> {
  const { priceId, seats, attemptId } = subscribeInput.parse(input);
  const catalog = await listSellableCatalog(deps);
  const chosen = find(catalog.plans, priceId);
  if (!chosen) {
    throw new DomainError("BAD_REQUEST", "This plan is no longer offered. Reload the plans.");
  }
  const { product, price } = chosen;
  const addon =
    seats > 0
      ? catalog.addons
          .filter((a) => a.addonTiers === null || a.addonTiers.includes(product.tier ?? ""))
          .flatMap((a) => a.prices)
          .find(
            (p) =>
              p.currency === price.currency &&
              p.interval === price.interval &&
              p.intervalCount === price.intervalCount,
          )
      : undefined;
  if (seats > 0 && !addon) {
    throw new DomainError("BAD_REQUEST", `Seats cannot be added to ${product.name}.`);
  }

  const customer = await callerStripeCustomer(deps);
  const standing = await standingOf(deps, customer);
  if (standing.live) throw changePlanInstead();
  if (standing.currency && standing.currency !== price.currency) {
    throw new DomainError(
      "BAD_REQUEST",
      `Your account is billed in ${standing.currency.toUpperCase()}. Choose a plan priced in ${standing.currency.toUpperCase()}.`,
    );
  }
  const trialDays = price.trialDays !== null && !standing.subscribedBefore ? price.trialDays : null;
  const userId = deps.actor.userId;
  const session = await callStripe("start your subscription", () =>
    deps.stripe.checkout.sessions.create(
      {
        mode: "subscription",
        customer,
        client_reference_id: userId,
        line_items: [
          { price: price.id, quantity: 1 },
          ...(addon ? [{ price: addon.id, quantity: seats }] : []),
        ],
        metadata: { folio_user_id: userId, folio_attempt_id: attemptId },
        ...taxParams(addon ? [price, addon] : [price]),
        subscription_data: {
          metadata: { folio_user_id: userId },
          ...(trialDays !== null && { trial_period_days: trialDays }),
        },
        success_url: `${input.appUrl}/billing/checkout/return?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${input.appUrl}/pricing?checkout=canceled`,
      },
      { idempotencyKey: `folio-subscribe-${userId}-${attemptId}` },
    ),
  );
  if (!session.url) throw new DomainError("UPSTREAM", "Stripe did not return a checkout page.");
  await expireOtherSubscriptionCheckouts(deps, customer, session.id);
  await storeStarted(deps, session, {
    action: "checkout.subscription_started",
    after: {
      price: price.id,
      seats,
      seatPrice: addon?.id ?? null,
      trialDays,
      currency: price.currency,
    },
  });
  return { url: session.url, sessionId: session.id };
}

/**
 * Expires the customer's other open subscription checkouts: paying two of them (two tabs, an old
 * link) would start two subscriptions, and the live-subscription check only sees paid ones.
 */
async function expireOtherSubscriptionCheckouts(
  deps: CustomerCommandDeps,
  customer: string,
  keep: string,
): Promise<void> {
  const open = await callStripe("start your subscription", () =>
    deps.stripe.checkout.sessions
      .list({ customer, status: "open", limit: 100 })
      .autoPagingToArray({ limit: 1000 }),
  );
  for (const other of open) {
    if (other.mode !== "subscription" || other.id === keep) continue;
    let expired: Stripe.Checkout.Session;
    try {
      expired = await deps.stripe.checkout.sessions.expire(other.id);
    } catch (e) {
      // Completed or expired meanwhile: the next live-subscription check sees a completed one.
      if (isStripeError(e) && e.statusCode === 400) continue;
      throw stripeFailure(e, "start your subscription");
    }
    await storeForCustomer(deps, expired);
  }
}

/**
 * Starts Stripe Checkout (payment mode) for one shop product. Physical goods collect a shipping
 * address; the order is written from the completed session by the records hooks. One session per
 * attempt id.
 */
export async function startShopCheckout(
  deps: CustomerCommandDeps,
  input: z.input<typeof buyInput> & { appUrl: string },
): Promise<CheckoutStart> {
  const { priceId, quantity, attemptId } = buyInput.parse(input);
  const catalog = await listSellableCatalog(deps);
  const chosen = find(catalog.oneTime, priceId);
  if (!chosen) {
    throw new DomainError("BAD_REQUEST", "This product is no longer sold. Reload the shop.");
  }
  const { product, price } = chosen;
  const customer = await callerStripeCustomer(deps);
  const userId = deps.actor.userId;
  const session = await callStripe("start your purchase", () =>
    deps.stripe.checkout.sessions.create(
      {
        mode: "payment",
        customer,
        client_reference_id: userId,
        line_items: [{ price: price.id, quantity }],
        metadata: { folio_user_id: userId, folio_attempt_id: attemptId },
        payment_intent_data: { metadata: { folio_user_id: userId } },
        ...taxParams([price]),
        ...(product.requiresShipping && {
          shipping_address_collection: { allowed_countries: [...SHIPPING_COUNTRIES] },
        }),
        success_url: `${input.appUrl}/billing/checkout/return?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${input.appUrl}/billing/shop?checkout=canceled`,
      },
      { idempotencyKey: `folio-buy-${userId}-${attemptId}` },
    ),
  );
  if (!session.url) throw new DomainError("UPSTREAM", "Stripe did not return a checkout page.");
  await storeStarted(deps, session, {
    action: "checkout.purchase_started",
    after: {
      price: price.id,
      quantity,
      amount: price.unitAmount * quantity,
      currency: price.currency,
    },
  });
  return { url: session.url, sessionId: session.id };
}

/**
 * Where a checkout the customer came back from stands:
 * - `subscribed`: the subscription is active or trialing (and stored);
 * - `paid`: a purchase is paid and its order written;
 * - `processing`: complete, but the payment is not settled yet (ask again shortly);
 * - `requires_payment`: the subscription exists but its first payment failed or awaits the bank;
 * - `open`: the checkout was not finished (a declined card stays on Stripe's page);
 * - `expired`: the checkout page timed out; start again.
 */
export type CheckoutState =
  "subscribed" | "paid" | "processing" | "requires_payment" | "open" | "expired";

export interface CheckoutConfirmation {
  state: CheckoutState;
  mode: "subscription" | "payment";
  subscription: {
    id: string;
    status: string;
    trialEnd: string | null;
    productName: string | null;
  } | null;
  orderId: string | null;
  amountTotal: number | null;
  currency: string | null;
  /** Stripe's checkout page while the session is open: the customer can go back and pay. */
  checkoutUrl: string | null;
}

function stateOf(
  session: Stripe.Checkout.Session,
  sub: Stripe.Subscription | null,
  order: boolean,
): CheckoutState {
  if (session.status === "expired") return "expired";
  if (session.status !== "complete") return "open";
  if (session.mode === "subscription") {
    if (sub && (sub.status === "active" || sub.status === "trialing")) return "subscribed";
    if (
      sub &&
      (sub.status === "incomplete" || sub.status === "past_due" || sub.status === "unpaid")
    ) {
      return "requires_payment";
    }
    return "processing";
  }
  return order ? "paid" : "processing";
}

/**
 * Confirms a checkout the caller came back from without waiting for its webhook: fetches the
 * session (with its subscription) from Stripe and stores both through the write path, so the
 * subscription — or, for a paid purchase, the order the records hooks write — is in the store
 * when this returns. Someone else's session answers exactly like one that does not exist.
 * Safe to call repeatedly (the page polls it until the state settles).
 */
export async function confirmCheckout(
  deps: CustomerCommandDeps,
  input: z.input<typeof confirmInput>,
): Promise<CheckoutConfirmation> {
  const { sessionId } = confirmInput.parse(input);
  const notFound = new DomainError(
    "NOT_FOUND",
    "We could not find this checkout. Start again from Plans or Shop.",
  );
  const customerId = await stripeCustomerIdFor(deps.db, deps.actor.userId);
  if (!customerId) throw notFound;

  const session = await customersCheckoutSession(deps.stripe, customerId, sessionId, {
    modes: ["subscription", "payment"],
    expand: ["subscription"],
    doing: "confirm your checkout",
    notFound,
  });

  const sub =
    session.subscription && typeof session.subscription !== "string" ? session.subscription : null;
  // The subscription first, so the session's parent is current; the session is stored as Stripe
  // sends it in events (subscription as an id), and a paid one becomes an order here.
  if (sub) await storeForCustomer(deps, sub);
  const asSent: Stripe.Checkout.Session = { ...session, subscription: idOf(session.subscription) };
  await storeForCustomer(deps, asSent);

  const orderId = orderIdFor(session.id);
  const order =
    session.mode === "payment"
      ? await deps.db.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)).get()
      : undefined;
  return {
    state: stateOf(session, sub, order !== undefined),
    // customersCheckoutSession let only these two modes through.
    mode: session.mode as CheckoutConfirmation["mode"],
    subscription: sub
      ? {
          id: sub.id,
          status: sub.status,
          trialEnd: sub.trial_end ? new Date(sub.trial_end * 1000).toISOString() : null,
          productName: await productNameOf(deps.db, sub),
        }
      : null,
    orderId: order?.id ?? null,
    amountTotal: session.amount_total ?? null,
    currency: session.currency ?? null,
    checkoutUrl: session.status === "open" ? (session.url ?? null) : null,
  };
}

/** The name of the subscription's first item's product (the plan), from the mirror. */
async function productNameOf(db: Db, sub: Stripe.Subscription): Promise<string | null> {
  const productId = idOf(sub.items.data[0]?.price.product);
  if (!productId) return null;
  const row = await db
    .select({ name: stripeProducts.name })
    .from(stripeProducts)
    .where(eq(stripeProducts.id, productId))
    .get();
  return row?.name ?? null;
}

export interface CheckoutContext {
  /** The currency the customer is billed in (their Stripe customer's), or null before any. */
  currency: string | null;
  /** Their live subscription, when they have one: they change plan instead of subscribing.
   * `productIds`: the products it bills for (the plan among them), to mark the current plan. */
  subscription: { id: string; status: string; productIds: string[] } | null;
  /** First-time subscribers get the trial a price carries. */
  trialEligible: boolean;
}

/** What the pricing page needs to know about the signed-in customer, from the mirror. */
export async function checkoutContext(deps: {
  db: Db;
  actor: CustomerActor;
}): Promise<CheckoutContext> {
  const customerId = await stripeCustomerIdFor(deps.db, deps.actor.userId);
  if (!customerId) return { currency: null, subscription: null, trialEligible: true };
  const [customer, subs] = await Promise.all([
    deps.db
      .select({ currency: stripeCustomers.currency })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.id, customerId))
      .get(),
    deps.db
      .select({
        id: stripeSubscriptions.id,
        status: stripeSubscriptions.status,
        currency: stripeSubscriptions.currency,
        deletedAt: stripeSubscriptions.deletedAt,
      })
      .from(stripeSubscriptions)
      .where(eq(stripeSubscriptions.customerId, customerId)),
  ]);
  const live = subs.find(
    (s) => s.deletedAt === null && (LIVE_STATUSES as readonly string[]).includes(s.status),
  );
  const items = live
    ? await deps.db
        .select({ productId: stripeSubscriptionItems.productId })
        .from(stripeSubscriptionItems)
        .where(
          and(
            eq(stripeSubscriptionItems.subscriptionId, live.id),
            isNull(stripeSubscriptionItems.deletedAt),
          ),
        )
    : [];
  return {
    currency: customer?.currency ?? live?.currency ?? subs[0]?.currency ?? null,
    subscription: live
      ? {
          id: live.id,
          status: live.status,
          productIds: [...new Set(items.map((i) => i.productId))],
        }
      : null,
    trialEligible: !subs.some(
      (s) => s.status !== "incomplete_expired" && s.status !== "incomplete",
    ),
  };
}
