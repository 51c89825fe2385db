import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { alertText, getPage, payCheckoutPage } from "../pages/form-client.ts";
import { missingKeys } from "./sdk-shape.ts";

/** Tax through the official SDK: tax rates, customer tax ids, automatic tax in Checkout. */

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "tax" } });
  stripe = emu.stripe("sk_test_tax", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
});

const BERLIN = { line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" };

async function eventTypes(): Promise<string[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all.reverse().map((e) => e.type);
}

describe("tax rates", () => {
  it("creates, retrieves, updates and lists rates with Stripe's shape", async () => {
    const vat = await stripe.taxRates.create({
      display_name: "VAT",
      percentage: 19,
      inclusive: false,
      country: "DE",
      jurisdiction: "DE",
      tax_type: "vat",
    });
    expect(vat).toMatchObject({
      object: "tax_rate",
      active: true,
      percentage: 19,
      effective_percentage: 19,
      inclusive: false,
      country: "DE",
      rate_type: "percentage",
      tax_type: "vat",
    });
    expect(missingKeys("tax_rate", "TaxRate", vat)).toEqual([]);
    const gst = await stripe.taxRates.create({
      display_name: "GST",
      percentage: 7.25,
      inclusive: true,
    });
    expect(gst.percentage).toBe(7.25);
    expect(await stripe.taxRates.retrieve(vat.id)).toEqual(vat);

    const archived = await stripe.taxRates.update(vat.id, { active: false, description: "old" });
    expect(archived).toMatchObject({ active: false, description: "old", percentage: 19 });
    // The rate itself is fixed once created, as at Stripe.
    await expect(
      stripe.taxRates.update(vat.id, { percentage: 20 } as Stripe.TaxRateUpdateParams),
    ).rejects.toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "percentage" });

    const all = await stripe.taxRates.list();
    expect(all.data.map((r) => r.id)).toEqual([gst.id, vat.id]);
    expect((await stripe.taxRates.list({ active: true })).data.map((r) => r.id)).toEqual([gst.id]);
    expect((await stripe.taxRates.list({ inclusive: true })).data.map((r) => r.id)).toEqual([
      gst.id,
    ]);
    await expect(stripe.taxRates.retrieve("txr_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    expect(await eventTypes()).toEqual([
      "tax_rate.created",
      "tax_rate.created",
      "tax_rate.updated",
    ]);
  });
});

describe("customer tax ids", () => {
  it("adds, lists, retrieves and deletes tax ids, with the documented test verification", async () => {
    const customer = await stripe.customers.create({ name: "Muster GmbH", address: BERLIN });
    const vat = await stripe.customers.createTaxId(customer.id, {
      type: "eu_vat",
      value: "de 123 456 789",
    });
    expect(vat).toMatchObject({
      object: "tax_id",
      type: "eu_vat",
      value: "DE123456789",
      country: "DE",
      customer: customer.id,
      owner: { type: "customer", customer: customer.id },
      verification: { status: "verified", verified_address: null, verified_name: null },
    });
    expect(missingKeys("tax_id", "TaxId", vat)).toEqual([]);
    const invalid = await stripe.customers.createTaxId(customer.id, {
      type: "eu_vat",
      value: "FR111111111",
    });
    expect(invalid.verification?.status).toBe("unverified");
    const pending = await stripe.customers.createTaxId(customer.id, {
      type: "eu_vat",
      value: "NL222222222",
    });
    expect(pending.verification?.status).toBe("pending");
    const ein = await stripe.customers.createTaxId(customer.id, {
      type: "us_ein",
      value: "123456789",
    });
    expect(ein).toMatchObject({ value: "12-3456789", country: "US", verification: null });

    await expect(
      stripe.customers.createTaxId(customer.id, { type: "eu_vat", value: "US123" }),
    ).rejects.toMatchObject({ statusCode: 400, code: "tax_id_invalid", param: "value" });

    const list = await stripe.customers.listTaxIds(customer.id, { limit: 2 });
    expect(list.data.map((t) => t.id)).toEqual([ein.id, pending.id]);
    expect(list.has_more).toBe(true);
    expect(await stripe.customers.retrieveTaxId(customer.id, vat.id)).toEqual(vat);

    const deleted = await stripe.customers.deleteTaxId(customer.id, invalid.id);
    expect(deleted).toEqual({ id: invalid.id, object: "tax_id", deleted: true });
    await expect(stripe.customers.retrieveTaxId(customer.id, invalid.id)).rejects.toMatchObject({
      statusCode: 404,
    });
    const types = await eventTypes();
    expect(types.filter((t) => t.startsWith("customer.tax_id"))).toEqual([
      "customer.tax_id.created",
      "customer.tax_id.created",
      "customer.tax_id.created",
      "customer.tax_id.created",
      "customer.tax_id.deleted",
    ]);
  });

  it("expands a customer's tax ids and where automatic tax places them", async () => {
    const berlin = await stripe.customers.create({
      address: BERLIN,
      tax_id_data: [{ type: "eu_vat", value: "DE123456789" }],
    });
    await expect(
      stripe.customers.create({ tax_id_data: [{ type: "eu_vat", value: "DE1" }] }),
    ).rejects.toMatchObject({ code: "tax_id_invalid", param: "tax_id_data[0][value]" });
    const expanded = await stripe.customers.retrieve(berlin.id, { expand: ["tax", "tax_ids"] });
    expect(expanded).toMatchObject({
      tax: {
        automatic_tax: "supported",
        location: { country: "DE", state: null, source: "billing_address" },
        provider: "stripe",
      },
      tax_ids: { object: "list", data: [{ value: "DE123456789" }] },
    });
    const nowhere = await stripe.customers.create({ email: "x@example.com" });
    const unknown = await stripe.customers.retrieve(nowhere.id, { expand: ["tax"] });
    expect(unknown).toMatchObject({
      tax: { automatic_tax: "unrecognized_location", location: null },
    });
    const brazil = await stripe.customers.create({ address: { country: "BR" } });
    const br = await stripe.customers.retrieve(brazil.id, { expand: ["tax"] });
    expect(br).toMatchObject({ tax: { automatic_tax: "not_collecting" } });
  });
});

async function eurPrice(amount: number, recurring: boolean): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: "eur",
    unit_amount: amount,
    tax_behavior: "exclusive",
    ...(recurring ? { recurring: { interval: "month" as const } } : {}),
    product_data: { name: recurring ? "Pro plan" : "Handbook", tax_code: "txcd_10103001" },
  });
}

describe("automatic tax in Checkout (payment mode)", () => {
  async function taxedSession(): Promise<Stripe.Checkout.Session> {
    const price = await eurPrice(4999, false);
    return stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok",
      automatic_tax: { enabled: true },
      tax_id_collection: { enabled: true },
      // A tax id is kept on a customer: payment mode creates one only when asked.
      customer_creation: "always",
    });
  }

  it("asks for the address and charges German VAT to a consumer", async () => {
    const session = await taxedSession();
    expect(session).toMatchObject({
      automatic_tax: { enabled: true, status: "requires_location_inputs", provider: "stripe" },
      tax_id_collection: { enabled: true, required: "never" },
      amount_total: 4999,
      total_details: { amount_tax: 0 },
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Billing address line 1");
    expect(page.html).toContain("VAT number");
    const res = await payCheckoutPage(session.url ?? "", {
      email: "anna@example.de",
      billing: BERLIN,
    });
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent", "line_items"],
    });
    // 49.99 × 19 % = 9.4981 → 9.50 (half away from zero, per line).
    expect(done).toMatchObject({
      status: "complete",
      automatic_tax: { status: "complete" },
      amount_subtotal: 4999,
      amount_total: 5949,
      total_details: { amount_tax: 950, amount_discount: 0 },
      customer_details: { address: { country: "DE" }, business_name: null, tax_ids: [] },
      payment_intent: { amount: 5949, status: "succeeded" },
    });
    expect(done.line_items?.data[0]).toMatchObject({ amount_tax: 950, amount_total: 5949 });
  });

  it("reverse charges a business with a valid VAT number and saves it on the customer", async () => {
    const session = await taxedSession();
    const bad = await payCheckoutPage(session.url ?? "", {
      email: "ap@muster.de",
      billing: BERLIN,
      business: { name: "Muster GmbH", vatNumber: "DE12" },
    });
    expect(bad.status).toBe(400);
    expect(alertText(bad.html)).toBe("Your VAT number is invalid.");
    const res = await payCheckoutPage(session.url ?? "", {
      email: "ap@muster.de",
      billing: BERLIN,
      business: { name: "Muster GmbH", vatNumber: "DE123456789" },
    });
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["customer", "customer.tax_ids"],
    });
    expect(done).toMatchObject({
      amount_total: 4999,
      total_details: { amount_tax: 0 },
      customer_details: {
        business_name: "Muster GmbH",
        tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
      },
      customer: {
        name: "Muster GmbH",
        tax_ids: { data: [{ type: "eu_vat", value: "DE123456789" }] },
      },
    });
  });
});

describe("tax on invoices", () => {
  it("applies per-item and default tax rates, inclusive and exclusive, with exact totals", async () => {
    const customer = await stripe.customers.create({ email: "rates@example.com" });
    const vat = await stripe.taxRates.create({
      display_name: "VAT",
      percentage: 19,
      inclusive: false,
    });
    const included = await stripe.taxRates.create({
      display_name: "TVA",
      percentage: 20,
      inclusive: true,
    });
    await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 10000,
      currency: "eur",
      tax_rates: [included.id],
    });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 5000, currency: "eur" });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
      default_tax_rates: [vat.id],
    });
    // 100.00 incl. 20 %: net 83.33, tax 16.67; 50.00 + 19 % = 9.50.
    expect(invoice).toMatchObject({
      subtotal: 15000,
      subtotal_excluding_tax: 13333,
      total: 15950,
      total_excluding_tax: 13333,
      amount_due: 15950,
      default_tax_rates: [{ id: vat.id }],
    });
    const taxes = invoice.lines.data.map((l) => l.taxes);
    expect(taxes).toEqual([
      [
        {
          amount: 1667,
          tax_behavior: "inclusive",
          tax_rate_details: { tax_rate: included.id },
          taxability_reason: "not_available",
          taxable_amount: 8333,
          type: "tax_rate_details",
        },
      ],
      [
        {
          amount: 950,
          tax_behavior: "exclusive",
          tax_rate_details: { tax_rate: vat.id },
          taxability_reason: "not_available",
          taxable_amount: 5000,
          type: "tax_rate_details",
        },
      ],
    ]);
    expect(invoice.total_taxes?.map((t) => t.amount)).toEqual([1667, 950]);
    const archived = await stripe.taxRates.update(vat.id, { active: false });
    await expect(
      stripe.invoices.create({ customer: customer.id, default_tax_rates: [archived.id] }),
    ).rejects.toMatchObject({ statusCode: 400, param: "default_tax_rates[0]" });
  });

  it("computes automatic tax after discounts, per line, from the customer's address", async () => {
    const customer = await stripe.customers.create({ address: BERLIN });
    const price = await eurPrice(2999, false);
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: "once" });
    await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: price.id } });
    const exempt = await stripe.prices.create({
      currency: "eur",
      unit_amount: 500,
      tax_behavior: "exclusive",
      product_data: { name: "Donation", tax_code: "txcd_00000000" },
    });
    await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: exempt.id } });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
      automatic_tax: { enabled: true },
      discounts: [{ coupon: coupon.id }],
    });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    // 10 % of 34.99 = 3.50, spread by amount: 2.99 off the plan → 27.00 × 19 % = 5.13; the
    // donation (5.00 − 0.51) is exempt.
    expect(invoice).toMatchObject({
      automatic_tax: { enabled: true, status: "complete", provider: "stripe" },
      subtotal: 3499,
      total: 3499 - 350 + 513,
      total_excluding_tax: 3149,
    });
    const [line, donation] = invoice.lines.data;
    expect(line?.taxes?.[0]).toMatchObject({
      amount: 513,
      taxable_amount: 2700,
      taxability_reason: "standard_rated",
    });
    expect(donation?.taxes?.[0]).toMatchObject({ amount: 0, taxability_reason: "product_exempt" });
    const rate = await stripe.taxRates.retrieve(line?.taxes?.[0]?.tax_rate_details?.tax_rate ?? "");
    expect(rate).toMatchObject({
      percentage: 19,
      country: "DE",
      display_name: "VAT",
      tax_type: "vat",
    });
    // Rates automatic tax makes for itself are not the account's own.
    expect((await stripe.taxRates.list()).data).toEqual([]);
  });

  it("takes inclusive tax out of the price and reverse charges an EU business", async () => {
    const price = await stripe.prices.create({
      currency: "eur",
      unit_amount: 1200,
      tax_behavior: "inclusive",
      product_data: { name: "Seat" },
    });
    const paris = await stripe.customers.create({
      address: { country: "FR", postal_code: "75001" },
    });
    await stripe.invoiceItems.create({ customer: paris.id, pricing: { price: price.id } });
    const consumer = await stripe.invoices.create({
      customer: paris.id,
      pending_invoice_items_behavior: "include",
      automatic_tax: { enabled: true },
    });
    expect(consumer).toMatchObject({
      total: 1200,
      total_excluding_tax: 1000,
      subtotal_excluding_tax: 1000,
    });
    expect(consumer.total_taxes).toMatchObject([
      { amount: 200, tax_behavior: "inclusive", taxability_reason: "standard_rated" },
    ]);

    const business = await stripe.customers.create({ address: { country: "FR" } });
    await stripe.customers.createTaxId(business.id, { type: "eu_vat", value: "FRAB123456789" });
    await stripe.invoiceItems.create({ customer: business.id, pricing: { price: price.id } });
    const b2b = await stripe.invoices.create({
      customer: business.id,
      pending_invoice_items_behavior: "include",
      automatic_tax: { enabled: true },
    });
    expect(b2b).toMatchObject({
      total: 1200,
      total_excluding_tax: 1200,
      customer_tax_ids: [{ type: "eu_vat", value: "FRAB123456789" }],
    });
    expect(b2b.total_taxes).toMatchObject([{ amount: 0, taxability_reason: "reverse_charge" }]);
  });
});

describe("tax on subscriptions", () => {
  async function subscribeThroughCheckout(business?: {
    name: string;
    vatNumber: string;
  }): Promise<Stripe.Invoice> {
    const price = await eurPrice(2000, true);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/ok",
      automatic_tax: { enabled: true },
      tax_id_collection: { enabled: true },
    });
    const res = await payCheckoutPage(session.url ?? "", {
      email: business ? "ap@muster.de" : "anna@example.de",
      billing: BERLIN,
      ...(business ? { business } : {}),
    });
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription", "invoice"],
    });
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.automatic_tax).toEqual({
      disabled_reason: null,
      enabled: true,
      liability: { type: "self" },
    });
    const invoice = done.invoice as Stripe.Invoice;
    expect(done.amount_total).toBe(invoice.amount_paid);
    return invoice;
  }

  it("charges a German consumer 19 % on the first invoice", async () => {
    const invoice = await subscribeThroughCheckout();
    expect(invoice).toMatchObject({
      status: "paid",
      automatic_tax: { enabled: true, status: "complete" },
      subtotal: 2000,
      total_excluding_tax: 2000,
      total: 2380,
      amount_paid: 2380,
      customer_tax_ids: [],
    });
    expect(invoice.total_taxes).toMatchObject([
      { amount: 380, taxable_amount: 2000, taxability_reason: "standard_rated" },
    ]);
    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.html).toMatch(/Tax \(19%\)<\/td><td class="num">€3\.80/);
  });

  it("reverse charges a German business with a valid VAT number", async () => {
    const invoice = await subscribeThroughCheckout({
      name: "Muster GmbH",
      vatNumber: "DE123456789",
    });
    expect(invoice).toMatchObject({
      status: "paid",
      customer_name: "Muster GmbH",
      customer_tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
      total: 2000,
      amount_paid: 2000,
    });
    expect(invoice.total_taxes).toMatchObject([
      { amount: 0, taxable_amount: 2000, taxability_reason: "reverse_charge" },
    ]);
    expect(invoice.lines.data[0]?.taxes?.[0]?.taxability_reason).toBe("reverse_charge");
    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.html).toContain("VAT reverse charge");
    expect(page.html).toContain("VAT DE123456789");
  });

  it("needs a location for automatic tax, and taxes prorations like any line", async () => {
    const nowhere = await stripe.customers.create({ email: "x@example.com" });
    const price = await eurPrice(2000, true);
    await expect(
      stripe.subscriptions.create({
        customer: nowhere.id,
        items: [{ price: price.id }],
        automatic_tax: { enabled: true },
      }),
    ).rejects.toMatchObject({ statusCode: 400, code: "customer_tax_location_invalid" });

    const customer = await stripe.customers.create({
      address: { country: "NL", postal_code: "1011" },
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      automatic_tax: { enabled: true },
    });
    const bigger = await eurPrice(5000, true);
    emu.advanceClock(15 * 86400);
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]?.id ?? "", price: bigger.id }],
      proration_behavior: "always_invoice",
      expand: ["latest_invoice"],
    });
    const proration = updated.latest_invoice as Stripe.Invoice;
    const net = proration.lines.data.reduce((s, l) => s + l.amount, 0);
    // Each proration line is taxed at NL's 21 %, the credit line negatively.
    for (const line of proration.lines.data) {
      expect(line.taxes?.[0]).toMatchObject({ taxability_reason: "standard_rated" });
      expect(line.taxes?.[0]?.amount).toBe(Math.round((line.amount * 21) / 100));
    }
    expect(proration.total).toBe(
      net + proration.lines.data.reduce((s, l) => s + (l.taxes?.[0]?.amount ?? 0), 0),
    );
  });

  it("applies a subscription's default tax rates to its invoices", async () => {
    const customer = await stripe.customers.create({
      payment_method: "pm_card_visa",
      invoice_settings: { default_payment_method: "pm_card_visa" },
    });
    const gst = await stripe.taxRates.create({
      display_name: "GST",
      percentage: 10,
      inclusive: false,
    });
    const price = await eurPrice(1999, true);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_tax_rates: [gst.id],
      expand: ["latest_invoice"],
    });
    expect(sub.default_tax_rates?.map((r) => r.id)).toEqual([gst.id]);
    // 19.99 × 10 % = 1.999 → 2.00.
    expect(sub.latest_invoice).toMatchObject({ total: 2199, default_tax_rates: [{ id: gst.id }] });

    // An item's own rates replace the defaults on its lines.
    const vat = await stripe.taxRates.create({
      display_name: "VAT",
      percentage: 19,
      inclusive: false,
    });
    const seat = await eurPrice(500, true);
    const mixed = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }, { price: seat.id, quantity: 2, tax_rates: [vat.id] }],
      default_tax_rates: [gst.id],
      expand: ["latest_invoice"],
    });
    expect(mixed.items.data[1]?.tax_rates?.map((r) => r.id)).toEqual([vat.id]);
    const invoice = mixed.latest_invoice as Stripe.Invoice;
    expect(
      invoice.lines.data.map((l) => l.taxes?.map((t) => [t.tax_rate_details?.tax_rate, t.amount])),
    ).toEqual([[[gst.id, 200]], [[vat.id, 190]]]);
    expect(invoice.total).toBe(1999 + 200 + 1000 + 190);
  });
});
