import { closeDb, InvalidCursorError, stripeCharges, stripeRefunds, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminOrderById } from "./detail.ts";
import { listAdminOrders, type OrderListInput } from "./list.ts";
import { seedOrder } from "./testing.ts";

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const day = (d: number, h = 12) => new Date(Date.UTC(2026, 2, d, h));
const ids = async (input: OrderListInput = {}) =>
  (await listAdminOrders(db, { limit: 100, ...input })).items.map((o) => o.id);

describe("admin orders list", () => {
  it("filters by payment state, fulfilment state, dates, amount, currency and product", async () => {
    const a = await seedOrder(db, { placedAt: day(1), amountTotal: 1000 });
    const b = await seedOrder(db, {
      placedAt: day(2),
      amountTotal: 5000,
      paymentState: "partially_refunded",
      task: "shipped",
    });
    const c = await seedOrder(db, {
      placedAt: day(3, 23),
      amountTotal: 9000,
      currency: "eur",
      items: [{ description: "E-book", quantity: 1, unitAmount: 9000, productId: "prod_ebook" }],
    });
    expect(await ids()).toEqual([c.orderId, b.orderId, a.orderId]);
    expect(await ids({ paymentState: "partially_refunded" })).toEqual([b.orderId]);
    expect(await ids({ fulfilmentState: "pending" })).toEqual([a.orderId]);
    expect(await ids({ fulfilmentState: "shipped" })).toEqual([b.orderId]);
    expect(await ids({ fulfilmentState: "none" })).toEqual([c.orderId]);
    // Date range in whole UTC days, both ends included.
    expect(await ids({ placedFrom: "2026-03-02", placedTo: "2026-03-03" })).toEqual([
      c.orderId,
      b.orderId,
    ]);
    expect(await ids({ placedTo: "2026-03-01" })).toEqual([a.orderId]);
    expect(await ids({ amountMin: 1000, amountMax: 5000 })).toEqual([b.orderId, a.orderId]);
    expect(await ids({ currency: "eur" })).toEqual([c.orderId]);
    expect(await ids({ productId: "prod_ebook" })).toEqual([c.orderId]);
    expect(await ids({ productId: "prod_notebook", fulfilmentState: "pending" })).toEqual([
      a.orderId,
    ]);
  });

  it("finds orders by name and by e-mail in one search, merged in the list's order and paged", async () => {
    const byEmail = await seedOrder(db, {
      email: "mia@example.com",
      name: "Zoe Park",
      placedAt: day(1),
    });
    const byName = await seedOrder(db, {
      email: "zed@example.com",
      name: "Mia Wong",
      placedAt: day(3),
    });
    const both = await seedOrder(db, {
      email: "mia.w@example.com",
      name: "Mia W",
      placedAt: day(2),
    });
    await seedOrder(db, { email: "max@example.com", name: "Max", placedAt: day(4) });
    expect(await ids({ search: "Mi" })).toEqual([byName.orderId, both.orderId, byEmail.orderId]);
    expect(await ids({ search: "mi", sort: { by: "placedAt", direction: "asc" } })).toEqual([
      byEmail.orderId,
      both.orderId,
      byName.orderId,
    ]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAdminOrders(db, { limit: 1, search: "mi", cursor });
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([byName.orderId, both.orderId, byEmail.orderId]);
  });

  it("refuses ranges that end before they start", async () => {
    await expect(ids({ placedFrom: "2026-03-05", placedTo: "2026-03-01" })).rejects.toThrow(
      /start date is after the end date/,
    );
    await expect(ids({ amountMin: 10, amountMax: 5 })).rejects.toThrow(/minimum amount/);
  });

  it("searches by order id, Stripe ids, e-mail prefix and ship-to name prefix, any case", async () => {
    const ada = await seedOrder(db, { email: "Ada@Example.com", name: "Ada Lovelace" });
    const grace = await seedOrder(db, { email: "grace@navy.mil", name: "Grace Hopper" });
    const other = await seedOrder(db, { email: "a_d@example.com", name: "Zed" });
    const order = await adminOrderById(db, grace.orderId);
    expect(await ids({ search: ada.orderId.toUpperCase() })).toEqual([ada.orderId]);
    expect(await ids({ search: order.payment.checkoutSessionId })).toEqual([grace.orderId]);
    expect(await ids({ search: order.payment.paymentIntent!.id })).toEqual([grace.orderId]);
    expect(await ids({ search: order.customer.stripeCustomerId! })).toEqual([grace.orderId]);
    expect(await ids({ search: "ADA@" })).toEqual([ada.orderId]);
    expect(await ids({ search: "grace hop" })).toEqual([grace.orderId]);
    expect(await ids({ search: "gr" })).toEqual([grace.orderId]);
    // LIKE wildcards are literal: "a_d" is not "ada".
    expect(await ids({ search: "a_d" })).toEqual([other.orderId]);
    expect(await ids({ search: "zzz" })).toEqual([]);

    // A charge or refund id finds its payment's order through the Stripe mirror.
    const pi = order.payment.paymentIntent!.id;
    const at = new Date();
    await db.insert(stripeCharges).values({
      id: "ch_grace",
      livemode: false,
      raw: { id: "x", object: "charge" },
      versionTs: at,
      syncedAt: at,
      paymentIntentId: pi,
      status: "succeeded",
      amount: 3000,
      amountCaptured: 3000,
      amountRefunded: 0,
      currency: "usd",
      paid: true,
      captured: true,
      refunded: false,
      disputed: false,
    });
    await db.insert(stripeRefunds).values({
      id: "re_grace",
      livemode: false,
      raw: { id: "x", object: "charge" },
      versionTs: at,
      syncedAt: at,
      paymentIntentId: pi,
      chargeId: "ch_grace",
      status: "succeeded",
      amount: 500,
      currency: "usd",
    });
    expect(await ids({ search: "ch_grace" })).toEqual([grace.orderId]);
    expect(await ids({ search: "re_grace" })).toEqual([grace.orderId]);
    const detail = await adminOrderById(db, grace.orderId);
    expect(detail.refunds).toEqual([expect.objectContaining({ id: "re_grace", amount: 500 })]);
    expect(detail.timeline.map((e) => e.kind).sort()).toEqual(["charge", "refund"]);
  });

  it("sorts by amount either way and pages without repeats, refusing a cursor from another sort", async () => {
    const amounts = [3000, 1000, 3000, 2000, 5000];
    const seeded = [];
    for (const amountTotal of amounts) seeded.push(await seedOrder(db, { amountTotal }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAdminOrders(db, {
        limit: 2,
        cursor,
        sort: { by: "amountTotal", direction: "asc" },
      });
      seen.push(...page.items.map((o) => `${o.amountTotal}`));
      cursor = page.nextCursor ?? undefined;
      if (cursor) {
        await expect(listAdminOrders(db, { limit: 2, cursor })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      }
    } while (cursor);
    expect(seen).toEqual(["1000", "2000", "3000", "3000", "5000"]);
    const desc = await listAdminOrders(db, {
      limit: 1,
      sort: { by: "amountTotal", direction: "desc" },
    });
    expect(desc.items[0]?.amountTotal).toBe(5000);
  });
});

describe("admin order page", () => {
  it("has items, totals, ship-to, the shipment and NOT_FOUND for an unknown id", async () => {
    const { orderId, taskId } = await seedOrder(db, { name: "Ada Lovelace", task: "packed" });
    const order = await adminOrderById(db, orderId);
    expect(order.totals).toMatchObject({ currency: "usd", total: 3000, refunded: 0 });
    expect(order.items).toEqual([
      expect.objectContaining({ description: "Notebook", quantity: 2, unitAmount: 1500 }),
    ]);
    expect(order.shippingAddress).toMatchObject({ name: "Ada Lovelace", country: "US" });
    expect(order.shipment).toMatchObject({ id: taskId, status: "packed" });
    await expect(adminOrderById(db, "ord_missing")).rejects.toThrow(/No order ord_missing/);
  });
});
