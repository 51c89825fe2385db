import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: 9 } });
});
afterAll(async () => emu.stop());

const junk = ["", "x", "-1", "0", "99999999999999999999", "now", "true", "[]", "a[b]"];

it("answers junk parameters on billing endpoints with 4xx, never 500", async () => {
  const s = emu.stripe();
  const product = await s.products.create({ name: "P" });
  const price = await s.prices.create({
    product: product.id,
    unit_amount: 100,
    currency: "usd",
    recurring: { interval: "month" },
  });
  const c = await s.customers.create({});
  const pm = await s.paymentMethods.attach("pm_card_visa", { customer: c.id });
  const sub = await s.subscriptions.create({
    customer: c.id,
    items: [{ price: price.id }],
    default_payment_method: pm.id,
  });
  const inv = sub.latest_invoice as string;
  const item = sub.items.data[0]!.id;
  const targets: [string, string, string[]][] = [
    [
      "POST",
      "/v1/subscriptions",
      [
        "customer",
        "items[0][price]",
        "items[0][quantity]",
        "trial_end",
        "trial_period_days",
        "billing_cycle_anchor",
        "cancel_at",
        "discounts[0][coupon]",
        "collection_method",
        "days_until_due",
        "payment_behavior",
        "add_invoice_items[0][price]",
        "items[0][price_data][currency]",
      ],
    ],
    [
      "POST",
      `/v1/subscriptions/${sub.id}`,
      [
        "items[0][id]",
        "items[0][price]",
        "items[0][deleted]",
        "proration_date",
        "proration_behavior",
        "trial_end",
        "cancel_at",
        "cancel_at_period_end",
        "pause_collection[behavior]",
        "billing_cycle_anchor",
        "default_payment_method",
        "metadata[a]",
      ],
    ],
    [
      "DELETE",
      `/v1/subscriptions/${sub.id}`,
      ["invoice_now", "prorate", "cancellation_details[feedback]"],
    ],
    [
      "POST",
      "/v1/invoices/create_preview",
      [
        "customer",
        "subscription",
        "subscription_details[items][0][price]",
        "subscription_details[proration_date]",
        "subscription_details[items][0][id]",
      ],
    ],
    ["POST", `/v1/invoices/${inv}/pay`, ["payment_method", "paid_out_of_band"]],
    ["POST", "/v1/invoices", ["customer", "days_until_due", "collection_method", "subscription"]],
    ["POST", "/v1/invoiceitems", ["customer", "amount", "currency", "price", "invoice"]],
    ["POST", `/v1/subscription_items/${item}`, ["price", "quantity", "proration_date"]],
    ["POST", "/v1/subscription_items", ["subscription", "price", "quantity"]],
    ["POST", "/v1/test_helpers/test_clocks", ["frozen_time", "name"]],
    ["GET", "/v1/subscriptions", ["status", "created", "customer", "price", "current_period_end"]],
    ["GET", "/v1/invoices", ["status", "subscription", "due_date"]],
  ];
  let seen = 0;
  for (const [method, path, fields] of targets) {
    for (const field of fields) {
      for (const value of junk) {
        const body = new URLSearchParams({ [field]: value }).toString();
        const url = method === "POST" ? `${emu.url}${path}` : `${emu.url}${path}?${body}`;
        const res = await fetch(url, {
          method,
          headers: {
            authorization: "Bearer sk_test_x",
            "content-type": "application/x-www-form-urlencoded",
          },
          ...(method === "POST" || method === "DELETE" ? { body } : {}),
        });
        seen++;
        if (res.status >= 500) console.log("500!", method, path, field, value, await res.text());
        expect(res.status, `${method} ${path} ${field}=${value}`).toBeLessThan(500);
      }
    }
  }
  expect(seen).toBeGreaterThan(100);
  // Hundreds of requests in a row: seconds on a busy CI machine, not a performance check.
}, 60_000);
