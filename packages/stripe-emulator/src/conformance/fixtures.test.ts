import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { missingKeys, sdkKeys } from "./sdk-shape.ts";

/**
 * Cross-check against Stripe's official fixtures (one API version older): every top-level
 * key a fixture has that the installed SDK's type still declares must be present on the
 * emulator's object. SDK keys are derived from the .d.ts files (see sdk-shape.ts).
 */
let emu: EmulatorHandle;
let stripe: Stripe;
const samples = new Map<string, { iface: string; object: object; file?: string }>();

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "fixtures" } });
  stripe = emu.stripe("sk_test_fixtures", { maxNetworkRetries: 0 });
  const endpoint = await stripe.webhookEndpoints.create({
    url: "http://127.0.0.1:9/unused",
    enabled_events: ["*"],
  });
  await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
  const customer = await stripe.customers.create({ email: "f@example.com" });
  const cbtxn = await stripe.customers.createBalanceTransaction(customer.id, {
    amount: -500,
    currency: "usd",
  });
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 2000,
    recurring: { interval: "month" },
    product_data: { name: "T-shirt" },
  });
  const product = await stripe.products.retrieve(price.product as string);
  const coupon = await stripe.coupons.create({ percent_off: 25, duration: "once" });
  const promo = await stripe.promotionCodes.create({
    promotion: { type: "coupon", coupon: coupon.id },
  });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const pi = await stripe.paymentIntents.create({
    amount: 1099,
    currency: "usd",
    customer: customer.id,
    payment_method: pm.id,
    confirm: true,
  });
  const charge = await stripe.charges.retrieve(pi.latest_charge as string);
  const refund = await stripe.refunds.create({ charge: charge.id, amount: 100 });
  const si = await stripe.setupIntents.create({ customer: customer.id });
  const disputed = await stripe.paymentIntents.create({
    amount: 1000,
    currency: "usd",
    payment_method: "pm_card_createDispute",
    confirm: true,
  });
  const dispute = (await stripe.disputes.list({ payment_intent: disputed.id })).data[0]!;
  const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
  const event = (await stripe.events.list({ limit: 1 })).data[0]!;
  const webhook = await stripe.webhookEndpoints.retrieve(endpoint.id);

  samples.set("customer", { iface: "Customer", object: customer, file: "/Customers.d.ts" });
  samples.set("customer_balance_transaction", {
    iface: "CustomerBalanceTransaction",
    object: cbtxn,
  });
  samples.set("product", { iface: "Product", object: product, file: "/Products.d.ts" });
  samples.set("price", { iface: "Price", object: price, file: "/Prices.d.ts" });
  samples.set("coupon", { iface: "Coupon", object: coupon, file: "/Coupons.d.ts" });
  samples.set("promotion_code", { iface: "PromotionCode", object: promo });
  samples.set("payment_method", {
    iface: "PaymentMethod",
    object: pm,
    file: "/PaymentMethods.d.ts",
  });
  samples.set("payment_intent", {
    iface: "PaymentIntent",
    object: pi,
    file: "/PaymentIntents.d.ts",
  });
  samples.set("setup_intent", { iface: "SetupIntent", object: si, file: "/SetupIntents.d.ts" });
  samples.set("charge", { iface: "Charge", object: charge, file: "/Charges.d.ts" });
  samples.set("refund", { iface: "Refund", object: refund, file: "/Refunds.d.ts" });
  samples.set("dispute", { iface: "Dispute", object: dispute, file: "/Disputes.d.ts" });
  samples.set("balance_transaction", {
    iface: "BalanceTransaction",
    object: txn,
    file: "/BalanceTransactions.d.ts",
  });
  samples.set("event", { iface: "EventBase", object: event, file: "/Events.d.ts" });
  samples.set("webhook_endpoint", {
    iface: "WebhookEndpoint",
    object: webhook,
    file: "/WebhookEndpoints.d.ts",
  });
});
afterAll(() => emu.stop());

describe("fixtures cross-check", () => {
  it("derives SDK keys from the installed types", () => {
    const keys = sdkKeys("Customer", "/Customers.d.ts");
    expect(keys.has("invoice_settings")).toBe(true);
    expect(keys.has("object")).toBe(true);
    // A key the SDK no longer declares is not demanded even if the fixture has it.
    expect(keys.has("not_a_field")).toBe(false);
    // The check can fail: a bare object misses the fixture's keys.
    expect(missingKeys("customer", "Customer", { id: "cus_1", object: "customer" })).toEqual(
      expect.arrayContaining(["balance", "invoice_settings", "metadata"]),
    );
  });

  it.each([
    "customer",
    "customer_balance_transaction",
    "product",
    "price",
    "coupon",
    "promotion_code",
    "payment_method",
    "payment_intent",
    "setup_intent",
    "charge",
    "refund",
    "dispute",
    "balance_transaction",
    "event",
    "webhook_endpoint",
  ])("%s has every fixture key the SDK type still has", (type) => {
    const sample = samples.get(type)!;
    expect((sample.object as { object: string }).object).toBe(type);
    expect(missingKeys(type, sample.iface, sample.object, sample.file)).toEqual([]);
  });
});
