import { demoCatalog, pushCatalog, recordHooks, syncAll, systemClock } from "@folio/billing";
import { shippingTasks, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

// Invoices, credit and orders as a customer sees them, from real mirror rows: objects made in the
// emulator, synced into the store with Folio's record hooks (credit ledger, orders).

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-portal-history" } });
  stripe = emu.stripe();
  await pushCatalog({ stripe }, demoCatalog());
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

type Env = Awaited<ReturnType<typeof setup>>;

async function price(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!.id;
}

const customerFor = (env: Env) => customerWithCard(env, stripe);

/** A one-off invoice of `amount` cents, finalized; then paid, voided or left as asked. */
async function invoice(
  customerId: string,
  amount: number,
  then: "pay" | "void" | "uncollectible" | "open" | "draft",
): Promise<Stripe.Invoice> {
  const draft = await stripe.invoices.create({
    customer: customerId,
    collection_method: "send_invoice",
    days_until_due: 30,
    pending_invoice_items_behavior: "exclude",
  });
  await stripe.invoiceItems.create({
    customer: customerId,
    invoice: draft.id,
    amount,
    currency: "usd",
    description: `Work worth ${amount}`,
  });
  // A minute between invoices, so newest-first is an order of time, not of ids.
  emu.advanceClock(60);
  if (then === "draft") return draft;
  const open = await stripe.invoices.finalizeInvoice(draft.id);
  if (then === "pay") return stripe.invoices.pay(open.id);
  if (then === "void") return stripe.invoices.voidInvoice(open.id);
  if (then === "uncollectible") return stripe.invoices.markUncollectible(open.id);
  return open;
}

async function payCheckout(session: Stripe.Checkout.Session, shipping: boolean): Promise<void> {
  const res = await payCheckoutPage(session.url!, { shipping });
  expect(res.status, res.html).toBe(303);
}

async function buy(
  customerId: string,
  items: { lookupKey: string; quantity: number }[],
  shipping: boolean,
): Promise<Stripe.Checkout.Session> {
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customerId,
    line_items: await Promise.all(
      items.map(async (i) => ({ price: await price(i.lookupKey), quantity: i.quantity })),
    ),
    ...(shipping && { shipping_address_collection: { allowed_countries: ["US"] } }),
    success_url: "http://localhost/billing/orders",
  });
  await payCheckout(session, shipping);
  return stripe.checkout.sessions.retrieve(session.id);
}

const sync = (db: Db) => syncAll({ db, stripe, clock: systemClock, hooks: recordHooks });

/** Every page of a list, following nextCursor with `limit` rows a page. */
async function allPages<T>(
  list: (input: { limit: number; cursor?: string }) => Promise<{
    items: T[];
    nextCursor: string | null;
  }>,
  limit: number,
): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit, ...(cursor && { cursor }) });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe("portal.invoices.list", () => {
  it("pages through the caller's own invoices newest first, with states in plain words and links", async () => {
    const env = await setup();
    const a = await customerFor(env);
    const b = await customerFor(env);
    const paid = await invoice(a.customerId, 1200, "pay");
    const voided = await invoice(a.customerId, 800, "void");
    const uncollectible = await invoice(a.customerId, 500, "uncollectible");
    const open = await invoice(a.customerId, 4200, "open");
    await invoice(a.customerId, 999, "draft");
    const bInvoice = await invoice(b.customerId, 700, "pay");
    await sync(env.db);

    const list = env.caller(a.user).portal.invoices.list;
    const pages = await allPages((input) => list(input), 3);
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    const rows = pages.flat();
    // Newest first; the draft is not shown, B's invoice never is.
    expect(rows.map((r) => r.id)).toEqual([open.id, uncollectible.id, voided.id, paid.id]);
    expect(rows.map((r) => r.state)).toEqual(["due", "uncollectible", "void", "paid"]);
    expect(rows[3]).toMatchObject({
      number: paid.number,
      total: 1200,
      amountPaid: 1200,
      amountRemaining: 0,
      currency: "usd",
      hostedInvoiceUrl: paid.hosted_invoice_url,
      pdfUrl: paid.invoice_pdf,
    });
    expect(rows[0]).toMatchObject({ total: 4200, amountRemaining: 4200 });
    expect(rows[0]!.pdfUrl).toMatch(/\/pdf$/);

    // The PDF link is the emulator's real PDF.
    const pdf = await fetch(rows[3]!.pdfUrl!);
    expect(pdf.headers.get("content-type")).toMatch(/pdf/);

    // Past its due date, an open invoice is overdue.
    env.clock.set(open.due_date! * 1000 + 1000);
    expect((await list({ limit: 1 })).items[0]?.state).toBe("overdue");

    // B sees only B's, even when handed A's cursor (the cursor only says where to continue).
    const seenByB = await env.caller(b.user).portal.invoices.list();
    expect(seenByB.items.map((r) => r.id)).toEqual([bInvoice.id]);
    const aCursor = (await list({ limit: 1 })).nextCursor!;
    const bWithACursor = await env.caller(b.user).portal.invoices.list({ cursor: aCursor });
    expect(bWithACursor.items.every((r) => r.id === bInvoice.id)).toBe(true);

    expect(await codeOf(list({ cursor: "not-a-cursor" }))).toBe("BAD_REQUEST");
  });

  it("is empty for a customer without a Stripe customer, and refuses staff", async () => {
    const env = await setup();
    const newcomer = await insertUser(env.db, "customer");
    expect(await env.caller(newcomer).portal.invoices.list()).toEqual({
      items: [],
      nextCursor: null,
    });
    const admin = await insertUser(env.db, "admin");
    expect(await codeOf(env.caller(admin).portal.invoices.list())).toBe("FORBIDDEN");
  });
});

describe("portal.credit", () => {
  it("shows the balance as credit and a ledger saying where each entry came from", async () => {
    const env = await setup();
    const a = await customerFor(env);
    const b = await customerFor(env);
    await stripe.customers.createBalanceTransaction(a.customerId, {
      amount: -1500,
      currency: "usd",
      description: "Goodwill credit",
    });
    emu.advanceClock(60);
    // The next invoice uses 1,000 of it.
    const used = await invoice(a.customerId, 1000, "open");
    // An invoice that comes out negative (a downgrade's unused time) leaves its credit behind.
    const negative = await invoice(a.customerId, -300, "open");
    await stripe.customers.createBalanceTransaction(b.customerId, {
      amount: -9900,
      currency: "usd",
      description: "B's credit",
    });
    await sync(env.db);

    const caller = env.caller(a.user);
    expect(await caller.portal.credit.balance()).toEqual({
      credit: 800,
      owed: 0,
      currency: "usd",
    });
    const ledger = await allPages((input) => caller.portal.credit.ledger(input), 2);
    expect(ledger.map((p) => p.length)).toEqual([2, 1]);
    const [proration, applied, grant] = ledger.flat();
    expect(proration).toMatchObject({
      source: "proration",
      stripeType: "applied_to_invoice",
      creditChange: 300,
      creditAfter: 800,
      invoice: { id: negative.id, number: negative.number },
    });
    expect(grant).toMatchObject({
      source: "staff_grant",
      stripeType: "adjustment",
      creditChange: 1500,
      creditAfter: 1500,
      description: "Goodwill credit",
      invoice: null,
    });
    expect(applied).toMatchObject({
      source: "applied_to_invoice",
      creditChange: -1000,
      creditAfter: 500,
      invoice: { id: used.id, number: used.number, hostedInvoiceUrl: used.hosted_invoice_url },
    });

    // B's own credit only.
    const bCaller = env.caller(b.user);
    expect(await bCaller.portal.credit.balance()).toMatchObject({ credit: 9900 });
    expect((await bCaller.portal.credit.ledger()).items.map((e) => e.description)).toEqual([
      "B's credit",
    ]);
    const newcomer = await insertUser(env.db, "customer");
    expect(await env.caller(newcomer).portal.credit.balance()).toEqual({
      credit: 0,
      owed: 0,
      currency: null,
    });
    expect((await env.caller(newcomer).portal.credit.ledger()).items).toEqual([]);
  });
});

describe("portal.orders.list", () => {
  it("lists the caller's orders with items, payment and shipment states", async () => {
    const env = await setup();
    const a = await customerFor(env);
    const b = await customerFor(env);
    const shipped = await buy(
      a.customerId,
      [
        { lookupKey: "journal_hardcover_2027", quantity: 1 },
        { lookupKey: "fineliner_set", quantity: 2 },
      ],
      true,
    );
    const digital = await buy(
      a.customerId,
      [{ lookupKey: "template_pack_quarterly", quantity: 1 }],
      false,
    );
    await buy(b.customerId, [{ lookupKey: "notebook_a5_dot", quantity: 1 }], true);
    await sync(env.db);

    const list = env.caller(a.user).portal.orders.list;
    let rows = (await allPages((input) => list(input), 1)).flat();
    expect(rows).toHaveLength(2);
    const physical = rows.find((o) => o.shippingAddress !== null)!;
    const download = rows.find((o) => o.shippingAddress === null)!;
    expect(physical).toMatchObject({
      amountTotal: shipped.amount_total,
      paymentState: "paid",
      items: [
        { description: expect.stringMatching(/Journal/) as string, quantity: 1, kind: "physical" },
        {
          description: expect.stringMatching(/Fineliner/) as string,
          quantity: 2,
          kind: "physical",
        },
      ],
      shipment: { state: "awaiting_shipment", physical: true, trackingUrl: null },
      shippingAddress: { line1: "1 Paper Lane", city: "Portland", country: "US" },
    });
    expect(download).toMatchObject({
      amountTotal: digital.amount_total,
      items: [{ kind: "digital", quantity: 1 }],
      shipment: { state: "delivered", physical: false },
    });

    // Staff ship it (the fulfilment screens write the task); a refund of part of it follows.
    await env.db
      .update(shippingTasks)
      .set({
        status: "shipped",
        carrier: "UPS",
        trackingNumber: "1Z999",
        trackingUrl: "https://www.ups.com/track?tracknum=1Z999",
        shippedAt: new Date(Date.UTC(2026, 0, 2)),
      })
      .where(eq(shippingTasks.orderId, physical.id));
    const pi = await stripe.paymentIntents.retrieve(shipped.payment_intent as string);
    await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    await sync(env.db);

    rows = (await list()).items;
    expect(rows.find((o) => o.id === physical.id)).toMatchObject({
      paymentState: "partially_refunded",
      amountRefunded: 1000,
      shipment: {
        state: "shipped",
        carrier: "UPS",
        trackingNumber: "1Z999",
        trackingUrl: "https://www.ups.com/track?tracknum=1Z999",
        shippedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
      },
    });

    // A tracking "link" that is not http(s) is not handed to the browser.
    await env.db
      .update(shippingTasks)
      .set({ trackingUrl: "javascript:alert(1)" })
      .where(eq(shippingTasks.orderId, physical.id));
    rows = (await list()).items;
    expect(rows.find((o) => o.id === physical.id)?.shipment.trackingUrl).toBeNull();

    // B sees only B's order.
    const seenByB = (await env.caller(b.user).portal.orders.list()).items;
    expect(seenByB).toHaveLength(1);
    expect(seenByB[0]!.id).not.toBe(physical.id);
    expect(seenByB[0]!.id).not.toBe(download.id);
  });
});
