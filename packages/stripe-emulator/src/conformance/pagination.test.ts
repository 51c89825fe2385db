import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";

/**
 * Every list endpoint of the payment half, driven through the SDK's auto-pagination with
 * `limit: 1` (so each item is its own page), plus the retrieve → update round trip of the
 * resources other files do not cover.
 */
let emu: EmulatorHandle;
let stripe: Stripe;
let customer: Stripe.Customer;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "pagination" } });
  stripe = emu.stripe("sk_test_pages", { maxNetworkRetries: 0 });
  customer = await stripe.customers.create({ email: "pages@example.com" });
  for (let i = 0; i < 3; i++) {
    await stripe.customers.createBalanceTransaction(customer.id, {
      amount: -100 * (i + 1),
      currency: "usd",
    });
    await stripe.prices.create({
      currency: "usd",
      unit_amount: 100 + i,
      product_data: { name: `P${i}` },
    });
    await stripe.coupons.create({ percent_off: 10 + i, duration: "once" });
    const coupon = await stripe.coupons.create({
      amount_off: 100,
      currency: "usd",
      duration: "once",
    });
    await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id } });
    await stripe.setupIntents.create({ customer: customer.id });
    const pi = await stripe.paymentIntents.create({
      amount: 1000 + i,
      currency: "usd",
      customer: customer.id,
      payment_method: i === 2 ? "pm_card_createDispute" : "pm_card_visa",
      confirm: true,
    });
    // A disputed charge cannot be refunded, so only the first two are.
    if (i < 2) await stripe.refunds.create({ payment_intent: pi.id, amount: 10 });
  }
});
afterAll(() => emu.stop());

async function all<T extends { id: string }>(iter: AsyncIterable<T>): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of iter) ids.push(item.id);
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

describe("auto-pagination over every payment-half list", () => {
  it.each<[string, () => AsyncIterable<{ id: string }>, number]>([
    [
      "customer balance transactions",
      () => stripe.customers.listBalanceTransactions(customer.id, { limit: 1 }),
      3,
    ],
    ["products", () => stripe.products.list({ limit: 1 }), 3],
    ["prices", () => stripe.prices.list({ limit: 1 }), 3],
    ["coupons", () => stripe.coupons.list({ limit: 1 }), 6],
    ["promotion codes", () => stripe.promotionCodes.list({ limit: 1 }), 3],
    ["setup intents", () => stripe.setupIntents.list({ customer: customer.id, limit: 1 }), 3],
    ["payment intents", () => stripe.paymentIntents.list({ customer: customer.id, limit: 1 }), 3],
    ["charges", () => stripe.charges.list({ customer: customer.id, limit: 1 }), 3],
    ["refunds", () => stripe.refunds.list({ limit: 1 }), 2],
    ["disputes", () => stripe.disputes.list({ limit: 1 }), 1],
    ["balance transactions", () => stripe.balanceTransactions.list({ limit: 1 }), 6],
    ["payment methods", () => stripe.paymentMethods.list({ customer: customer.id, limit: 1 }), 0],
    ["events (customer.*)", () => stripe.events.list({ type: "customer.*", limit: 1 }), 4],
  ])("%s", async (_name, list, expected) => {
    expect(await all(list())).toHaveLength(expected);
  });

  it("filters by created range", async () => {
    const later = emu.advanceClock(3600);
    const newest = await stripe.products.create({ name: "Later" });
    expect(newest.created).toBe(later);
    const recent = await stripe.products.list({ created: { gte: later } });
    expect(recent.data.map((p) => p.id)).toEqual([newest.id]);
    const older = await stripe.products.list({ created: { lt: later } });
    expect(older.data).toHaveLength(3);
  });
});

describe("pages of a filtered list", () => {
  const ids = (list: { data: { id: string }[] }) => list.data.map((e) => e.id);

  it("a cursor the filter leaves out still places the page, both ways", async () => {
    const everything = ids(await stripe.events.list({ limit: 100 }));
    const customerEvents = ids(await stripe.events.list({ type: "customer.*", limit: 100 }));
    expect(customerEvents.length).toBeGreaterThan(2);
    // An event of another type sitting between two customer events.
    const between = everything.find(
      (id, i) =>
        !customerEvents.includes(id) &&
        everything.slice(0, i).some((e) => customerEvents.includes(e)) &&
        everything.slice(i + 1).some((e) => customerEvents.includes(e)),
    )!;
    const position = everything.indexOf(between);
    const olderThanCursor = customerEvents.filter((id) => everything.indexOf(id) > position);
    const newerThanCursor = customerEvents.filter((id) => everything.indexOf(id) < position);

    const after = await stripe.events.list({
      type: "customer.*",
      starting_after: between,
      limit: 1,
    });
    expect(ids(after)).toEqual(olderThanCursor.slice(0, 1));
    expect(after.has_more).toBe(olderThanCursor.length > 1);

    const before = await stripe.events.list({
      type: "customer.*",
      ending_before: between,
      limit: 1,
    });
    expect(ids(before)).toEqual(newerThanCursor.slice(-1));
    expect(before.has_more).toBe(newerThanCursor.length > 1);
  });

  it("a sparse filter reads on until the page is full", async () => {
    const all = ids(await stripe.events.list({ type: "refund.*", limit: 100 }));
    const paged: string[] = [];
    let page = await stripe.events.list({ type: "refund.*", limit: 1 });
    for (;;) {
      paged.push(...ids(page));
      if (!page.has_more) break;
      page = await stripe.events.list({
        type: "refund.*",
        limit: 1,
        starting_after: paged.at(-1)!,
      });
    }
    expect(all.length).toBeGreaterThan(1);
    expect(paged).toEqual(all);
  });

  it("a cursor of another type is refused", async () => {
    await expect(stripe.events.list({ starting_after: customer.id })).rejects.toMatchObject({
      statusCode: 404,
      param: "starting_after",
    });
  });
});

describe("retrieve → update round trips", () => {
  it("setup intents, payment intents, charges, refunds, balance transactions", async () => {
    const si = (await stripe.setupIntents.list({ customer: customer.id, limit: 1 })).data[0]!;
    expect(await stripe.setupIntents.retrieve(si.id)).toEqual(si);
    const siUpdated = await stripe.setupIntents.update(si.id, {
      metadata: { k: "v" },
      description: "d",
    });
    expect(siUpdated).toMatchObject({ metadata: { k: "v" }, description: "d" });
    const canceled = await stripe.setupIntents.cancel(si.id);
    expect(canceled.status).toBe("canceled");

    const pi = await stripe.paymentIntents.create({
      amount: 900,
      currency: "usd",
      customer: customer.id,
    });
    const piUpdated = await stripe.paymentIntents.update(pi.id, {
      amount: 950,
      metadata: { order: "7" },
    });
    expect(piUpdated).toMatchObject({ amount: 950, metadata: { order: "7" } });
    expect(await stripe.paymentIntents.retrieve(pi.id)).toEqual(piUpdated);

    const charge = (await stripe.charges.list({ customer: customer.id, limit: 1 })).data[0]!;
    const chUpdated = await stripe.charges.update(charge.id, { description: "Order 7" });
    expect(chUpdated.description).toBe("Order 7");

    const refund = (await stripe.refunds.list({ limit: 1 })).data[0]!;
    const reUpdated = await stripe.refunds.update(refund.id, { metadata: { why: "late" } });
    expect(reUpdated.metadata).toEqual({ why: "late" });
    expect(await stripe.refunds.retrieve(refund.id)).toEqual(reUpdated);

    const txn = (await stripe.customers.listBalanceTransactions(customer.id, { limit: 1 }))
      .data[0]!;
    const txnUpdated = await stripe.customers.updateBalanceTransaction(customer.id, txn.id, {
      description: "Goodwill",
    });
    expect(txnUpdated.description).toBe("Goodwill");
    expect(await stripe.customers.retrieveBalanceTransaction(customer.id, txn.id)).toEqual(
      txnUpdated,
    );
    const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(after.balance).toBe(-600);
  });
});
