import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { fixture, missingKeys } from "./sdk-shape.ts";

/**
 * Billing meters through the official SDK: meters, meter events (identifier dedupe, async
 * validation), event summaries, metered prices, and the metered line a renewal invoice
 * carries for the period that ended.
 */

const DAY = 86_400;
const START = Date.UTC(2026, 0, 1) / 1000;

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "meters", start: START } });
  stripe = emu.stripe("sk_test_meters", { maxNetworkRetries: 0 });
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

const apiCalls = (extra: Partial<Stripe.Billing.MeterCreateParams> = {}) =>
  stripe.billing.meters.create({
    display_name: "API calls",
    event_name: "api_call",
    default_aggregation: { formula: "sum" },
    ...extra,
  });

const report = (
  customer: string,
  value: number,
  extra: Partial<Stripe.Billing.MeterEventCreateParams> = {},
) =>
  stripe.billing.meterEvents.create({
    event_name: "api_call",
    payload: { stripe_customer_id: customer, value: String(value) },
    ...extra,
  });

async function summary(meter: string, customer: string, start: number, end: number) {
  const list = await stripe.billing.meters.listEventSummaries(meter, {
    customer,
    start_time: start,
    end_time: end,
  });
  return list.data[0]?.aggregated_value;
}

describe("billing meters", () => {
  it("creates with Stripe's defaults and shape; only display_name changes; status round-trips", async () => {
    const meter = await apiCalls();
    expect(meter).toMatchObject({
      object: "billing.meter",
      status: "active",
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
      event_time_window: null,
      status_transitions: { deactivated_at: null },
      created: START,
    });
    expect(missingKeys("billing.meter", "Meter", meter, "Billing")).toEqual([]);
    await expect(apiCalls({ display_name: "again" })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "event_name",
    });
    const renamed = await stripe.billing.meters.update(meter.id, { display_name: "Calls" });
    expect(renamed.display_name).toBe("Calls");
    await expect(
      stripe.billing.meters.update(meter.id, {
        event_name: "x",
      } as Stripe.Billing.MeterUpdateParams),
    ).rejects.toMatchObject({ param: "event_name" });
    const off = await stripe.billing.meters.deactivate(meter.id);
    expect(off).toMatchObject({
      status: "inactive",
      status_transitions: { deactivated_at: START },
    });
    expect((await stripe.billing.meters.list({ status: "active" })).data).toEqual([]);
    const on = await stripe.billing.meters.reactivate(meter.id);
    expect(on.status).toBe("active");
    expect((await stripe.billing.meters.retrieve(meter.id)).display_name).toBe("Calls");
    const types = (await stripe.events.list()).data.map((e) => e.type).reverse();
    expect(types).toEqual([
      "billing.meter.created",
      "billing.meter.updated",
      "billing.meter.deactivated",
      "billing.meter.reactivated",
    ]);
    await expect(stripe.billing.meters.retrieve("mtr_nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("dedupes meter events by identifier: the repeat is a 400 and counts once", async () => {
    const meter = await apiCalls();
    const customer = await stripe.customers.create({ email: "m@example.com" });
    const event = await report(customer.id, 25, { identifier: "usage-1" });
    expect(event).toEqual({
      object: "billing.meter_event",
      created: START,
      event_name: "api_call",
      identifier: "usage-1",
      livemode: false,
      payload: { stripe_customer_id: customer.id, value: "25" },
      timestamp: START,
    });
    expect(missingKeys("billing.meter_event", "MeterEvent", event, "Billing")).toEqual([]);
    await expect(report(customer.id, 25, { identifier: "usage-1" })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      message: "An event already exists with identifier usage-1.",
    });
    const generated = await report(customer.id, 5);
    expect(generated.identifier).toMatch(/^idmp_/);
    expect(await summary(meter.id, customer.id, START, START + 60)).toBe(30);
  });

  it("accepts but never counts events Stripe rejects asynchronously", async () => {
    const meter = await apiCalls();
    const customer = await stripe.customers.create({ email: "m@example.com" });
    await report("cus_unknown", 1);
    await report(customer.id, 1, { timestamp: START - 36 * DAY });
    await report(customer.id, 1, { timestamp: START + 600 });
    await stripe.billing.meterEvents.create({
      event_name: "api_call",
      payload: { stripe_customer_id: customer.id, value: "many" },
    });
    await stripe.billing.meterEvents.create({
      event_name: "not_a_meter",
      payload: { stripe_customer_id: customer.id, value: "1" },
    });
    await report(customer.id, 2);
    expect(await summary(meter.id, customer.id, START - 40 * DAY, START + DAY)).toBe(2);
  });

  it("aggregates sum, count and last, and pre-aggregated windows keep the latest event", async () => {
    const customer = await stripe.customers.create({ email: "m@example.com" });
    const sum = await apiCalls();
    const count = await stripe.billing.meters.create({
      display_name: "Logins",
      event_name: "login",
      default_aggregation: { formula: "count" },
    });
    const last = await stripe.billing.meters.create({
      display_name: "Seats",
      event_name: "seats",
      default_aggregation: { formula: "last" },
      customer_mapping: { event_payload_key: "who", type: "by_id" },
      value_settings: { event_payload_key: "n" },
    });
    const hourly = await stripe.billing.meters.create({
      display_name: "Storage",
      event_name: "storage",
      default_aggregation: { formula: "sum" },
      event_time_window: "hour",
    });
    emu.setClock(START + 2 * DAY);
    const at = (d: number) => START + d * DAY;
    for (const [value, d] of [
      [3, 0],
      [4, 1],
      [0.5, 1],
    ] as const)
      await report(customer.id, value, { timestamp: at(d) });
    for (const d of [0, 0, 1]) {
      await stripe.billing.meterEvents.create({
        event_name: "login",
        payload: { stripe_customer_id: customer.id },
        timestamp: at(d),
      });
    }
    for (const [n, d] of [
      [7, 1],
      [5, 0],
    ] as const) {
      await stripe.billing.meterEvents.create({
        event_name: "seats",
        payload: { who: customer.id, n: String(n) },
        timestamp: at(d),
      });
    }
    for (const value of ["10", "12"]) {
      await stripe.billing.meterEvents.create({
        event_name: "storage",
        payload: { stripe_customer_id: customer.id, value },
        timestamp: at(1) + 60,
      });
    }
    expect(await summary(sum.id, customer.id, at(0), at(2))).toBe(7.5);
    expect(await summary(count.id, customer.id, at(0), at(2))).toBe(3);
    expect(await summary(last.id, customer.id, at(0), at(2))).toBe(7);
    expect(await summary(hourly.id, customer.id, at(0), at(2))).toBe(12);
    const daily = await stripe.billing.meters.listEventSummaries(sum.id, {
      customer: customer.id,
      start_time: at(0),
      end_time: at(2),
      value_grouping_window: "day",
    });
    expect(daily.data.map((s) => [s.start_time, s.aggregated_value])).toEqual([
      [at(1), 4.5],
      [at(0), 3],
    ]);
    // (sdkKeys cannot read this interface: it opens its .d.ts file.)
    expect(Object.keys(daily.data[0]!).sort()).toEqual(
      Object.keys(fixture("billing.meter_event_summary")).sort(),
    );
    await expect(
      stripe.billing.meters.listEventSummaries(sum.id, {
        customer: customer.id,
        start_time: at(0) + 30,
        end_time: at(1),
      }),
    ).rejects.toMatchObject({ param: "start_time" });
  });
});

describe("metered prices", () => {
  it("need an active meter", async () => {
    const product = await stripe.products.create({ name: "API" });
    const recurring = { interval: "month", usage_type: "metered" } as const;
    await expect(
      stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 1, recurring }),
    ).rejects.toMatchObject({ param: "recurring[meter]" });
    const meter = await apiCalls();
    await stripe.billing.meters.deactivate(meter.id);
    await expect(
      stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 1,
        recurring: { ...recurring, meter: meter.id },
      }),
    ).rejects.toMatchObject({ param: "recurring[meter]" });
    await stripe.billing.meters.reactivate(meter.id);
    const price = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1,
      recurring: { ...recurring, meter: meter.id },
    });
    expect(price.recurring).toMatchObject({ usage_type: "metered", meter: meter.id });
    const listed = await stripe.prices.list({ recurring: { meter: meter.id } });
    expect(listed.data.map((p) => p.id)).toEqual([price.id]);
  });
});

describe("metered subscription items", () => {
  /** A customer on a test clock frozen at START, paying by a default Visa card. */
  async function customerWithCard() {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
    const customer = await stripe.customers.create({
      email: "m@example.com",
      test_clock: clock.id,
    });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    return { clock, customer };
  }
  async function waitReady(id: string) {
    for (let i = 0; i < 500; i++) {
      if ((await stripe.testHelpers.testClocks.retrieve(id)).status === "ready") return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("test clock never became ready");
  }
  async function advance(id: string, to: number) {
    await stripe.testHelpers.testClocks.advance(id, { frozen_time: to });
    await waitReady(id);
  }

  it("bills the ended period's aggregated usage on the renewal invoice, in arrears", async () => {
    const meter = await apiCalls();
    const { clock, customer } = await customerWithCard();
    const product = await stripe.products.create({ name: "API" });
    const base = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1000,
      recurring: { interval: "month" },
    });
    const usage = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount_decimal: Stripe.Decimal.from("0.5"),
      recurring: { interval: "month", usage_type: "metered", meter: meter.id },
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: base.id }, { price: usage.id }],
    });
    const first = await stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(first.amount_paid).toBe(1000);
    const usageLine = (inv: Stripe.Invoice) =>
      inv.lines.data.find((l) => l.pricing?.price_details?.price === usage.id);
    expect(usageLine(first)).toMatchObject({ amount: 0, quantity: 0 });

    await report(customer.id, 100, { identifier: "a" });
    await advance(clock.id, START + 10 * DAY);
    await report(customer.id, 250, { identifier: "b" });
    await expect(report(customer.id, 250, { identifier: "b" })).rejects.toMatchObject({
      statusCode: 400,
    });
    await report(customer.id, 50);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(usageLine(preview)).toMatchObject({ quantity: 400, amount: 200 });

    const end = sub.items.data[0]!.current_period_end;
    await advance(clock.id, end - 60);
    await report(customer.id, 1000, { timestamp: end + 30 });
    await advance(clock.id, end + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      amount_paid: 1000 + 200,
    });
    expect(usageLine(invoice)).toMatchObject({
      quantity: 400,
      amount: 200,
      period: { start: START, end },
    });
    const licensed = invoice.lines.data.find((l) => l.pricing?.price_details?.price === base.id);
    expect(licensed).toMatchObject({ amount: 1000, period: { start: end } });
  });

  it("does not prorate a metered item added mid-period", async () => {
    const meter = await apiCalls();
    const customer = await stripe.customers.create({ email: "m@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    const product = await stripe.products.create({ name: "API" });
    const base = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1000,
      recurring: { interval: "month" },
    });
    const usage = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 2,
      recurring: { interval: "month", usage_type: "metered", meter: meter.id },
    });
    // A new subscription's first invoice, previewed: the metered price bills nothing yet.
    const first = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: base.id }, { price: usage.id }] },
    });
    expect(first.lines.data.map((l) => [l.quantity, l.amount])).toEqual([
      [1, 1000],
      [0, 0],
    ]);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: base.id }],
    });
    emu.advanceClock(10 * DAY);
    await stripe.subscriptionItems.create({ subscription: sub.id, price: usage.id });
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toEqual([]);
  });

  it("a new billing cycle bills the usage of the period cut short, and nothing in advance for metered items", async () => {
    const meter = await apiCalls();
    const customer = await stripe.customers.create({ email: "m@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    const product = await stripe.products.create({ name: "API" });
    const price = (interval: "month" | "year", extra: Partial<Stripe.PriceCreateParams>) =>
      stripe.prices.create({
        product: product.id,
        currency: "usd",
        ...extra,
        recurring: { interval, ...extra.recurring },
      });
    const monthly = await price("month", { unit_amount: 1000 });
    const yearly = await price("year", { unit_amount: 10000 });
    const metered = { usage_type: "metered", meter: meter.id } as const;
    const usageM = await price("month", {
      unit_amount: 2,
      recurring: { interval: "month", ...metered },
    });
    const usageY = await price("year", {
      unit_amount: 1,
      recurring: { interval: "year", ...metered },
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }, { price: usageM.id }],
    });
    emu.advanceClock(5 * DAY);
    await report(customer.id, 300);
    emu.advanceClock(5 * DAY);
    const [base, usage] = sub.items.data;
    const details = {
      items: [
        { id: base!.id, price: yearly.id },
        { id: usage!.id, price: usageY.id },
      ],
      proration_behavior: "always_invoice" as const,
    };
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: details,
    });
    const updated = await stripe.subscriptions.update(sub.id, details);
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
    const line = (inv: Stripe.Invoice, p: string) =>
      inv.lines.data.filter((l) => l.pricing?.price_details?.price === p).map((l) => l.amount);
    expect(line(invoice, usageM.id)).toEqual([600]);
    expect(line(invoice, usageY.id)).toEqual([0]);
    expect(line(invoice, yearly.id)).toEqual([10000]);
    expect(invoice.total).toBe(preview.total);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual(
      preview.lines.data.map((l) => l.amount),
    );
  });

  it("a schedule phase that drops a metered price at renewal still bills the ended period's usage", async () => {
    const meter = await apiCalls();
    const { clock, customer } = await customerWithCard();
    const product = await stripe.products.create({ name: "API" });
    const recurring = { interval: "month" } as const;
    const [team, basic, usage] = await Promise.all([
      stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2000, recurring }),
      stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 500, recurring }),
      stripe.prices.create({
        product: product.id,
        currency: "usd",
        unit_amount: 3,
        recurring: { ...recurring, usage_type: "metered", meter: meter.id },
      }),
    ]);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: team.id }, { price: usage.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        {
          items: [{ price: team.id, quantity: 1 }, { price: usage.id }],
          start_date: START,
          end_date: end,
        },
        { items: [{ price: basic.id, quantity: 1 }], duration: { interval: "month" } },
      ],
    });
    await advance(clock.id, START + 5 * DAY);
    await report(customer.id, 40);
    await advance(clock.id, end + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data.map((i) => i.price.id)).toEqual([basic.id]);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(
      invoice.lines.data.map((l) => [l.pricing?.price_details?.price, l.amount, l.period.start]),
    ).toEqual([
      [basic.id, 500, end],
      [usage.id, 120, START],
    ]);
  });

  it.each(["classic", "flexible", "migrated"] as const)(
    "a metered price swapped mid-period bills usage from the swap on; %s mode",
    async (mode) => {
      const meter = await apiCalls();
      const { clock, customer } = await customerWithCard();
      const product = await stripe.products.create({ name: "API" });
      const metered = { interval: "month", usage_type: "metered", meter: meter.id } as const;
      const [base, oldUsage, newUsage] = await Promise.all([
        stripe.prices.create({
          product: product.id,
          currency: "usd",
          unit_amount: 1000,
          recurring: { interval: "month" },
        }),
        stripe.prices.create({
          product: product.id,
          currency: "usd",
          unit_amount: 3,
          recurring: metered,
        }),
        stripe.prices.create({
          product: product.id,
          currency: "usd",
          unit_amount: 1,
          recurring: metered,
        }),
      ]);
      const sub = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: base.id }, { price: oldUsage.id }],
        billing_mode: { type: mode === "flexible" ? "flexible" : "classic" },
      });
      if (mode === "migrated") {
        // A classic subscription moved to flexible billing mode (one way).
        const migrated = await stripe.subscriptions.migrate(sub.id, {
          billing_mode: { type: "flexible" },
        });
        expect(migrated.billing_mode).toMatchObject({ type: "flexible", updated_at: START });
      }
      expect((await stripe.subscriptions.retrieve(sub.id)).billing_mode.type).toBe(
        mode === "classic" ? "classic" : "flexible",
      );
      await advance(clock.id, START + 5 * DAY);
      await report(customer.id, 40);
      await advance(clock.id, START + 10 * DAY);
      const details = {
        items: [{ id: sub.items.data[1]!.id, price: newUsage.id }],
        proration_behavior: "always_invoice" as const,
      };
      const preview = await stripe.invoices.createPreview({
        subscription: sub.id,
        subscription_details: details,
      });
      const updated = await stripe.subscriptions.update(sub.id, details);
      const amounts = (inv: Stripe.Invoice) =>
        inv.lines.data.map((l) => [l.pricing?.price_details?.price, l.quantity, l.amount]);
      if (mode !== "classic") {
        // The old price bills its usage so far at once, on the update's invoice.
        const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
        expect(amounts(invoice)).toEqual([[oldUsage.id, 40, 120]]);
        expect(amounts(preview)).toEqual(amounts(invoice));
      } else {
        // Classic: usage before the switch is not billed; nothing is invoiced now, and the
        // preview is the renewal, where the new price has counted nothing yet.
        expect(updated.latest_invoice).toBe(sub.latest_invoice);
        expect(amounts(preview)).toEqual([
          [base.id, 1, 1000],
          [newUsage.id, 0, 0],
        ]);
      }
      await report(customer.id, 7);
      const end = sub.items.data[0]!.current_period_end;
      await advance(clock.id, end + 2 * 3600);
      const renewed = await stripe.subscriptions.retrieve(sub.id);
      const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
      expect(amounts(invoice)).toEqual([
        [base.id, 1, 1000],
        [newUsage.id, 7, 7],
      ]);
    },
  );
});
