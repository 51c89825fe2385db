import {
  auditLog,
  billingCustomers,
  closeDb,
  creditLedger,
  dialectOf,
  orderItems,
  orders,
  shippingTasks,
  stripeCharges,
  stripeDisputes,
  stripeRefunds,
  subscriptionHistory,
  type Db,
} from "@folio/db";
import { createTestDb, testDialect } from "@folio/db/testing";
import { eq, inArray, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { customerLinkHook } from "./customer-link.ts";
import { applySnapshots } from "../sync/apply.ts";
import { creditLedgerHook } from "./credit-ledger.ts";
import {
  addUser,
  charge,
  checkoutSession,
  clock,
  lineItem,
  nextId,
  price,
  runHook,
  subscription,
} from "./fixtures.ts";
import { orderHook, orderIdFor, orderPaymentHook } from "./orders.ts";
import { subscriptionHistoryHook } from "./subscription-history.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

/** A Stripe client double that serves line items and counts calls. */
function fakeStripe(lineItems: Stripe.LineItem[] = [], extra: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const stripe = {
    checkout: {
      sessions: {
        listLineItems: (id: string, params: { expand?: string[] }) => {
          calls.push(`listLineItems ${id} ${params.expand?.join(",") ?? ""}`);
          return { autoPagingToArray: () => Promise.resolve(lineItems) };
        },
      },
    },
    ...extra,
  } as unknown as Stripe;
  return { stripe, calls };
}

const notebook = () =>
  lineItem({
    name: "A5 Dot-Grid Notebook",
    unitAmount: 2400,
    quantity: 1,
    metadata: { folio_kind: "physical", folio_requires_shipping: "true" },
  });
const pens = () =>
  lineItem({
    name: "Archival Fineliner Set",
    unitAmount: 1450,
    quantity: 1,
    metadata: { folio_kind: "physical", folio_requires_shipping: "true" },
  });
const credits = (quantity: number) =>
  lineItem({
    name: "100 AI summary credits",
    unitAmount: 500,
    quantity,
    metadata: { folio_kind: "credits", folio_requires_shipping: "false", folio_credits: "100" },
  });

describe("orders from checkout sessions", () => {
  it("turns a paid payment-mode session into one order with items and a shipping task", async () => {
    const items = [notebook(), pens()];
    const { stripe, calls } = fakeStripe(items);
    const session = checkoutSession({ amount_subtotal: 3850, amount_total: 4349 });
    const event = { id: "evt_1", type: "checkout.session.completed" };

    await runHook(db, stripe, orderHook, "checkout.session", session, event);
    // Redelivery, and a later re-fetch of the same session: nothing new, no second fetch.
    await runHook(db, stripe, orderHook, "checkout.session", session, event);
    await runHook(db, stripe, orderHook, "checkout.session", session, { id: null, type: "sync" });

    expect(calls).toEqual([`listLineItems ${session.id} data.price.product`]);
    const all = await db.select().from(orders);
    expect(all).toHaveLength(1);
    const order = all[0]!;
    expect(order).toMatchObject({
      id: orderIdFor(session.id),
      checkoutSessionId: session.id,
      currency: "usd",
      amountSubtotal: 3850,
      amountShipping: 499,
      amountTotal: 4349,
      paymentState: "paid",
      requiresShipping: true,
      shippingName: "Casey Customer",
      shippingLine1: "1 Paper Lane",
      shippingPostalCode: "97201",
      shippingCountry: "US",
      email: "casey@example.test",
    });
    const rows = await db
      .select()
      .from(orderItems)
      .where(eq(orderItems.orderId, order.id))
      .orderBy(orderItems.id);
    expect(rows.map((r) => [r.description, r.quantity, r.unitAmount, r.requiresShipping])).toEqual([
      ["A5 Dot-Grid Notebook", 1, 2400, true],
      ["Archival Fineliner Set", 1, 1450, true],
    ]);
    const tasks = await db.select().from(shippingTasks);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ orderId: order.id, status: "pending" });
    const entries = await db.select().from(auditLog).orderBy(auditLog.id);
    expect(entries.map((a) => a.action)).toEqual(["order.created", "shipping_task.created"]);
    expect(entries[0]).toMatchObject({
      actorType: "sync",
      actorId: "evt_1",
      target: `order:${order.id}`,
      after: { checkoutSessionId: session.id, amountTotal: 4349, currency: "usd", items: 2 },
    });
  });

  it("records credits and creates no shipping task for digital-only orders", async () => {
    const { stripe } = fakeStripe([credits(3)]);
    const session = checkoutSession({
      amount_subtotal: 1500,
      amount_total: 1500,
      collected_information: null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    });
    await runHook(db, stripe, orderHook, "checkout.session", session);
    const [item] = await db.select().from(orderItems);
    expect(item).toMatchObject({ creditsGranted: 300, requiresShipping: false, quantity: 3 });
    expect(await db.select().from(orders).get()).toMatchObject({
      requiresShipping: false,
      shippingLine1: null,
    });
    expect(await db.select().from(shippingTasks)).toHaveLength(0);
  });

  it("ignores unpaid, open and subscription-mode sessions", async () => {
    const { stripe, calls } = fakeStripe([notebook()]);
    for (const session of [
      checkoutSession({ payment_status: "unpaid" }),
      checkoutSession({ status: "open", payment_status: "unpaid" }),
      checkoutSession({ mode: "subscription" }),
    ]) {
      await runHook(db, stripe, orderHook, "checkout.session", session);
    }
    expect(calls).toHaveLength(0);
    expect(await db.select().from(orders)).toHaveLength(0);
  });

  it("links the order to the user who owns the Stripe customer", async () => {
    const userId = await addUser(db);
    await db
      .insert(billingCustomers)
      .values({ userId, stripeCustomerId: "cus_linked", createdAt: clock.now() });
    const { stripe } = fakeStripe([notebook()]);
    await runHook(
      db,
      stripe,
      orderHook,
      "checkout.session",
      checkoutSession({ customer: "cus_linked" }),
    );
    expect((await db.select().from(orders).get())?.userId).toBe(userId);
  });
});

describe("order payment state", () => {
  async function placeOrder() {
    const { stripe } = fakeStripe([notebook(), pens()]);
    const session = checkoutSession();
    await runHook(db, stripe, orderHook, "checkout.session", session);
    return { stripe, pi: session.payment_intent as string, orderId: orderIdFor(session.id) };
  }
  const state = (orderId: string) =>
    db
      .select({
        state: orders.paymentState,
        refunded: orders.amountRefunded,
        dispute: orders.disputeStatus,
      })
      .from(orders)
      .where(eq(orders.id, orderId))
      .get();

  it("moves through partially refunded, refunded, disputed and back", async () => {
    const { stripe, pi, orderId } = await placeOrder();
    const ch = charge({ payment_intent: pi });
    await runHook(db, stripe, orderPaymentHook, "charge", { ...ch, amount_refunded: 1000 });
    expect(await state(orderId)).toEqual({
      state: "partially_refunded",
      refunded: 1000,
      dispute: null,
    });

    await runHook(db, stripe, orderPaymentHook, "charge", { ...ch, amount_refunded: 4349 });
    expect(await state(orderId)).toMatchObject({ state: "refunded", refunded: 4349 });

    const dispute = {
      id: "dp_1",
      object: "dispute",
      charge: ch.id,
      payment_intent: null,
      status: "needs_response",
      created: 1767312000,
      amount: 4349,
      currency: "usd",
    } as unknown as Stripe.Dispute;
    await runHook(db, stripe, orderPaymentHook, "dispute", dispute);
    // The dispute names only its charge; the mirror's charge row leads to the order.
    expect(await state(orderId)).toMatchObject({ state: "refunded" });
    await db.insert(stripeCharges).values({
      id: ch.id,
      livemode: false,
      raw: { id: ch.id, object: "charge" },
      versionTs: clock.now(),
      syncedAt: clock.now(),
      paymentIntentId: pi,
      status: "succeeded",
      amount: 4349,
      amountCaptured: 4349,
      amountRefunded: 4349,
      currency: "usd",
      paid: true,
      captured: true,
      refunded: true,
      disputed: true,
    });
    await runHook(db, stripe, orderPaymentHook, "dispute", dispute);
    expect(await state(orderId)).toMatchObject({ state: "disputed", dispute: "needs_response" });
    await runHook(db, stripe, orderPaymentHook, "dispute", { ...dispute, status: "won" });
    expect(await state(orderId)).toMatchObject({ state: "refunded", dispute: "won" });

    const changes = (
      await db
        .select({ before: auditLog.before, after: auditLog.after })
        .from(auditLog)
        .where(eq(auditLog.action, "order.payment_state_changed"))
        .orderBy(auditLog.id)
    ).map((r) => `${String(r.before?.paymentState)}→${String(r.after?.paymentState)}`);
    expect(changes).toEqual([
      "paid→partially_refunded",
      "partially_refunded→refunded",
      "refunded→disputed",
      "disputed→refunded",
    ]);
  });

  it("applies refunds stored before the checkout completion arrived", async () => {
    const { stripe } = fakeStripe([notebook()]);
    const session = checkoutSession({ amount_total: 2400 });
    const pi = session.payment_intent as string;
    // The refund event came first: the sync engine stored it, the hook found no order yet.
    await db.insert(stripeRefunds).values({
      id: "re_early",
      livemode: false,
      raw: { id: "re_early", object: "refund" },
      versionTs: clock.now(),
      syncedAt: clock.now(),
      paymentIntentId: pi,
      status: "succeeded",
      amount: 400,
      currency: "usd",
    });
    await runHook(db, stripe, orderPaymentHook, "refund", {
      id: "re_early",
      object: "refund",
      payment_intent: pi,
      amount: 400,
      status: "succeeded",
    } as unknown as Stripe.Refund);
    await runHook(db, stripe, orderHook, "checkout.session", session);
    expect(await state(orderIdFor(session.id))).toMatchObject({
      state: "partially_refunded",
      refunded: 400,
    });
  });
});

describe("per-event lookups", () => {
  // SQLite's plan is deterministic for an empty table; PostgreSQL's planner rightly prefers a
  // sequential scan of a table that small, so the plan says nothing there.
  it.skipIf(testDialect() === "postgres")(
    "the dispute lookup of an order's payment state is served by indexes, not a table scan",
    async () => {
      expect(dialectOf(db)).toBe("sqlite");
      // The shape refreshOrderPayment runs for every charge, refund and dispute of an order.
      const where = or(
        eq(stripeDisputes.paymentIntentId, "pi_1"),
        inArray(stripeDisputes.chargeId, ["ch_1"]),
      );
      const plan = await db.all<[number, number, number, string]>(
        sql`explain query plan select ${stripeDisputes.id} from ${stripeDisputes} where ${where}`,
      );
      const detail = plan.map((p) => p[3]).join("\n");
      expect(detail).toMatch(/SEARCH stripe_disputes USING INDEX/);
      expect(detail).not.toMatch(/SCAN stripe_disputes/);
    },
  );
});

describe("subscription history", () => {
  const rows = (subId: string) =>
    db
      .select()
      .from(subscriptionHistory)
      .where(eq(subscriptionHistory.subscriptionId, subId))
      .orderBy(subscriptionHistory.id);

  it("sees every item of a subscription whose payload lists only some (items.has_more)", async () => {
    const seats = [1, 2, 3].map((n) => ({
      price: price({ id: `price_addon_${n}`, unit_amount: 100 * n, product: `prod_${n}` }),
      quantity: n,
    }));
    const full = subscription({ itemPrices: seats });
    // The event's payload carries the first two items and says there are more.
    const partial = {
      ...full,
      items: { ...full.items, data: full.items.data.slice(0, 2), has_more: true },
    } as Stripe.Subscription;
    const { stripe } = fakeStripe([], {
      subscriptionItems: {
        list: () => ({
          [Symbol.asyncIterator]: () => full.items.data.values(),
        }),
      },
    });
    const event = { id: "evt_many", type: "customer.subscription.updated", created: clock.now() };
    await applySnapshots(
      {
        deps: { db, stripe, clock },
        hooks: [subscriptionHistoryHook],
        event,
        fetchVersion: () => Promise.resolve(clock.now().getTime()),
        fetchParents: false,
      },
      [
        {
          kind: "subscription",
          object: partial,
          version: clock.now().getTime(),
          eventId: event.id,
          tombstone: false,
          fromFetch: false,
        },
      ],
    );
    expect((await rows(full.id)).map((r) => r.items.map((i) => i.quantity))).toEqual([[1, 2, 3]]);
  });

  it("appends only material changes, exactly once per event", async () => {
    const { stripe } = fakeStripe();
    const monthly = price({ id: "price_pro_monthly", unit_amount: 1400 });
    const seat = price({ id: "price_seat", unit_amount: 400, product: "prod_seat" });
    const base = subscription({
      status: "trialing",
      trial_end: 1768435200,
      itemPrices: [{ price: monthly, quantity: 1 }],
    });
    const at = (d: number) => new Date(Date.UTC(2026, 0, d));

    await runHook(db, stripe, subscriptionHistoryHook, "subscription", base, {
      id: "evt_a",
      type: "customer.subscription.created",
      created: at(1),
    });
    // Redelivery of the same event, and a non-material update (metadata only).
    await runHook(db, stripe, subscriptionHistoryHook, "subscription", base, {
      id: "evt_a",
      created: at(1),
    });
    await runHook(
      db,
      stripe,
      subscriptionHistoryHook,
      "subscription",
      { ...base, metadata: { note: "x" } },
      { id: "evt_b", created: at(2) },
    );
    const active = { ...base, status: "active" as const };
    await runHook(db, stripe, subscriptionHistoryHook, "subscription", active, {
      id: "evt_c",
      created: at(15),
    });
    const withSeats = subscription({
      ...active,
      itemPrices: [
        { price: monthly, quantity: 1 },
        { price: seat, quantity: 3 },
      ],
    });
    await runHook(db, stripe, subscriptionHistoryHook, "subscription", withSeats, {
      id: "evt_d",
      created: at(20),
    });

    const history = await rows(base.id);
    expect(history.map((r) => [r.eventId, r.status, r.effectiveAt.getTime()])).toEqual([
      ["evt_a", "trialing", at(1).getTime()],
      ["evt_c", "active", at(15).getTime()],
      ["evt_d", "active", at(20).getTime()],
    ]);
    expect(history[2]).toMatchObject({
      currency: "usd",
      interval: "month",
      intervalCount: 1,
      cancelAtPeriodEnd: false,
      stripeCustomerId: "cus_x",
    });
    expect(history[2]!.items.map((i) => [i.priceId, i.quantity, i.unitAmount])).toEqual([
      ["price_pro_monthly", 1, 1400],
      ["price_seat", 3, 400],
    ]);
  });

  it("resolves discount ids to their coupon terms", async () => {
    const retrieved: string[] = [];
    const { stripe } = fakeStripe([], {
      subscriptions: {
        retrieve: (id: string, params: { expand: string[] }) => {
          retrieved.push(`${id} ${params.expand.join(",")}`);
          return Promise.resolve(
            subscription({
              id,
              discounts: [
                {
                  id: "di_1",
                  object: "discount",
                  end: null,
                  source: {
                    type: "coupon",
                    coupon: {
                      id: "LAUNCH20",
                      object: "coupon",
                      percent_off: 20,
                      amount_off: null,
                      currency: null,
                      duration: "forever",
                    },
                  },
                } as unknown as Stripe.Discount,
              ],
            }),
          );
        },
      },
    });
    const sub = subscription({ discounts: ["di_1"] });
    await runHook(db, stripe, subscriptionHistoryHook, "subscription", sub);
    expect(retrieved).toHaveLength(1);
    expect((await rows(sub.id))[0]!.discounts).toEqual([
      {
        id: "di_1",
        couponId: "LAUNCH20",
        percentOff: 20,
        amountOff: null,
        currency: null,
        duration: "forever",
        end: null,
      },
    ]);
  });

  it("resolves item discounts' coupons with one retrieve per coupon (expand stops at 4 levels)", async () => {
    const coupons: string[] = [];
    const itemDiscount = (id: string) =>
      ({
        id,
        object: "discount",
        end: null,
        source: { type: "coupon", coupon: "SEATS10" },
      }) as unknown as Stripe.Discount;
    const seat = price({ id: "price_seat", unit_amount: 400 });
    const withItems = (id: string, discounts: (d: string) => string | Stripe.Discount) => {
      const sub = subscription({
        id,
        itemPrices: [
          { price: seat, quantity: 2 },
          { price: seat, quantity: 3 },
        ],
      });
      for (const [i, item] of sub.items.data.entries())
        item.discounts = [discounts(`di_item_${i}`)];
      return sub;
    };
    const { stripe } = fakeStripe([], {
      subscriptions: {
        retrieve: (id: string, params: { expand: string[] }) => {
          const deep = params.expand.find((p) => p.split(".").length > 4);
          if (deep) return Promise.reject(new Error(`cannot expand more than 4 levels: ${deep}`));
          return Promise.resolve(withItems(id, itemDiscount));
        },
      },
      coupons: {
        retrieve: (id: string) => {
          coupons.push(id);
          return Promise.resolve({
            id,
            object: "coupon",
            percent_off: 10,
            amount_off: null,
            currency: null,
            duration: "repeating",
          });
        },
      },
    });
    const sub = withItems("sub_item_discounts", (d) => d);
    await runHook(db, stripe, subscriptionHistoryHook, "subscription", sub);
    expect(coupons).toEqual(["SEATS10"]);
    expect((await rows(sub.id))[0]!.discounts).toEqual(
      ["di_item_0", "di_item_1"].map((id) => ({
        id,
        couponId: "SEATS10",
        percentOff: 10,
        amountOff: null,
        currency: null,
        duration: "repeating",
        end: null,
      })),
    );
  });
});

describe("credit ledger", () => {
  it("writes one row per balance transaction, attributed to the linked user", async () => {
    const { stripe } = fakeStripe();
    const userId = await addUser(db);
    await db
      .insert(billingCustomers)
      .values({ userId, stripeCustomerId: "cus_ledger", createdAt: clock.now() });
    const bt = {
      id: "cbtxn_1",
      object: "customer_balance_transaction",
      amount: -2500,
      currency: "usd",
      customer: "cus_ledger",
      ending_balance: -2500,
      type: "adjustment",
      description: "Goodwill credit",
      invoice: null,
      credit_note: null,
      created: 1767225600,
      livemode: false,
      metadata: {},
    } as unknown as Stripe.CustomerBalanceTransaction;
    await runHook(db, stripe, creditLedgerHook, "customer_balance_transaction", bt);
    await runHook(db, stripe, creditLedgerHook, "customer_balance_transaction", {
      ...bt,
      description: "Goodwill credit (late delivery)",
    });
    const ledger = await db.select().from(creditLedger);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      amount: -2500,
      endingBalance: -2500,
      reason: "adjustment",
      userId,
      description: "Goodwill credit (late delivery)",
      occurredAt: new Date(1767225600 * 1000),
    });
  });
});

describe("user ↔ Stripe customer", () => {
  it("re-links a customer carrying folio_user_id and never links one user twice", async () => {
    const { stripe } = fakeStripe();
    const userId = await addUser(db);
    const customer = (id: string) =>
      ({
        id,
        object: "customer",
        metadata: { folio_user_id: userId },
      }) as unknown as Stripe.Customer;
    await runHook(db, stripe, customerLinkHook, "customer", customer("cus_first"), {
      id: "evt_first",
    });
    await runHook(db, stripe, customerLinkHook, "customer", customer("cus_second"));
    await runHook(db, stripe, customerLinkHook, "customer", {
      ...customer(nextId("cus")),
      metadata: { folio_user_id: "usr_unknown" },
    });
    expect(await db.select().from(billingCustomers)).toEqual([
      { userId, stripeCustomerId: "cus_first", createdAt: clock.now() },
    ]);
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "billing_customer.linked")),
    ).toMatchObject([
      {
        actorType: "sync",
        actorId: "evt_first",
        target: `user:${userId}`,
        before: null,
        after: { stripeCustomerId: "cus_first" },
      },
    ]);

    // Deleted in Stripe: unlinked (audited), so the next checkout makes a new customer.
    await runHook(
      db,
      stripe,
      customerLinkHook,
      "customer",
      customer("cus_first"),
      { id: "evt_del", type: "customer.deleted" },
      true,
    );
    expect(await db.select().from(billingCustomers)).toEqual([]);
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "billing_customer.unlinked")),
    ).toMatchObject([
      {
        actorType: "sync",
        actorId: "evt_del",
        target: `user:${userId}`,
        before: { stripeCustomerId: "cus_first" },
        after: null,
        reason: "deleted in Stripe",
      },
    ]);
  });

  it("attributes the customer's earlier orders and ledger rows to the user it links", async () => {
    const { stripe } = fakeStripe([notebook()]);
    await runHook(
      db,
      stripe,
      orderHook,
      "checkout.session",
      checkoutSession({ customer: "cus_later" }),
    );
    expect((await db.select().from(orders).get())?.userId).toBeNull();
    const userId = await addUser(db);
    await runHook(db, stripe, customerLinkHook, "customer", {
      id: "cus_later",
      object: "customer",
      metadata: { folio_user_id: userId },
    } as unknown as Stripe.Customer);
    expect((await db.select().from(orders).get())?.userId).toBe(userId);
  });
});
