import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { missingKeys } from "./sdk-shape.ts";

/**
 * Subscription schedules through the official SDK: taking over a subscription, a downgrade
 * at period end (and cancelling it), phase transitions on the emulator clock and on test
 * clocks, end behaviours, cancel/release, Stripe's validation errors and invoice previews.
 */

const DAY = 86_400;
const START = Date.UTC(2026, 0, 1) / 1000;
const FEB_1 = Date.UTC(2026, 1, 1) / 1000;
const MAR_1 = Date.UTC(2026, 2, 1) / 1000;

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "schedules", start: START } });
  stripe = emu.stripe("sk_test_schedules", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(async () => {
  await emu.reset();
});

/** Pro (3000) and Plus (1000) monthly, Pro yearly (30000). */
async function catalog() {
  const product = await stripe.products.create({ name: "Folio" });
  const price = (unit_amount: number, interval: "month" | "year" = "month") =>
    stripe.prices.create({
      product: product.id,
      unit_amount,
      currency: "usd",
      recurring: { interval },
    });
  return { pro: await price(3000), plus: await price(1000), proYearly: await price(30000, "year") };
}

async function customerWithCard(extra: Stripe.CustomerCreateParams = {}) {
  const customer = await stripe.customers.create({ email: "sched@example.com", ...extra });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  return customer;
}

async function subscribed(price: string, extra: Stripe.CustomerCreateParams = {}) {
  const customer = await customerWithCard(extra);
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price }] });
  expect(sub.status).toBe("active");
  return { customer, sub };
}

/** The client call that schedules "change to `price` at period end". */
async function scheduleChange(subId: string, price: string): Promise<Stripe.SubscriptionSchedule> {
  const schedule = await stripe.subscriptionSchedules.create({ from_subscription: subId });
  const current = schedule.phases[0]!;
  return stripe.subscriptionSchedules.update(schedule.id, {
    end_behavior: "release",
    proration_behavior: "none",
    phases: [
      {
        items: current.items.map((i) => ({ price: i.price as string, quantity: i.quantity })),
        start_date: current.start_date,
        end_date: current.end_date,
      },
      { items: [{ price, quantity: 1 }], proration_behavior: "none" },
    ],
  });
}

async function eventsOf(prefix: string): Promise<Stripe.Event[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  return all.reverse().filter((e) => e.type.startsWith(prefix));
}

async function waitReady(clockId: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await stripe.testHelpers.testClocks.retrieve(clockId)).status === "ready") return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("test clock never became ready");
}

describe("subscription schedules: from_subscription", () => {
  it("takes over the subscription with one phase for the current period, end_behavior release", async () => {
    const { pro } = await catalog();
    const { customer, sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(schedule).toMatchObject({
      object: "subscription_schedule",
      status: "active",
      customer: customer.id,
      subscription: sub.id,
      end_behavior: "release",
      current_phase: { start_date: START, end_date: FEB_1 },
      released_subscription: null,
      test_clock: null,
    });
    expect(schedule.id).toMatch(/^sub_sched_/);
    expect(schedule.phases).toHaveLength(1);
    expect(schedule.phases[0]).toMatchObject({
      start_date: START,
      end_date: FEB_1,
      currency: "usd",
      proration_behavior: "create_prorations",
      items: [{ price: pro.id, plan: pro.id, quantity: 1 }],
    });
    expect(missingKeys("subscription_schedule", "SubscriptionSchedule", schedule)).toEqual([]);

    const withSchedule = await stripe.subscriptions.retrieve(sub.id, { expand: ["schedule"] });
    expect((withSchedule.schedule as Stripe.SubscriptionSchedule).id).toBe(schedule.id);
    const expanded = await stripe.subscriptionSchedules.retrieve(schedule.id, {
      expand: ["subscription", "phases.items.price"],
    });
    expect((expanded.subscription as Stripe.Subscription).schedule).toBe(schedule.id);
    expect((expanded.phases[0]!.items[0]!.price as Stripe.Price).unit_amount).toBe(3000);

    const events = await eventsOf("");
    const created = events.findIndex((e) => e.type === "subscription_schedule.created");
    const updated = events.at(-1)!;
    expect(created).toBeGreaterThan(-1);
    expect(updated.type).toBe("customer.subscription.updated");
    expect(updated.data.previous_attributes).toEqual({ schedule: null });
  });

  it("refuses a second schedule, other parameters, and an ended subscription", async () => {
    const { pro } = await catalog();
    const { customer, sub } = await subscribed(pro.id);
    await expect(
      stripe.subscriptionSchedules.create({
        from_subscription: sub.id,
        phases: [{ items: [{ price: pro.id }] }],
      }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "phases" });
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await expect(
      stripe.subscriptionSchedules.create({ from_subscription: sub.id }),
    ).rejects.toMatchObject({
      param: "from_subscription",
      message: `You cannot migrate a subscription that is already attached to a schedule: \`${schedule.id}\`.`,
    });
    const other = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await catalog()).plus.id }],
    });
    await stripe.subscriptions.cancel(other.id);
    await expect(
      stripe.subscriptionSchedules.create({ from_subscription: other.id }),
    ).rejects.toMatchObject({ param: "from_subscription" });
    await expect(
      stripe.subscriptionSchedules.create({ from_subscription: "sub_missing" }),
    ).rejects.toMatchObject({ statusCode: 404, param: "from_subscription" });
  });
});

describe("subscription schedules: a downgrade at period end", () => {
  it("renews at the new price with no proration, then releases after the last phase", async () => {
    const { pro, plus } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await scheduleChange(sub.id, plus.id);
    expect(schedule.phases.map((p) => [p.start_date, p.end_date])).toEqual([
      [START, FEB_1],
      [FEB_1, MAR_1],
    ]);
    expect(schedule.current_phase).toEqual({ start_date: START, end_date: FEB_1 });
    // Nothing changes on the subscription before the period ends.
    const before = await stripe.subscriptions.retrieve(sub.id);
    expect(before.items.data[0]!.price.id).toBe(pro.id);
    expect(before.cancel_at).toBeNull();

    // The previews (by schedule and by subscription) show the renewal at the Plus price.
    const bySchedule = await stripe.invoices.createPreview({ schedule: schedule.id });
    const bySubscription = await stripe.invoices.createPreview({ subscription: sub.id });
    for (const preview of [bySchedule, bySubscription]) {
      expect(preview.total).toBe(1000);
      expect(preview.lines.data).toHaveLength(1);
      expect(preview.lines.data[0]).toMatchObject({
        amount: 1000,
        period: { start: FEB_1, end: MAR_1 },
        pricing: { price_details: { price: plus.id } },
      });
    }

    emu.advanceClock(FEB_1 - START + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data.map((i) => [i.price.id, i.quantity])).toEqual([[plus.id, 1]]);
    expect(renewed.items.data[0]).toMatchObject({
      current_period_start: FEB_1,
      current_period_end: MAR_1,
    });
    expect(renewed.schedule).toBe(schedule.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_cycle",
      status: "paid",
      amount_paid: 1000,
      period_start: START,
      period_end: FEB_1,
    });
    expect(
      invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration]),
    ).toEqual([[1000, false]]);
    expect(invoice.total).toBe(bySchedule.total);
    const moved = await stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(moved).toMatchObject({
      status: "active",
      current_phase: { start_date: FEB_1, end_date: MAR_1 },
    });
    const updates = await eventsOf("subscription_schedule.updated");
    expect(updates.at(-1)!.data.previous_attributes).toEqual({
      current_phase: { start_date: START, end_date: FEB_1 },
    });

    emu.advanceClock(MAR_1 - FEB_1);
    const expiring = (await eventsOf("subscription_schedule.expiring"))[0]!;
    expect(expiring.created).toBe(MAR_1 - 7 * DAY);
    const released = await stripe.subscriptionSchedules.retrieve(schedule.id);
    expect(released).toMatchObject({
      status: "released",
      released_at: MAR_1,
      released_subscription: sub.id,
      subscription: null,
      current_phase: null,
    });
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after).toMatchObject({ status: "active", schedule: null });
    expect(after.items.data[0]!.price.id).toBe(plus.id);
    expect((await eventsOf("subscription_schedule.")).map((e) => e.type)).toEqual([
      "subscription_schedule.created",
      "subscription_schedule.updated",
      "subscription_schedule.updated",
      "subscription_schedule.expiring",
      "subscription_schedule.released",
    ]);
  });

  it("cancelling the pending change (release) keeps the current plan at renewal", async () => {
    const { pro, plus } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await scheduleChange(sub.id, plus.id);
    const released = await stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({ status: "released", released_subscription: sub.id });
    expect((await stripe.subscriptions.retrieve(sub.id)).schedule).toBeNull();
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(preview.total).toBe(3000);
    emu.advanceClock(FEB_1 - START + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.price.id).toBe(pro.id);
    expect((await stripe.invoices.retrieve(renewed.latest_invoice as string)).amount_paid).toBe(
      3000,
    );
    await expect(stripe.subscriptionSchedules.release(schedule.id)).rejects.toMatchObject({
      message:
        "You cannot release a subscription schedule that is currently in the `released` status. It must be in `not_started` or `active`.",
    });
    await expect(
      stripe.subscriptionSchedules.update(schedule.id, { metadata: { a: "b" } }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
  });

  it("previews schedule_details before updating, equal to the invoice the change bills", async () => {
    const { pro, plus } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const phases: Stripe.SubscriptionScheduleUpdateParams.Phase[] = [
      { items: [{ price: pro.id, quantity: 1 }], start_date: START, end_date: FEB_1 },
      { items: [{ price: plus.id, quantity: 2 }] },
    ];
    const preview = await stripe.invoices.createPreview({
      schedule: schedule.id,
      schedule_details: { phases },
    });
    expect(preview.total).toBe(2000);
    // The preview changed nothing.
    expect((await stripe.subscriptionSchedules.retrieve(schedule.id)).phases).toHaveLength(1);
    await stripe.subscriptionSchedules.update(schedule.id, { phases });
    emu.advanceClock(FEB_1 - START + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice.total).toBe(preview.total);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual(
      preview.lines.data.map((l) => l.amount),
    );
    await expect(
      stripe.invoices.createPreview({ schedule: schedule.id, subscription: sub.id }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
  });

  it("an interval change at the phase boundary restarts the billing cycle", async () => {
    const { pro, proYearly } = await catalog();
    const { sub } = await subscribed(pro.id);
    await scheduleChange(sub.id, proYearly.id);
    emu.advanceClock(FEB_1 - START + 60);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]).toMatchObject({
      price: { id: proYearly.id },
      current_period_start: FEB_1,
      current_period_end: Date.UTC(2027, 1, 1) / 1000,
    });
    expect(renewed.billing_cycle_anchor).toBe(FEB_1);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 30000 });
    // One invoice at the boundary: the yearly period, no monthly renewal beside it.
    const invoices = await stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.total)).toEqual([30000, 3000]);
  });

  it("follows the customer's test clock, leaving the global clock alone", async () => {
    const { pro, plus } = await catalog();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START + 5 * DAY });
    const { sub } = await subscribed(pro.id, { test_clock: clock.id });
    const schedule = await scheduleChange(sub.id, plus.id);
    expect(schedule.test_clock).toBe(clock.id);
    const end = Date.UTC(2026, 1, 6) / 1000;
    expect(schedule.phases[1]!.start_date).toBe(end);
    // Listing without `customer` leaves out test-clock customers' schedules, as Stripe does.
    expect((await stripe.subscriptionSchedules.list()).data).toEqual([]);
    expect(
      (await stripe.subscriptionSchedules.list({ customer: sub.customer as string })).data.map(
        (s) => s.id,
      ),
    ).toEqual([schedule.id]);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end + 2 * 3600 });
    await waitReady(clock.id);
    expect(emu.now()).toBe(START);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.price.id).toBe(plus.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ amount_paid: 1000, test_clock: clock.id });
  });
});

describe("subscription schedules: changes now", () => {
  it("ending the current phase now applies the next phase at once; the preview matches", async () => {
    const { pro, plus } = await catalog();
    const { sub } = await subscribed(plus.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    emu.advanceClock(10 * DAY);
    const phases: Stripe.SubscriptionScheduleUpdateParams.Phase[] = [
      { items: [{ price: plus.id }], start_date: START, end_date: "now" },
      { items: [{ price: pro.id }], proration_behavior: "always_invoice" },
    ];
    const preview = await stripe.invoices.createPreview({
      schedule: schedule.id,
      schedule_details: { phases },
    });
    const fraction = (FEB_1 - (START + 10 * DAY)) / (FEB_1 - START);
    expect(preview.lines.data.map((l) => l.amount)).toEqual([
      -Math.round(1000 * fraction),
      Math.round(3000 * fraction),
    ]);
    const updated = await stripe.subscriptionSchedules.update(schedule.id, { phases });
    expect(updated.current_phase).toEqual({
      start_date: START + 10 * DAY,
      end_date: Date.UTC(2026, 1, 11) / 1000,
    });
    const changed = await stripe.subscriptions.retrieve(sub.id);
    expect(changed.items.data[0]!.price.id).toBe(pro.id);
    const invoice = await stripe.invoices.retrieve(changed.latest_invoice as string);
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", status: "paid" });
    expect(invoice.total).toBe(preview.total);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual(
      preview.lines.data.map((l) => l.amount),
    );
  });

  it("a quantity change in the current phase applies now with the update's proration_behavior", async () => {
    const { pro } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(schedule.id, {
      proration_behavior: "none",
      phases: [{ items: [{ price: pro.id, quantity: 3 }], start_date: START, end_date: FEB_1 }],
    });
    const changed = await stripe.subscriptions.retrieve(sub.id);
    expect(changed.items.data.map((i) => [i.id, i.quantity])).toEqual([[sub.items.data[0]!.id, 3]]);
    expect((await stripe.invoiceItems.list({ customer: sub.customer as string })).data).toEqual([]);
  });

  it("deleting the customer's test clock ends its schedules", async () => {
    const { pro, plus } = await catalog();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
    const { sub } = await subscribed(pro.id, { test_clock: clock.id });
    const schedule = await scheduleChange(sub.id, plus.id);
    await stripe.testHelpers.testClocks.del(clock.id);
    expect(await stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({
      status: "canceled",
      current_phase: null,
    });
  });
});

describe("subscription schedules: validation", () => {
  it("rejects moving the current phase's start, gaps, mixed intervals and past end dates", async () => {
    const { pro, plus, proYearly } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const update = (phases: Stripe.SubscriptionScheduleUpdateParams.Phase[]) =>
      stripe.subscriptionSchedules.update(schedule.id, { phases });
    await expect(
      update([{ items: [{ price: plus.id }], start_date: START + DAY }]),
    ).rejects.toMatchObject({ message: "You can not modify the start date of the current phase." });
    await expect(update([{ items: [{ price: plus.id }] }])).rejects.toMatchObject({
      message:
        "The subscription schedule update is missing at least one phase with a `start_date` to anchor end dates to.",
    });
    await expect(
      update([
        { items: [{ price: pro.id }], start_date: START, end_date: FEB_1 },
        { items: [{ price: plus.id }], start_date: FEB_1 + DAY },
      ]),
    ).rejects.toMatchObject({ param: "phases[1][start_date]" });
    await expect(
      update([
        { items: [{ price: pro.id }, { price: proYearly.id }], start_date: START, end_date: FEB_1 },
      ]),
    ).rejects.toMatchObject({ param: "phases[0][items][1][price]" });
    await expect(
      update([
        {
          items: [{ price: pro.id }],
          start_date: START,
          end_date: FEB_1,
          duration: { interval: "month" },
        },
      ]),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
    await expect(
      update([{ items: [{ price: pro.id }], start_date: START, trial_end: FEB_1 }]),
    ).rejects.toMatchObject({ param: "phases[0][trial_end]" });
    await expect(
      stripe.subscriptionSchedules.update(schedule.id, { end_behavior: "renew" }),
    ).rejects.toMatchObject({ param: "end_behavior" });
    // The subscription's cancellation belongs to the schedule now.
    await expect(
      stripe.subscriptions.update(sub.id, { cancel_at_period_end: true }),
    ).rejects.toMatchObject({ param: "cancel_at_period_end" });
    // Nothing was changed by the rejected updates.
    expect((await stripe.subscriptionSchedules.retrieve(schedule.id)).phases).toEqual(
      schedule.phases,
    );
  });
});

describe("subscription schedules: end behaviours, cancel and phases from scratch", () => {
  it("end_behavior cancel sets cancel_at and cancels the subscription at the end", async () => {
    const { pro } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(schedule.id, { end_behavior: "cancel" });
    expect((await stripe.subscriptions.retrieve(sub.id)).cancel_at).toBe(FEB_1);
    await expect(stripe.invoices.createPreview({ subscription: sub.id })).rejects.toMatchObject({
      code: "invoice_upcoming_none",
    });
    emu.advanceClock(FEB_1 - START + 60);
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({
      status: "canceled",
      ended_at: FEB_1,
    });
    expect(await stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({
      status: "canceled",
      canceled_at: FEB_1,
    });
    expect((await eventsOf("subscription_schedule.canceled")).length).toBe(1);
  });

  it("release(preserve_cancel_date) keeps the end the schedule set; plain release clears it", async () => {
    const { pro } = await catalog();
    const { sub } = await subscribed(pro.id);
    const a = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(a.id, { end_behavior: "cancel" });
    await stripe.subscriptionSchedules.release(a.id, { preserve_cancel_date: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).cancel_at).toBe(FEB_1);
    await stripe.subscriptions.update(sub.id, { cancel_at: null });
    const b = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptionSchedules.update(b.id, { end_behavior: "cancel" });
    await stripe.subscriptionSchedules.release(b.id);
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({
      cancel_at: null,
      schedule: null,
    });
  });

  it("cancel ends the subscription now, crediting unused time on a final invoice", async () => {
    const { pro } = await catalog();
    const { customer, sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    emu.advanceClock(Math.round((FEB_1 - START) / 2));
    const canceled = await stripe.subscriptionSchedules.cancel(schedule.id);
    expect(canceled).toMatchObject({ status: "canceled", current_phase: null });
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended.status).toBe("canceled");
    const final = await stripe.invoices.retrieve(ended.latest_invoice as string);
    expect(final.total).toBe(-1500);
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      balance: -1500,
    });
    const types = (await eventsOf("")).map((e) => e.type);
    expect(types.indexOf("customer.subscription.deleted")).toBeLessThan(
      types.indexOf("subscription_schedule.canceled"),
    );
  });

  it("canceling the subscription cancels its schedule", async () => {
    const { pro } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await stripe.subscriptions.cancel(sub.id);
    expect((await stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe("canceled");
  });

  it("customer + phases starting now creates the subscription; a future start waits", async () => {
    const { pro, plus } = await catalog();
    const customer = await customerWithCard();
    const now = await stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: "now",
      end_behavior: "release",
      phases: [
        {
          items: [{ price: pro.id, quantity: 2 }],
          duration: { interval: "month", interval_count: 2 },
        },
        { items: [{ price: plus.id }] },
      ],
    });
    expect(now).toMatchObject({
      status: "active",
      current_phase: { start_date: START, end_date: MAR_1 },
    });
    const sub = await stripe.subscriptions.retrieve(now.subscription as string);
    expect(sub).toMatchObject({ status: "active", schedule: now.id });
    expect(sub.items.data.map((i) => [i.price.id, i.quantity])).toEqual([[pro.id, 2]]);
    const types = (await eventsOf("")).map((e) => e.type);
    expect(types.indexOf("customer.subscription.created")).toBeLessThan(
      types.indexOf("subscription_schedule.created"),
    );

    const later = await stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: FEB_1,
      phases: [{ items: [{ price: plus.id }] }],
    });
    expect(later).toMatchObject({ status: "not_started", subscription: null, current_phase: null });
    const scheduled = await stripe.subscriptionSchedules.list({
      customer: customer.id,
      scheduled: true,
    });
    expect(scheduled.data.map((s) => s.id)).toEqual([later.id]);
    const page = await stripe.subscriptionSchedules.list({ customer: customer.id, limit: 1 });
    expect(page).toMatchObject({ has_more: true, data: [{ id: later.id }] });
    const next = await stripe.subscriptionSchedules.list({
      customer: customer.id,
      limit: 1,
      starting_after: later.id,
    });
    expect(next.data.map((s) => s.id)).toEqual([now.id]);
    emu.advanceClock(FEB_1 - START);
    const started = await stripe.subscriptionSchedules.retrieve(later.id);
    expect(started).toMatchObject({ status: "active", current_phase: { start_date: FEB_1 } });
    const startedSub = await stripe.subscriptions.retrieve(started.subscription as string);
    expect(startedSub).toMatchObject({ status: "active", start_date: FEB_1, schedule: later.id });
  });

  it("a schedule starting later without a card leaves an incomplete subscription, not an error", async () => {
    const { plus } = await catalog();
    const customer = await stripe.customers.create({ email: "nocard@example.com" });
    const later = await stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: FEB_1,
      phases: [{ items: [{ price: plus.id }] }],
    });
    emu.advanceClock(FEB_1 - START);
    const started = await stripe.subscriptionSchedules.retrieve(later.id, {
      expand: ["subscription.latest_invoice"],
    });
    const sub = started.subscription as Stripe.Subscription;
    expect(started.status).toBe("active");
    expect(sub.status).toBe("incomplete");
    expect((sub.latest_invoice as Stripe.Invoice).status).toBe("open");
  });

  it("deleting the customer cancels its schedules", async () => {
    const { plus } = await catalog();
    const customer = await stripe.customers.create({ email: "gone@example.com" });
    const later = await stripe.subscriptionSchedules.create({
      customer: customer.id,
      start_date: FEB_1,
      phases: [{ items: [{ price: plus.id }] }],
    });
    await stripe.customers.del(customer.id);
    expect((await stripe.subscriptionSchedules.retrieve(later.id)).status).toBe("canceled");
  });
});

describe("subscription schedules: robustness", () => {
  it("answers junk parameters with 4xx, never 500", async () => {
    const { pro } = await catalog();
    const { sub } = await subscribed(pro.id);
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const junk = ["", "x", "-1", "0", "99999999999999999999", "now", "true"];
    const targets: [string, string, string[]][] = [
      [
        "POST",
        "/v1/subscription_schedules",
        [
          "customer",
          "from_subscription",
          "start_date",
          "phases[0][items][0][price]",
          "end_behavior",
        ],
      ],
      [
        "POST",
        `/v1/subscription_schedules/${schedule.id}`,
        [
          "phases[0][items][0][price]",
          "phases[0][start_date]",
          "phases[0][end_date]",
          "phases[0][duration][interval]",
          "proration_behavior",
          "end_behavior",
        ],
      ],
      [
        "POST",
        "/v1/invoices/create_preview",
        ["schedule", "schedule_details[phases][0][items][0][price]"],
      ],
      ["GET", "/v1/subscription_schedules", ["customer", "scheduled", "released_at"]],
      // Last: a valid value here ends the schedule.
      ["POST", `/v1/subscription_schedules/${schedule.id}/release`, ["preserve_cancel_date"]],
      ["POST", `/v1/subscription_schedules/${schedule.id}/cancel`, ["invoice_now", "prorate"]],
    ];
    for (const [method, path, fields] of targets) {
      for (const field of fields) {
        for (const value of junk) {
          const body = new URLSearchParams({ [field]: value }).toString();
          const res = await fetch(
            method === "GET" ? `${emu.url}${path}?${body}` : `${emu.url}${path}`,
            {
              method,
              headers: {
                authorization: "Bearer sk_test_x",
                "content-type": "application/x-www-form-urlencoded",
              },
              ...(method === "POST" ? { body } : {}),
            },
          );
          expect(res.status, `${method} ${path} ${field}=${value}`).toBeLessThan(500);
        }
      }
    }
  }, 30_000);
});
