import { closeDb, stripeInvoiceLineItems, stripeSubscriptionItems, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { syncAll } from "./backfill.ts";
import { convergenceProblems, prng, recordEvents, shuffle } from "./testing.ts";

// Stripe's events embed the first 10 invoice lines and subscription items, with `has_more: true`
// when there are more: the rest must be fetched, or the mirror holds a partial list.

let emu: EmulatorHandle;
let stripe: Stripe;
let events: Stripe.Event[];
let subscriptionId: string;
let invoiceId: string;
const ITEMS = 13;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "lists-sync" } });
  stripe = emu.stripe();
  const customer = await stripe.customers.create({ name: "Many lines" });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const product = await stripe.products.create({ name: "Seats" });
  const prices: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 100 + i,
      recurring: { interval: "month" },
      product: product.id,
    });
    prices.push(price.id);
  }
  const sub = await stripe.subscriptions.create({
    customer: customer.id,
    items: prices.map((price) => ({ price })),
  });
  subscriptionId = sub.id;
  invoiceId = typeof sub.latest_invoice === "string" ? sub.latest_invoice : sub.latest_invoice!.id;
  emu.advanceClock(1);
  // A change to the list after the first page: only a fetch of the rest can know it.
  const last = sub.items.data.at(-1)!;
  await stripe.subscriptionItems.update(last.id, { quantity: 3, proration_behavior: "none" });
  events = await recordEvents(stripe);
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 120_000);
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDb(db).catch(() => undefined);
});

async function fresh() {
  const db = await createTestDb();
  opened.push(db);
  const clock = manualClock(Date.now());
  const deps = { db, stripe, clock };
  const worker = startWebhookWorker({ ...deps, hooks: recordHooks }, { autoStart: false });
  return { db, clock, worker, deps };
}

async function liveChildren(db: Db) {
  const items = await db
    .select({ id: stripeSubscriptionItems.id, quantity: stripeSubscriptionItems.quantity })
    .from(stripeSubscriptionItems)
    .where(
      and(
        eq(stripeSubscriptionItems.subscriptionId, subscriptionId),
        isNull(stripeSubscriptionItems.deletedAt),
      ),
    );
  const lines = await db
    .select({ id: stripeInvoiceLineItems.id })
    .from(stripeInvoiceLineItems)
    .where(
      and(
        eq(stripeInvoiceLineItems.invoiceId, invoiceId),
        isNull(stripeInvoiceLineItems.deletedAt),
      ),
    );
  return { items, lines };
}

describe("lists beyond the first page", { timeout: 120_000 }, () => {
  it("events carry the first page only, as Stripe's do", () => {
    const subEvent = events.find((e) => e.type === "customer.subscription.created")!;
    const items = subEvent.data.object.items;
    expect(items).toMatchObject({ has_more: true });
    expect(items.data).toHaveLength(10);
    const invEvent = events.find((e) => e.type === "invoice.paid")!;
    const lines = invEvent.data.object.lines;
    expect(lines).toMatchObject({ has_more: true });
    expect(lines.data).toHaveLength(10);
  });

  it("in order, the rest of each list is fetched and the store converges", async () => {
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, events);
    await worker.drain();
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    const { items, lines } = await liveChildren(db);
    expect(items).toHaveLength(ITEMS);
    expect(lines).toHaveLength(ITEMS);
    expect(items.filter((i) => i.quantity === 3)).toHaveLength(1);
  });

  it("an object first seen through one event (no tie to settle by a fetch) gets its whole list", async () => {
    const { db, clock, worker } = await fresh();
    const lastSubUpdate = events.findLast((e) => e.type === "customer.subscription.updated")!;
    const paid = events.find((e) => e.type === "invoice.paid")!;
    for (const e of [lastSubUpdate, paid]) {
      await deliver({ db, clock }, [e]);
      await worker.drain();
    }
    const { items, lines } = await liveChildren(db);
    expect(items).toHaveLength(ITEMS);
    expect(items.filter((i) => i.quantity === 3)).toHaveLength(1);
    expect(lines).toHaveLength(ITEMS);
    expect(await convergenceProblems(db, stripe, { kinds: ["subscription", "invoice"] })).toEqual(
      [],
    );
  });

  it("shuffled and duplicated, it converges too", async () => {
    const cache = new Map();
    for (let seed = 1; seed <= 8; seed++) {
      const random = prng(seed);
      const { db, clock, worker } = await fresh();
      const copies = events.flatMap((e) =>
        Array.from({ length: 1 + Math.floor(random() * 2) }, () => e),
      );
      await deliver({ db, clock }, shuffle(copies, random));
      await worker.drain();
      expect(await convergenceProblems(db, stripe, { cache }), `seed ${seed}`).toEqual([]);
      const { items, lines } = await liveChildren(db);
      expect([items.length, lines.length], `seed ${seed}`).toEqual([ITEMS, ITEMS]);
    }
  });

  it("a backfill holds every item and line", async () => {
    const { db, deps } = await fresh();
    await syncAll({ ...deps, hooks: recordHooks });
    expect(await convergenceProblems(db, stripe)).toEqual([]);
    const { items, lines } = await liveChildren(db);
    expect([items.length, lines.length]).toEqual([ITEMS, ITEMS]);
  });
});
