import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";

// Events embed an object's lists the way Stripe's do: the first 10 invoice lines or subscription
// items, `has_more: true` beyond, and the list's `url` to fetch the rest.

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "event-lists" } });
  stripe = emu.stripe();
});
afterAll(() => emu.stop());

async function eventsOf(type: string, id: string) {
  const out: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ type, limit: 100 }))
    if ((e.data.object as { id: string }).id === id) out.push(e);
  return out;
}

describe("lists embedded in event payloads", () => {
  it("an invoice's lines stop after 10, has_more, and the rest is listed from its url", async () => {
    const customer = await stripe.customers.create({ name: "Lines" });
    for (let i = 0; i < 12; i++) {
      await stripe.invoiceItems.create({
        customer: customer.id,
        amount: 100 + i,
        currency: "usd",
        description: `item ${i}`,
      });
    }
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    await stripe.invoices.finalizeInvoice(draft.id);
    const [finalized] = await eventsOf("invoice.finalized", draft.id);
    const lines = (finalized!.data.object as Stripe.Invoice).lines;
    expect(lines).toMatchObject({
      object: "list",
      has_more: true,
      url: `/v1/invoices/${draft.id}/lines`,
    });
    expect(lines.data).toHaveLength(10);
    const all: string[] = [];
    for await (const l of stripe.invoices.listLineItems(draft.id, { limit: 5 })) all.push(l.id);
    expect(all).toHaveLength(12);
    expect(all.slice(0, 10)).toEqual(lines.data.map((l) => l.id));
    // A short list is embedded whole.
    const small = await stripe.customers.create({ name: "One line" });
    await stripe.invoiceItems.create({ customer: small.id, amount: 100, currency: "usd" });
    const one = await stripe.invoices.create({
      customer: small.id,
      pending_invoice_items_behavior: "include",
    });
    const [created] = await eventsOf("invoice.created", one.id);
    expect((created!.data.object as Stripe.Invoice).lines).toMatchObject({ has_more: false });
  });

  it("a subscription's items stop after 10 in its events", async () => {
    const customer = await stripe.customers.create({ name: "Items" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    const product = await stripe.products.create({ name: "Seats" });
    const items: { price: string }[] = [];
    for (let i = 0; i < 11; i++) {
      const p = await stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 100 + i,
        recurring: { interval: "month" },
      });
      items.push({ price: p.id });
    }
    const sub = await stripe.subscriptions.create({ customer: customer.id, items });
    const [created] = await eventsOf("customer.subscription.created", sub.id);
    const embedded = (created!.data.object as Stripe.Subscription).items;
    expect(embedded).toMatchObject({ has_more: true });
    expect(embedded.data).toHaveLength(10);
    const all: string[] = [];
    for await (const i of stripe.subscriptionItems.list({ subscription: sub.id, limit: 4 }))
      all.push(i.id);
    expect(all).toHaveLength(11);
  });
});
