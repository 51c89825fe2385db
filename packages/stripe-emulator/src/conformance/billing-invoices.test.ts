import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { missingKeys } from "./sdk-shape.ts";
import {
  DAY,
  START,
  catalog,
  customerWith,
  stripe,
  typesSince,
  useBillingEmulator,
} from "./billing-setup.ts";

/** One-off invoices, the fixtures cross-check, billing settings and persistence. */

useBillingEmulator();

describe("invoices", () => {
  it("one-off invoice: invoice items, finalize, pay out of band; void and uncollectible", async () => {
    const { customer } = await customerWith();
    await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 1234,
      currency: "usd",
      description: "Setup fee",
    });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    expect(draft).toMatchObject({
      status: "draft",
      total: 1234,
      billing_reason: "manual",
      number: null,
    });
    await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 100,
      currency: "usd",
    });
    expect((await stripe.invoices.retrieve(draft.id)).total).toBe(1334);
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open).toMatchObject({ status: "open", amount_due: 1334 });
    await expect(stripe.invoices.finalizeInvoice(draft.id)).rejects.toMatchObject({
      statusCode: 400,
    });
    const paid = await stripe.invoices.pay(open.id, { paid_out_of_band: true });
    expect(paid).toMatchObject({ status: "paid", amount_remaining: 0 });
    await expect(stripe.invoices.voidInvoice(open.id)).rejects.toMatchObject({ statusCode: 400 });

    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    const second = await stripe.invoices.finalizeInvoice(
      (
        await stripe.invoices.create({
          customer: customer.id,
          pending_invoice_items_behavior: "include",
        })
      ).id,
    );
    const voided = await stripe.invoices.voidInvoice(second.id);
    expect(voided).toMatchObject({ status: "void" });
    expect(voided.status_transitions.voided_at).toBe(START);

    await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: "usd" });
    const third = await stripe.invoices.finalizeInvoice(
      (
        await stripe.invoices.create({
          customer: customer.id,
          pending_invoice_items_behavior: "include",
          collection_method: "send_invoice",
          days_until_due: 10,
        })
      ).id,
    );
    expect(third.due_date).toBe(START + 10 * DAY);
    const bad = await stripe.invoices.markUncollectible(third.id);
    expect(bad.status).toBe("uncollectible");
    expect(
      (await stripe.invoices.list({ customer: customer.id, status: "uncollectible" })).data.map(
        (i) => i.id,
      ),
    ).toEqual([third.id]);
    const types = await typesSince(null, (t) => t.startsWith("invoice."));
    expect(types).toEqual(
      expect.arrayContaining([
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.voided",
        "invoice.marked_uncollectible",
      ]),
    );
    const draftToDelete = await stripe.invoices.create({ customer: customer.id });
    expect(await stripe.invoices.del(draftToDelete.id)).toEqual({
      id: draftToDelete.id,
      object: "invoice",
      deleted: true,
    });
  });
});

describe("fixtures cross-check (billing objects)", () => {
  it("has every fixture key the SDK type still has", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: "forever" });
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ coupon: coupon.id }],
    });
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string, {
      expand: ["payments"],
    });
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 100,
      currency: "usd",
    });
    const discount = (await stripe.events.list({ type: "customer.discount.created" })).data[0]!.data
      .object as Stripe.Discount;
    const samples: [string, string, object, string][] = [
      ["subscription", "Subscription", sub, "/Subscriptions.d.ts"],
      ["subscription_item", "SubscriptionItem", sub.items.data[0]!, "/SubscriptionItems.d.ts"],
      ["invoice", "Invoice", invoice, "/Invoices.d.ts"],
      ["line_item", "InvoiceLineItem", invoice.lines.data[0]!, "/InvoiceLineItems.d.ts"],
      ["invoiceitem", "InvoiceItem", item, "/InvoiceItems.d.ts"],
      ["invoice_payment", "InvoicePayment", invoice.payments!.data[0]!, "/InvoicePayments.d.ts"],
      ["test_helpers.test_clock", "TestClock", clock, "/TestClocks.d.ts"],
      ["discount", "Discount", discount, "/Discounts.d.ts"],
    ];
    for (const [type, iface, object, file] of samples) {
      expect(missingKeys(type, iface, object, file), type).toEqual([]);
    }
  });
});

describe("billing settings", () => {
  it("takes them from startEmulator({ billing }) and keeps them across reset", async () => {
    const other = await startEmulator({
      deterministic: { seed: "settings" },
      billing: { retrySchedule: [600, 1200], afterFinalFailure: "unpaid" },
    });
    try {
      const read = async () =>
        (await (await fetch(`${other.url}/_emulator/billing/settings`)).json()) as Record<
          string,
          unknown
        >;
      expect(await read()).toMatchObject({
        retrySchedule: [600, 1200],
        afterFinalFailure: "unpaid",
        draftFinalizeDelay: 3600,
      });
      const bad = await fetch(`${other.url}/_emulator/billing/settings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ afterFinalFailure: "explode" }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { param: string } }).error.param).toBe(
        "afterFinalFailure",
      );
      await other.reset();
      expect(await read()).toMatchObject({
        retrySchedule: [600, 1200],
        afterFinalFailure: "unpaid",
      });
    } finally {
      await other.stop();
    }
  });
});

describe("billing persistence", () => {
  it("a subscription created before a restart renews after it (jobs live in SQLite)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "billing-persist-"));
    const options = {
      dbPath: join(dir, "billing.db"),
      clock: { fixed: true, start: START },
      billing: { retrySchedule: [3600] },
    };
    try {
      const first = await startEmulator(options);
      const s1 = first.stripe();
      const product = await s1.products.create({ name: "Kept" });
      const price = await s1.prices.create({
        product: product.id,
        unit_amount: 700,
        currency: "usd",
        recurring: { interval: "month" },
      });
      const customer = await s1.customers.create({ email: "p@example.com" });
      const pm = await s1.paymentMethods.attach("pm_card_visa", { customer: customer.id });
      const sub = await s1.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: pm.id,
      });
      await first.stop();

      const second = await startEmulator(options);
      second.setClock(sub.items.data[0]!.current_period_end + 3600);
      const s2 = second.stripe();
      const renewed = await s2.subscriptions.retrieve(sub.id);
      expect(await s2.invoices.retrieve(renewed.latest_invoice as string)).toMatchObject({
        billing_reason: "subscription_cycle",
        status: "paid",
        amount_paid: 700,
      });
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
