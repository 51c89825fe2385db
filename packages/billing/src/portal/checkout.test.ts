import {
  auditLog,
  closeDb,
  orders,
  shippingTasks,
  stripeCheckoutSessions,
  stripeSubscriptions,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { stripeCustomerIdFor } from "../customers.ts";
import { DomainError } from "../errors.ts";
import { syncAll } from "../sync/backfill.ts";
import { listSellableCatalog } from "./catalog.ts";
import {
  checkoutContext,
  confirmCheckout,
  startShopCheckout,
  startSubscriptionCheckout,
} from "./checkout.ts";
import type { CustomerCommandDeps } from "./command.ts";
import { insertCustomerUser } from "./testing.ts";

// Checkout against the emulator's hosted pages. No webhook is ever delivered in this file:
// everything the customer sees on return comes from `confirmCheckout` fetching through the
// write path.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
const appUrl = "http://folio.test";

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "portal-checkout" } });
  stripe = emulator.stripe();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  await pushCatalog({ stripe }, demoCatalog());
  await syncAll({ db, stripe, clock });
});
afterAll(async () => {
  await emulator.stop();
  await closeDb(db);
});

let seq = 0;
async function newCustomer(): Promise<CustomerCommandDeps> {
  seq += 1;
  const user = await insertCustomerUser(db, clock, `usr_buyer${seq}`);
  return { db, stripe, clock, actor: { type: "customer", userId: user.id } };
}

async function priceOf(lookupKey: string): Promise<string> {
  const catalog = await listSellableCatalog({ db });
  const all = [...catalog.plans, ...catalog.addons, ...catalog.oneTime].flatMap((p) => p.prices);
  const found = all.find((p) => p.lookupKey === lookupKey);
  if (!found) throw new Error(`no price ${lookupKey}`);
  return found.id;
}

const attempt = () => crypto.randomUUID();

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

describe("listSellableCatalog", () => {
  it("offers the synced catalog: plans cheapest first, both currencies, features, trials", async () => {
    const catalog = await listSellableCatalog({ db });
    expect(catalog.plans.map((p) => p.tier)).toEqual([
      "basic",
      "plus",
      "pro",
      "api_pro",
      "api_team",
      "api_enterprise",
    ]);
    expect(catalog.currencies).toEqual(["eur", "usd"]);
    const pro = catalog.plans[2]!;
    expect(pro.features).toContain("Version history");
    expect(pro.prices.find((p) => p.lookupKey === "quire_pro_monthly")).toMatchObject({
      currency: "usd",
      unitAmount: 1400,
      interval: "month",
      intervalCount: 1,
      trialDays: 14,
    });
    expect(catalog.plans[0]!.prices.every((p) => p.trialDays === null)).toBe(true);
    expect(catalog.addons).toHaveLength(1);
    expect(catalog.addons[0]).toMatchObject({ addonTiers: ["pro"], unitLabel: "seat" });
    expect(catalog.oneTime.map((p) => p.kind)).toEqual([
      "physical",
      "physical",
      "physical",
      "digital",
      "credits",
      "credits",
      "credits",
    ]);
    expect(catalog.oneTime.find((p) => p.key === "notebook_a5_dot")?.requiresShipping).toBe(true);
    expect(catalog.oneTime.find((p) => p.key === "ai_credits_500")?.credits).toBe(500);
  });
});

describe("startSubscriptionCheckout", () => {
  it("creates the Stripe customer first and one session per attempt, with the user in metadata", async () => {
    const deps = await newCustomer();
    const price = await priceOf("quire_pro_monthly");
    const seat = await priceOf("quire_seat_monthly");
    const id = attempt();
    const first = await startSubscriptionCheckout(deps, {
      priceId: price,
      seats: 2,
      attemptId: id,
      appUrl,
    });
    const again = await startSubscriptionCheckout(deps, {
      priceId: price,
      seats: 2,
      attemptId: id,
      appUrl,
    });
    expect(again).toEqual(first);

    const customer = await stripeCustomerIdFor(db, deps.actor.userId);
    const sessions = await stripe.checkout.sessions.list({ customer: customer! });
    expect(sessions.data.map((s) => s.id)).toEqual([first.sessionId]);
    const session = await stripe.checkout.sessions.retrieve(first.sessionId, {
      expand: ["line_items"],
    });
    expect(session).toMatchObject({
      mode: "subscription",
      customer,
      client_reference_id: deps.actor.userId,
      metadata: { folio_user_id: deps.actor.userId, folio_attempt_id: id },
      success_url: `${appUrl}/billing/checkout/return?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/pricing?checkout=canceled`,
    });
    expect(session.line_items?.data.map((l) => [l.price?.id, l.quantity])).toEqual([
      [price, 1],
      [seat, 2],
    ]);

    // Stored through the write path with its audit row, before any webhook.
    const stored = await db
      .select()
      .from(stripeCheckoutSessions)
      .where(eq(stripeCheckoutSessions.id, first.sessionId))
      .get();
    expect(stored?.customerId).toBe(customer);
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `checkout_session:${first.sessionId}`));
    expect(audits.map((a) => a.action)).toEqual(["checkout.subscription_started"]);
    expect(audits[0]?.after).toMatchObject({ trialDays: 14, seats: 2 });

    // A new attempt is a new session; the same attempt with other details is refused.
    const other = await startSubscriptionCheckout(deps, {
      priceId: price,
      attemptId: attempt(),
      appUrl,
    });
    expect(other.sessionId).not.toBe(first.sessionId);
    // Only the newest subscription checkout can still be paid (two would start two plans).
    expect((await stripe.checkout.sessions.retrieve(first.sessionId)).status).toBe("expired");
    expect(await confirmCheckout(deps, { sessionId: first.sessionId })).toMatchObject({
      state: "expired",
      checkoutUrl: null,
    });
    const changed = await errorOf(
      startSubscriptionCheckout(deps, { priceId: price, seats: 3, attemptId: id, appUrl }),
    );
    expect(changed.code).toBe("CONFLICT");
  });

  it("refuses prices that are not plans and seats a plan cannot take", async () => {
    const deps = await newCustomer();
    const notebook = await errorOf(
      startSubscriptionCheckout(deps, {
        priceId: await priceOf("notebook_a5_dot"),
        attemptId: attempt(),
        appUrl,
      }),
    );
    expect(notebook).toMatchObject({ code: "BAD_REQUEST" });
    const seats = await errorOf(
      startSubscriptionCheckout(deps, {
        priceId: await priceOf("quire_basic_monthly"),
        seats: 1,
        attemptId: attempt(),
        appUrl,
      }),
    );
    expect(seats.message).toBe("Seats cannot be added to Quire Basic.");
    await expect(
      startSubscriptionCheckout(deps, { priceId: "price_x", attemptId: "not-a-uuid", appUrl }),
    ).rejects.toThrow(/Reload the page and try again/);
  });
});

describe("confirmCheckout", () => {
  it("stores the paid subscription without any webhook, then refuses a second subscription", async () => {
    const deps = await newCustomer();
    const start = await startSubscriptionCheckout(deps, {
      priceId: await priceOf("quire_basic_monthly"),
      attemptId: attempt(),
      appUrl,
    });
    const paid = await payCheckoutPage(start.url);
    expect(paid.status).toBe(303);

    const confirmed = await confirmCheckout(deps, { sessionId: start.sessionId });
    expect(confirmed).toMatchObject({
      state: "subscribed",
      mode: "subscription",
      subscription: { status: "active", trialEnd: null, productName: "Quire Basic" },
    });
    const row = await db
      .select({ status: stripeSubscriptions.status })
      .from(stripeSubscriptions)
      .where(eq(stripeSubscriptions.id, confirmed.subscription!.id))
      .get();
    expect(row?.status).toBe("active");
    // Confirming again changes nothing.
    expect(await confirmCheckout(deps, { sessionId: start.sessionId })).toEqual(confirmed);

    expect(await checkoutContext(deps)).toEqual({
      currency: "usd",
      subscription: {
        id: confirmed.subscription!.id,
        status: "active",
        productIds: [(await listSellableCatalog({ db })).plans[0]!.id],
      },
      trialEligible: false,
    });
    const second = await errorOf(
      startSubscriptionCheckout(deps, {
        priceId: await priceOf("quire_pro_monthly"),
        attemptId: attempt(),
        appUrl,
      }),
    );
    expect(second.code).toBe("CONFLICT");
    expect(second.message).toMatch(/change your plan/i);
  });

  it("starts the trial the price carries", async () => {
    const deps = await newCustomer();
    const start = await startSubscriptionCheckout(deps, {
      priceId: await priceOf("quire_plus_annual_eur"),
      attemptId: attempt(),
      appUrl,
    });
    // EUR prices carry a tax behaviour, so Stripe Tax asks where the customer is.
    const billing = { line1: "Damrak 1", city: "Amsterdam", postal_code: "1012", country: "NL" };
    expect((await payCheckoutPage(start.url, { billing })).status).toBe(303);
    const confirmed = await confirmCheckout(deps, { sessionId: start.sessionId });
    expect(confirmed.state).toBe("subscribed");
    expect(confirmed.subscription?.status).toBe("trialing");
    const trialEnd = Date.parse(confirmed.subscription!.trialEnd!);
    expect(trialEnd - emulator.now() * 1000).toBeGreaterThan(13 * 86_400_000);
    expect((await checkoutContext(deps)).currency).toBe("eur");
  });

  it("leaves no subscription after a declined card and says the checkout is still open", async () => {
    const deps = await newCustomer();
    const start = await startSubscriptionCheckout(deps, {
      priceId: await priceOf("quire_basic_monthly"),
      attemptId: attempt(),
      appUrl,
    });
    const declined = await payCheckoutPage(start.url, { card: "4000000000000002" });
    expect(declined.status).toBe(402);
    expect(declined.html).toMatch(/declined/i);
    const confirmed = await confirmCheckout(deps, { sessionId: start.sessionId });
    expect(confirmed).toMatchObject({ state: "open", subscription: null, checkoutUrl: start.url });
    const customer = await stripeCustomerIdFor(db, deps.actor.userId);
    expect((await stripe.subscriptions.list({ customer: customer!, status: "all" })).data).toEqual(
      [],
    );
  });

  it("answers NOT_FOUND for another customer's session, exactly as for none", async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const start = await startSubscriptionCheckout(a, {
      priceId: await priceOf("quire_basic_monthly"),
      attemptId: attempt(),
      appUrl,
    });
    // B has no Stripe customer yet, then has one of their own.
    const noCustomer = await errorOf(confirmCheckout(b, { sessionId: start.sessionId }));
    expect(noCustomer.code).toBe("NOT_FOUND");
    await startShopCheckout(b, {
      priceId: await priceOf("template_pack_quarterly"),
      quantity: 1,
      attemptId: attempt(),
      appUrl,
    });
    const theirs = await errorOf(confirmCheckout(b, { sessionId: start.sessionId }));
    const none = await errorOf(confirmCheckout(b, { sessionId: "cs_test_doesnotexist" }));
    expect([theirs.code, theirs.message]).toEqual([none.code, none.message]);
    expect(theirs.code).toBe("NOT_FOUND");
  });
});

describe("startShopCheckout", () => {
  it("collects a shipping address for goods and writes the order on confirm, without a webhook", async () => {
    const deps = await newCustomer();
    const start = await startShopCheckout(deps, {
      priceId: await priceOf("notebook_a5_dot"),
      quantity: 2,
      attemptId: attempt(),
      appUrl,
    });
    const session = await stripe.checkout.sessions.retrieve(start.sessionId);
    expect(session.mode).toBe("payment");
    expect(session.shipping_address_collection?.allowed_countries).toContain("US");
    expect(session.cancel_url).toBe(`${appUrl}/billing/shop?checkout=canceled`);

    expect((await payCheckoutPage(start.url, { shipping: true })).status).toBe(303);
    const confirmed = await confirmCheckout(deps, { sessionId: start.sessionId });
    expect(confirmed).toMatchObject({ state: "paid", mode: "payment", amountTotal: 4800 });
    const order = await db.select().from(orders).where(eq(orders.id, confirmed.orderId!)).get();
    expect(order).toMatchObject({
      userId: deps.actor.userId,
      requiresShipping: true,
      shippingCity: "Portland",
      amountTotal: 4800,
    });
    const task = await db
      .select({ status: shippingTasks.status })
      .from(shippingTasks)
      .where(eq(shippingTasks.orderId, order!.id))
      .get();
    expect(task?.status).toBe("pending");
  });

  it("does not ask where to ship a digital product", async () => {
    const deps = await newCustomer();
    const start = await startShopCheckout(deps, {
      priceId: await priceOf("template_pack_quarterly"),
      quantity: 1,
      attemptId: attempt(),
      appUrl,
    });
    const session = await stripe.checkout.sessions.retrieve(start.sessionId);
    expect(session.shipping_address_collection).toBeNull();
    const plan = await errorOf(
      startShopCheckout(deps, {
        priceId: await priceOf("quire_plus_monthly"),
        quantity: 1,
        attemptId: attempt(),
        appUrl,
      }),
    );
    expect(plan.code).toBe("BAD_REQUEST");
  });
});
