import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  DAY,
  PAID_RENEWAL_EVENTS,
  SECRET,
  START,
  billingEvents,
  catalog,
  customerWith,
  emu,
  lastEventId,
  latestInvoice,
  receiver,
  settings,
  stripe,
  typesSince,
  useBillingEmulator,
  waitReady,
} from "./billing-setup.ts";

/** Renewals, trials ending and dunning on the global clock and on test clocks. */

useBillingEmulator();

describe("renewals, trials and dunning", () => {
  it("renews after a month on the global clock: draft, then finalized and paid an hour later", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const mark = await lastEventId();
    emu.setClock(end);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]).toMatchObject({
      current_period_start: end,
      current_period_end: Date.UTC(2026, 2, 1) / 1000,
    });
    const draft = await latestInvoice(renewed);
    expect(draft).toMatchObject({
      status: "draft",
      billing_reason: "subscription_cycle",
      total: 1000,
      automatically_finalizes_at: end + 3600,
    });
    expect(draft.lines.data[0]!.period).toEqual({ start: end, end: Date.UTC(2026, 2, 1) / 1000 });
    emu.advanceClock(3600);
    const paid = await stripe.invoices.retrieve(draft.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 1000 });
    expect(paid.number).toMatch(/-0002$/);
    expect(await typesSince(mark, billingEvents)).toEqual(PAID_RENEWAL_EVENTS);
    await emu.flushWebhooks();
    for (const type of ["invoice.created", "invoice.finalized", "invoice.paid"]) {
      const delivery = receiver.received.find(
        (r) => r.event.type === type && (r.event.data.object.id as string) === draft.id,
      );
      expect(delivery, type).toBeDefined();
      const event = stripe.webhooks.constructEvent(
        delivery!.body,
        delivery!.headers["stripe-signature"] as string,
        SECRET,
      );
      expect(event.type).toBe(type);
    }
  });

  it("renews on a test clock: advance → advancing → ready, with the same sequence", async () => {
    const { prices } = await catalog();
    const clock = await stripe.testHelpers.testClocks.create({
      frozen_time: START + 5 * DAY,
      name: "renewal",
    });
    expect(clock).toMatchObject({
      object: "test_helpers.test_clock",
      status: "ready",
      frozen_time: START + 5 * DAY,
    });
    const { customer } = await customerWith("pm_card_visa", { test_clock: clock.id });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[1]!.id }],
    });
    expect(sub).toMatchObject({
      test_clock: clock.id,
      start_date: START + 5 * DAY,
      status: "active",
    });
    const end = sub.items.data[0]!.current_period_end;
    expect(end).toBe(Date.UTC(2026, 1, 6) / 1000);
    const mark = await lastEventId();
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: end + 2 * 3600,
    });
    expect(advancing.status).toBe("advancing");
    expect(advancing.status_details.advancing?.target_frozen_time).toBe(end + 2 * 3600);
    const ready = await waitReady(clock.id);
    expect(ready.frozen_time).toBe(end + 2 * 3600);
    // The global clock did not move.
    expect(emu.now()).toBe(START);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    const invoice = await latestInvoice(renewed);
    expect(invoice).toMatchObject({
      status: "paid",
      billing_reason: "subscription_cycle",
      amount_paid: 3000,
      test_clock: clock.id,
    });
    expect(invoice.status_transitions.finalized_at).toBe(end + 3600);
    // Events of objects on the clock carry its time, so they sort between advancing and ready.
    expect(await typesSince(mark, (t) => billingEvents(t) || t.startsWith("test_helpers"))).toEqual(
      [
        "test_helpers.test_clock.advancing",
        ...PAID_RENEWAL_EVENTS,
        "test_helpers.test_clock.ready",
      ],
    );
    expect(await typesSince(mark, billingEvents)).toEqual(PAID_RENEWAL_EVENTS);
    const renewalEvent = (await stripe.events.list({ type: "invoice.paid" })).data[0]!;
    expect(renewalEvent.created).toBe(end + 3600);
    expect(
      (await stripe.subscriptions.list({ test_clock: clock.id })).data.map((s) => s.id),
    ).toEqual([sub.id]);
    await expect(
      stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: START }),
    ).rejects.toMatchObject({
      param: "frozen_time",
    });
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted).toEqual({ id: clock.id, object: "test_helpers.test_clock", deleted: true });
    expect((await stripe.customers.retrieve(customer.id)).deleted).toBe(true);
  });

  it("send_invoice: active at once, invoice.sent, overdue at due_date makes it past_due", async () => {
    const { prices } = await catalog();
    const customer = await stripe.customers.create({ email: "ap@example.com" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      collection_method: "send_invoice",
      days_until_due: 14,
    });
    expect(sub).toMatchObject({
      status: "active",
      collection_method: "send_invoice",
      days_until_due: 14,
    });
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      status: "open",
      collection_method: "send_invoice",
      due_date: START + 14 * DAY,
      attempt_count: 0,
    });
    expect((await stripe.events.list({ type: "invoice.sent" })).data).toHaveLength(1);
    emu.setClock(START + 14 * DAY);
    expect((await stripe.events.list({ type: "invoice.overdue" })).data).toHaveLength(1);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("refuses to advance a test clock more than two intervals of its shortest subscription", async () => {
    const { prices } = await catalog();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START });
    const { customer } = await customerWith("pm_card_visa", { test_clock: clock.id });
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices[0]!.id }] });
    await expect(
      stripe.testHelpers.testClocks.advance(clock.id, {
        frozen_time: Date.UTC(2026, 2, 1) / 1000 + 1,
      }),
    ).rejects.toMatchObject({ param: "frozen_time", statusCode: 400 });
    expect((await stripe.testHelpers.testClocks.retrieve(clock.id)).status).toBe("ready");
    await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: Date.UTC(2026, 2, 1) / 1000,
    });
    await waitReady(clock.id);
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual([
      "subscription_cycle",
      "subscription_cycle",
      "subscription_create",
    ]);
  });

  it("trial: $0 invoice, trial_will_end 3 days before, then the first real invoice", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 14,
    });
    const trialEnd = START + 14 * DAY;
    expect(sub).toMatchObject({ status: "trialing", trial_start: START, trial_end: trialEnd });
    expect(sub.items.data[0]!.current_period_end).toBe(trialEnd);
    const first = await latestInvoice(sub);
    expect(first).toMatchObject({
      status: "paid",
      total: 0,
      amount_paid: 0,
      billing_reason: "subscription_create",
    });
    expect(first.lines.data[0]!.description).toBe("Trial period for Pro plan");

    emu.setClock(trialEnd - 3 * DAY - 1);
    expect(
      (await stripe.events.list({ type: "customer.subscription.trial_will_end" })).data,
    ).toHaveLength(0);
    emu.advanceClock(1);
    const willEnd = (await stripe.events.list({ type: "customer.subscription.trial_will_end" }))
      .data;
    expect(willEnd).toHaveLength(1);
    expect(willEnd[0]!.created).toBe(trialEnd - 3 * DAY);

    emu.setClock(trialEnd + 3600);
    const active = await stripe.subscriptions.retrieve(sub.id);
    expect(active.status).toBe("active");
    expect(active.items.data[0]).toMatchObject({
      current_period_start: trialEnd,
      current_period_end: trialEnd + 31 * DAY,
    });
    const invoice = await latestInvoice(active);
    expect(invoice).toMatchObject({
      status: "paid",
      total: 1000,
      billing_reason: "subscription_cycle",
    });
    const update = (await stripe.events.list({ type: "customer.subscription.updated" })).data[0]!;
    expect(update.data.previous_attributes).toMatchObject({ status: "trialing" });
  });

  it("trial ending without a payment method cancels when trial_settings say so", async () => {
    const { prices } = await catalog();
    const customer = await stripe.customers.create({ email: "nopm@example.com" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: "cancel" } },
    });
    emu.setClock(START + 7 * DAY);
    const ended = await stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: START + 7 * DAY });
  });

  it("0341 renewal: past_due, retries on the schedule, then canceled", async () => {
    await settings({ retrySchedule: [3 * DAY, 5 * DAY, 7 * DAY], afterFinalFailure: "cancel" });
    const { prices } = await catalog();
    const { customer } = await customerWith("pm_card_chargeCustomerFail");
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 7,
    });
    const trialEnd = START + 7 * DAY;
    const failAt = trialEnd + 3600;
    emu.setClock(failAt);
    const pastDue = await stripe.subscriptions.retrieve(sub.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = await latestInvoice(pastDue);
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      next_payment_attempt: failAt + 3 * DAY,
    });
    emu.setClock(failAt + 3 * DAY);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      attempt_count: 2,
      next_payment_attempt: failAt + 5 * DAY,
    });
    emu.setClock(failAt + 5 * DAY);
    expect((await stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(3);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    emu.setClock(failAt + 7 * DAY);
    const canceled = await stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({
      status: "canceled",
      ended_at: failAt + 7 * DAY,
      cancellation_details: { reason: "payment_failed" },
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: "open",
      attempt_count: 4,
      next_payment_attempt: null,
    });
    const failures = (await stripe.events.list({ type: "invoice.payment_failed" })).data.reverse();
    // Each failure event already says when the next attempt happens.
    expect(failures.map((e) => (e.data.object as Stripe.Invoice).next_payment_attempt)).toEqual([
      failAt + 3 * DAY,
      failAt + 5 * DAY,
      failAt + 7 * DAY,
      null,
    ]);
    expect((await stripe.events.list({ type: "customer.subscription.deleted" })).data).toHaveLength(
      1,
    );
  });

  it("0341 renewal with afterFinalFailure=unpaid ends unpaid; paying the invoice reactivates", async () => {
    await settings({ retrySchedule: [3600, 7200], afterFinalFailure: "unpaid" });
    const { prices } = await catalog();
    const { customer } = await customerWith("pm_card_chargeCustomerFail");
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 1,
    });
    emu.setClock(START + DAY + 3600);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("past_due");
    emu.advanceClock(7200);
    const unpaid = await stripe.subscriptions.retrieve(sub.id);
    expect(unpaid.status).toBe("unpaid");
    const visa = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const paid = await stripe.invoices.pay(unpaid.latest_invoice as string, {
      payment_method: visa.id,
    });
    expect(paid.status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("invoices.pay with a declining card answers StripeCardError and counts the attempt", async () => {
    await settings({ retrySchedule: [3 * DAY] });
    const { prices } = await catalog();
    const { customer } = await customerWith("pm_card_chargeCustomerFail");
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const err = await stripe.invoices.pay(sub.latest_invoice as string).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await latestInvoice(sub)).attempt_count).toBe(2);
  });
});
