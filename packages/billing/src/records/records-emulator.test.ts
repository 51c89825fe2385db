import {
  auditLog,
  billingCustomers,
  closeDb,
  orderItems,
  orders,
  shippingTasks,
  stripeSubscriptions,
  subscriptionHistory,
  users,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { convergenceProblems, recordEvents } from "../sync/testing.ts";
import { deliverShuffledAndApply } from "../webhooks/testing.ts";
import { recordHooks } from "./index.ts";

// Folio's own records from real emulator flows: hosted checkout (payment and subscription mode),
// refunds, subscription changes — every event delivered shuffled and duplicated.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
const seen = new Set<string>();

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "records" } });
  stripe = emulator.stripe();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await emulator.reset();
  seen.clear();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
});
afterEach(async () => {
  await closeDb(db);
});

async function priceId(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  const id = data[0]?.id;
  if (!id) throw new Error(`no price ${lookupKey}`);
  return id;
}

async function addUser(email: string): Promise<{ id: string; email: string; name: string }> {
  const user = { id: `usr_${email.split("@")[0]}`, email, name: "Casey Customer" };
  const at = clock.now();
  await db.insert(users).values({ ...user, passwordHash: "x", createdAt: at, updatedAt: at });
  return user;
}

/** Pays a hosted checkout page the way a browser would. */
async function payHostedCheckout(session: Stripe.Checkout.Session, shipping: boolean) {
  const res = await payCheckoutPage(session.url!, { email: "casey@example.test", shipping });
  expect(res.status, res.html).toBeGreaterThanOrEqual(300);
  expect(res.status).toBeLessThan(400);
}

/** Delivers every event not delivered yet — shuffled, each one to three times — and applies them. */
async function syncNewEvents(seed: number, { advance = true } = {}) {
  await emulator.flushWebhooks();
  const fresh = (await recordEvents(stripe)).filter((e) => !seen.has(e.id));
  for (const e of fresh) seen.add(e.id);
  const result = await deliverShuffledAndApply(
    { db, stripe, clock, hooks: recordHooks },
    fresh,
    seed,
  );
  expect(result.failed + result.dead).toBe(0);
  // The emulator's clock is frozen; later changes happen in later seconds, as they would live.
  if (advance) emulator.advanceClock(2);
}

describe("records from emulator flows", () => {
  it("a paid checkout with shipped goods becomes one order with items and a shipping task; refunds move its state", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const user = await addUser("casey@example.test");
    const customer = await ensureStripeCustomer({ db, stripe, clock }, user);
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer,
      line_items: [
        { price: await priceId("notebook_a5_dot"), quantity: 2 },
        { price: await priceId("template_pack_quarterly"), quantity: 1 },
        { price: await priceId("ai_credits_100"), quantity: 3 },
      ],
      shipping_address_collection: { allowed_countries: ["US", "CA"] },
      success_url: "http://localhost:3000/orders?session={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:3000/shop",
    });
    await payHostedCheckout(session, true);
    await syncNewEvents(1);

    const paid = await stripe.checkout.sessions.retrieve(session.id);
    const all = await db.select().from(orders);
    expect(all).toHaveLength(1);
    const order = all[0]!;
    expect(order).toMatchObject({
      checkoutSessionId: session.id,
      userId: user.id,
      stripeCustomerId: customer,
      paymentIntentId: paid.payment_intent,
      currency: "usd",
      amountSubtotal: 2 * 2400 + 1900 + 3 * 500,
      amountTotal: paid.amount_total,
      paymentState: "paid",
      requiresShipping: true,
      shippingName: "Casey Customer",
      shippingLine1: "1 Paper Lane",
      shippingCity: "Portland",
      shippingPostalCode: "97201",
      shippingCountry: "US",
    });
    const items = (await db.select().from(orderItems).where(eq(orderItems.orderId, order.id))).map(
      (i) => [i.lookupKey, i.quantity, i.unitAmount, i.requiresShipping, i.creditsGranted],
    );
    expect(items).toEqual(
      expect.arrayContaining([
        ["notebook_a5_dot", 2, 2400, true, 0],
        ["template_pack_quarterly", 1, 1900, false, 0],
        ["ai_credits_100", 3, 500, false, 300],
      ]),
    );
    expect(items).toHaveLength(3);
    expect(await db.select().from(shippingTasks)).toMatchObject([
      { orderId: order.id, status: "pending" },
    ]);

    await stripe.refunds.create({ payment_intent: order.paymentIntentId!, amount: 1900 });
    await syncNewEvents(2);
    expect(await db.select().from(orders).get()).toMatchObject({
      paymentState: "partially_refunded",
      amountRefunded: 1900,
    });

    await stripe.refunds.create({ payment_intent: order.paymentIntentId! });
    await syncNewEvents(3);
    expect(await db.select().from(orders).get()).toMatchObject({
      paymentState: "refunded",
      amountRefunded: order.amountTotal,
    });
    expect(await db.select().from(orders)).toHaveLength(1);
    expect(await db.select().from(shippingTasks)).toHaveLength(1);
    // Each payment state change audited once, by the event that caused it.
    const changes = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "order.payment_state_changed"))
      .orderBy(auditLog.id);
    expect(changes.map((c) => [c.actorType, c.after?.paymentState])).toEqual([
      ["sync", "partially_refunded"],
      ["sync", "refunded"],
    ]);
  });

  it("a subscription checkout with a trial and seats lands in the subscription history, once per material change", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const user = await addUser("sub@example.test");
    const customer = await ensureStripeCustomer({ db, stripe, clock }, user);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer,
      line_items: [
        { price: await priceId("quire_pro_monthly"), quantity: 1 },
        { price: await priceId("quire_seat_monthly"), quantity: 3 },
      ],
      subscription_data: { trial_period_days: 14 },
      success_url: "http://localhost:3000/billing?session={CHECKOUT_SESSION_ID}",
    });
    await payHostedCheckout(session, false);
    await syncNewEvents(4);

    const subId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    expect(subId).toMatch(/^sub_/);
    const history = () =>
      db
        .select()
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, subId))
        .orderBy(subscriptionHistory.id);
    expect(await db.select().from(orders)).toHaveLength(0);
    const first = (await history()).at(-1)!;
    expect(first).toMatchObject({
      stripeCustomerId: customer,
      status: "trialing",
      currency: "usd",
      interval: "month",
      intervalCount: 1,
      cancelAtPeriodEnd: false,
    });
    expect(first.items.map((i) => [i.quantity, i.unitAmount]).sort()).toEqual([
      [1, 1400],
      [3, 400],
    ]);
    const rowsBefore = (await history()).length;

    const sub = await stripe.subscriptions.retrieve(subId);
    const seatItem = sub.items.data.find((i) => i.quantity === 3)!;
    await stripe.subscriptions.update(subId, {
      items: [{ id: seatItem.id, quantity: 5 }],
      proration_behavior: "none",
    });
    await stripe.subscriptions.update(subId, { metadata: { note: "not material" } });
    await syncNewEvents(5);
    const after = await history();
    expect(after).toHaveLength(rowsBefore + 1);
    expect(
      after
        .at(-1)!
        .items.map((i) => i.quantity)
        .sort(),
    ).toEqual([1, 5]);

    await stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    await syncNewEvents(6);
    expect((await history()).at(-1)).toMatchObject({
      cancelAtPeriodEnd: true,
      status: "trialing",
    });
    expect(await db.select().from(billingCustomers)).toHaveLength(1);
  });

  it("a subscription discount's coupon terms reach the history (the hook fetches them)", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const user = await addUser("coupon@example.test");
    const customer = await ensureStripeCustomer({ db, stripe, clock }, user);
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: "forever" });
    const sub = await stripe.subscriptions.create({
      customer,
      items: [{ price: await priceId("quire_pro_monthly") }],
      trial_period_days: 14,
      discounts: [{ coupon: coupon.id }],
    });
    await syncNewEvents(9);

    const last = (
      await db
        .select()
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, sub.id))
        .orderBy(subscriptionHistory.id)
    ).at(-1);
    expect(last?.discounts).toEqual([
      expect.objectContaining({ couponId: coupon.id, percentOff: 20, duration: "forever" }),
    ]);
  });

  it("a change made in the same second as the fetches that applied the checkout is not lost", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const user = await addUser("same-second@example.test");
    const customer = await ensureStripeCustomer({ db, stripe, clock }, user);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer,
      line_items: [{ price: await priceId("quire_pro_monthly"), quantity: 1 }],
      success_url: "http://localhost:3000/billing?session={CHECKOUT_SESSION_ID}",
    });
    await payHostedCheckout(session, false);
    // Applying these fetches the subscription (ties, parents) within the emulator's frozen second.
    await syncNewEvents(7, { advance: false });
    const subId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    await stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    await syncNewEvents(8, { advance: false });

    const row = await db
      .select()
      .from(stripeSubscriptions)
      .where(eq(stripeSubscriptions.id, subId))
      .get();
    expect(row?.cancelAtPeriodEnd).toBe(true);
    expect(await convergenceProblems(db, stripe)).toEqual([]);
  });

  it("a user whose Stripe customer was deleted gets a new one, not the deleted one replayed", async () => {
    const user = await addUser("again@example.test");
    const first = await ensureStripeCustomer({ db, stripe, clock }, user);
    await syncNewEvents(9);
    await stripe.customers.del(first);
    await syncNewEvents(10);
    expect(await db.select().from(billingCustomers)).toEqual([]);

    const second = await ensureStripeCustomer({ db, stripe, clock }, user);
    expect(second).not.toBe(first);
    const customer = await stripe.customers.retrieve(second);
    expect(customer.deleted).toBeUndefined();
    await syncNewEvents(11);
    expect(
      (
        await db
          .select({ id: billingCustomers.stripeCustomerId })
          .from(billingCustomers)
          .where(eq(billingCustomers.userId, user.id))
          .get()
      )?.id,
    ).toBe(second);
  });
});
