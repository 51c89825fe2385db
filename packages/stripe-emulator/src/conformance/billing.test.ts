import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";
import { missingKeys } from "./sdk-shape.ts";

/**
 * The billing engine, driven only through the official SDK (plus the control API for the
 * clock and settings): subscriptions, invoices, prorations, trials, renewals, dunning and
 * test clocks, with the event sequences Stripe emits.
 */

const SECRET = "whsec_billing_conformance";
const DAY = 86_400;
const START = Date.UTC(2026, 0, 1) / 1000;

let emu: EmulatorHandle;
let stripe: Stripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  emu = await startEmulator({
    deterministic: { seed: "billing", start: START },
    webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    webhookRetrySchedule: [20, 40],
  });
  stripe = emu.stripe("sk_test_billing", { maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emu.stop();
  await receiver.close();
});
beforeEach(async () => {
  await emu.flushWebhooks();
  await emu.reset();
  receiver.received.length = 0;
});

async function settings(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/billing/settings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

async function catalog(amounts: number[] = [1000, 3000], interval: "month" | "year" = "month") {
  const product = await stripe.products.create({ name: "Pro plan" });
  const prices: Stripe.Price[] = [];
  for (const unit_amount of amounts) {
    prices.push(
      await stripe.prices.create({
        product: product.id,
        unit_amount,
        currency: "usd",
        recurring: { interval },
      }),
    );
  }
  return { product, prices };
}

/** A one-time (non-recurring) USD price on `product`. */
function oneTimePrice(product: string, unit_amount: number): Promise<Stripe.Price> {
  return stripe.prices.create({ product, unit_amount, currency: "usd" });
}

async function customerWith(card = "pm_card_visa", extra: Stripe.CustomerCreateParams = {}) {
  const customer = await stripe.customers.create({ email: "sub@example.com", ...extra });
  const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  return { customer, pm };
}

/** Event types since `since` (an event id or null), oldest first. */
async function typesSince(
  since: string | null,
  filter?: (t: string) => boolean,
): Promise<string[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  const ordered = all.reverse();
  const from = since ? ordered.findIndex((e) => e.id === since) + 1 : 0;
  return ordered
    .slice(from)
    .map((e) => e.type)
    .filter((t) => (filter ? filter(t) : true));
}

async function lastEventId(): Promise<string | null> {
  const { data } = await stripe.events.list({ limit: 1 });
  return data[0]?.id ?? null;
}

const billingEvents = (t: string) =>
  t.startsWith("invoice") ||
  t.startsWith("customer.subscription") ||
  t.startsWith("payment_intent") ||
  t.startsWith("charge");

/** The billing events of a renewal charged automatically, in order (`billingEvents` filter). */
const PAID_RENEWAL_EVENTS = [
  "invoice.upcoming",
  "invoice.created",
  "customer.subscription.updated",
  "invoice.finalized",
  "payment_intent.created",
  "charge.succeeded",
  "payment_intent.succeeded",
  "invoice.updated",
  "invoice_payment.paid",
  "invoice.paid",
  "invoice.payment_succeeded",
];

async function waitReady(clockId: string): Promise<Stripe.TestHelpers.TestClock> {
  for (let i = 0; i < 500; i++) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === "ready") return clock;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("test clock never became ready");
}

async function latestInvoice(sub: Stripe.Subscription): Promise<Stripe.Invoice> {
  return stripe.invoices.retrieve(sub.latest_invoice as string);
}

describe("subscriptions: creation", () => {
  it("creates an active subscription with 4242: first invoice paid, Stripe's event order", async () => {
    const { prices } = await catalog();
    const { customer, pm } = await customerWith();
    const mark = await lastEventId();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id, quantity: 2 }],
      metadata: { plan: "pro" },
      expand: ["latest_invoice.payments"],
    });
    expect(sub).toMatchObject({
      object: "subscription",
      status: "active",
      customer: customer.id,
      currency: "usd",
      cancel_at_period_end: false,
      metadata: { plan: "pro" },
      start_date: START,
      billing_cycle_anchor: START,
    });
    const item = sub.items.data[0]!;
    expect(item).toMatchObject({
      object: "subscription_item",
      quantity: 2,
      current_period_start: START,
      current_period_end: Date.UTC(2026, 1, 1) / 1000,
      price: { id: prices[0]!.id },
      plan: { id: prices[0]!.id, amount: 1000, interval: "month" },
    });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: "paid",
      billing_reason: "subscription_create",
      amount_due: 2000,
      amount_paid: 2000,
      amount_remaining: 0,
      subtotal: 2000,
      total: 2000,
      attempt_count: 1,
      attempted: true,
      collection_method: "charge_automatically",
      hosted_invoice_url: `${emu.url}/i/${invoice.id}`,
      invoice_pdf: `${emu.url}/i/${invoice.id}/pdf`,
      parent: {
        type: "subscription_details",
        subscription_details: { subscription: sub.id, metadata: { plan: "pro" } },
      },
      status_transitions: { finalized_at: START, paid_at: START },
    });
    expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);
    expect(invoice.lines.data[0]).toMatchObject({
      amount: 2000,
      quantity: 2,
      description: "2 × Pro plan (at $10.00 / month)",
      period: { start: START, end: item.current_period_end },
      parent: {
        type: "subscription_item_details",
        subscription_item_details: {
          subscription: sub.id,
          subscription_item: item.id,
          proration: false,
        },
      },
      pricing: { type: "price_details", price_details: { price: prices[0]!.id } },
    });
    const payments = invoice.payments!.data;
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      status: "paid",
      amount_paid: 2000,
      payment: { type: "payment_intent" },
    });
    const pi = await stripe.paymentIntents.retrieve(payments[0]!.payment.payment_intent as string);
    expect(pi).toMatchObject({
      status: "succeeded",
      amount: 2000,
      customer: customer.id,
      payment_method: pm.id,
    });

    expect(await typesSince(mark)).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice.updated",
      "invoice_payment.paid",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    const activated = (await stripe.events.list({ type: "customer.subscription.updated" }))
      .data[0]!;
    expect(activated.data.previous_attributes).toMatchObject({ status: "incomplete" });

    await emu.flushWebhooks();
    const delivered = receiver.received.find((r) => r.event.type === "invoice.paid")!;
    const event = stripe.webhooks.constructEvent(
      delivered.body,
      delivered.headers["stripe-signature"] as string,
      SECRET,
    );
    expect(event.data.object).toMatchObject({ id: invoice.id, status: "paid" });
  });

  it("rejects bad params with StripeInvalidRequestError and param, changing nothing", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const before = await lastEventId();
    const cases: [Stripe.SubscriptionCreateParams, string][] = [
      [{ customer: customer.id }, "items"],
      [{ customer: customer.id, items: [{ price: "price_nope" }] }, "items[0][price]"],
      [{ customer: "cus_nope", items: [{ price: prices[0]!.id }] }, "customer"],
      [
        { customer: customer.id, items: [{ price: prices[0]!.id, quantity: -1 }] },
        "items[0][quantity]",
      ],
      [
        { customer: customer.id, items: [{ price: prices[0]!.id }], trial_end: START - 10 },
        "trial_end",
      ],
      [
        {
          customer: customer.id,
          items: [{ price: prices[0]!.id }],
          collection_method: "send_invoice",
        },
        "days_until_due",
      ],
      [
        {
          customer: customer.id,
          items: [{ price: prices[0]!.id }],
          discounts: [{ coupon: "nope" }],
        },
        "discounts[0][coupon]",
      ],
      [
        {
          customer: customer.id,
          items: [{ price: prices[0]!.id }],
          bogus: 1,
        } as Stripe.SubscriptionCreateParams,
        "bogus",
      ],
    ];
    for (const [params, param] of cases) {
      const err = await stripe.subscriptions.create(params).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((err as Stripe.errors.StripeError).param, JSON.stringify(params)).toBe(param);
    }
    const oneTime = await oneTimePrice(prices[0]!.product as string, 5);
    await expect(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: oneTime.id }] }),
    ).rejects.toMatchObject({ param: "items[0][price]", statusCode: 400 });
    await expect(stripe.subscriptions.retrieve("sub_nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
    // Nothing was created and no event emitted (besides the one-time price).
    expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    expect((await stripe.invoices.list()).data).toHaveLength(0);
    expect(await typesSince(before)).toEqual(["price.created"]);
  });

  it("accepts items[][price_data] as an inline, inactive price", async () => {
    const { product } = await catalog([]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [
        {
          price_data: {
            currency: "usd",
            product: product.id,
            unit_amount: 1500,
            recurring: { interval: "week", interval_count: 2 },
          },
        },
      ],
    });
    const price = sub.items.data[0]!.price;
    expect(price).toMatchObject({
      active: false,
      unit_amount: 1500,
      recurring: { interval: "week", interval_count: 2 },
    });
    expect(sub.items.data[0]!.current_period_end).toBe(START + 14 * DAY);
    expect((await latestInvoice(sub)).total).toBe(1500);
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [
          {
            price_data: {
              currency: "usd",
              product: "prod_nope",
              unit_amount: 1,
              recurring: { interval: "month" },
            },
          },
        ],
      }),
    ).rejects.toMatchObject({ param: "items[0][price_data][product]" });
  });

  it("bills add_invoice_items on the first invoice (create) or the next one (update)", async () => {
    const { product, prices } = await catalog();
    const setup = await oneTimePrice(product.id, 500);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      add_invoice_items: [{ price: setup.id }],
    });
    const first = await latestInvoice(sub);
    expect(first.total).toBe(1500);
    expect(first.lines.data.map((l) => [l.amount, l.description])).toEqual([
      [500, "Pro plan"],
      [1000, "1 × Pro plan (at $10.00 / month)"],
    ]);
    await stripe.subscriptions.update(sub.id, {
      add_invoice_items: [
        { price_data: { currency: "usd", product: product.id, unit_amount: 250 }, quantity: 2 },
      ],
    });
    emu.setClock(sub.items.data[0]!.current_period_end + 3600);
    expect((await latestInvoice(await stripe.subscriptions.retrieve(sub.id))).total).toBe(1500);
    await expect(
      stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: prices[1]!.id }],
        add_invoice_items: [{ price: prices[0]!.id }],
      }),
    ).rejects.toMatchObject({ param: "add_invoice_items[0][price]" });
  });

  it("a trial with a setup fee is incomplete until the fee is paid, then trialing", async () => {
    const { product, prices } = await catalog();
    const fee = await oneTimePrice(product.id, 300);
    const good = await customerWith();
    const paid = await stripe.subscriptions.create({
      customer: good.customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 7,
      add_invoice_items: [{ price: fee.id }],
    });
    expect(paid.status).toBe("trialing");
    expect(await latestInvoice(paid)).toMatchObject({ total: 300, status: "paid" });
    const bad = await customerWith("pm_card_chargeCustomerFail");
    const failed = await stripe.subscriptions.create({
      customer: bad.customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 7,
      add_invoice_items: [{ price: fee.id }],
    });
    expect(failed.status).toBe("incomplete");
    expect(await latestInvoice(failed)).toMatchObject({ status: "open", attempt_count: 1 });
  });

  it("error_if_incomplete with a declining card answers 402 and keeps nothing", async () => {
    const { prices } = await catalog();
    const customer = await stripe.customers.create({ email: "d@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    const before = await lastEventId();
    const err = await stripe.subscriptions
      .create({
        customer: customer.id,
        items: [{ price: prices[0]!.id }],
        default_payment_method: pm.id,
        payment_behavior: "error_if_incomplete",
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });
    expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    expect(await typesSince(before)).toEqual([]);
  });

  it("allow_incomplete with a decline leaves it incomplete, then incomplete_expired after 23h", async () => {
    const { prices } = await catalog();
    const customer = await stripe.customers.create({ email: "d@example.com" });
    const pm = await stripe.paymentMethods
      .attach("pm_card_chargeDeclinedInsufficientFunds", { customer: customer.id })
      .catch(() => null);
    // 9995 declines at attach (Stripe validates the card), so use 0341 which attaches.
    expect(pm).toBeNull();
    const ok = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      default_payment_method: ok.id,
    });
    expect(sub.status).toBe("incomplete");
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      attempted: true,
      amount_paid: 0,
    });
    expect((await stripe.events.list({ type: "invoice.payment_failed" })).data).toHaveLength(1);
    emu.advanceClock(23 * 3600 + 1);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("incomplete_expired");
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("void");
  });

  it("3DS card: incomplete with invoice.payment_action_required; approving pays the invoice", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith("pm_card_authenticationRequired");
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    expect(sub.status).toBe("incomplete");
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string, {
      expand: ["confirmation_secret"],
    });
    expect(invoice.status).toBe("open");
    expect(invoice.confirmation_secret?.client_secret).toMatch(/^pi_.*_secret_/);
    expect(
      (await stripe.events.list({ type: "invoice.payment_action_required" })).data,
    ).toHaveLength(1);
    const piId = invoice.confirmation_secret!.client_secret.split("_secret_")[0]!;
    const res = await fetch(`${emu.url}/3ds/${piId}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "outcome=approve",
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("default_incomplete: confirming the invoice's payment intent activates the subscription", async () => {
    const { prices } = await catalog();
    const { customer, pm } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      payment_behavior: "default_incomplete",
      expand: ["latest_invoice.confirmation_secret"],
    });
    expect(sub.status).toBe("incomplete");
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe("open");
    const piId = invoice.confirmation_secret!.client_secret.split("_secret_")[0]!;
    await stripe.paymentIntents.confirm(piId, { payment_method: pm.id });
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
  });

  it("save_default_payment_method=on_subscription keeps the card the client confirmed with", async () => {
    const { prices } = await catalog();
    const customer = await stripe.customers.create({ email: "elements@example.com" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      payment_behavior: "default_incomplete",
      payment_settings: { save_default_payment_method: "on_subscription" },
      expand: ["latest_invoice.confirmation_secret"],
    });
    expect(sub.payment_settings?.save_default_payment_method).toBe("on_subscription");
    const secret = (sub.latest_invoice as Stripe.Invoice).confirmation_secret!.client_secret;
    const pm = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await stripe.paymentIntents.confirm(secret.split("_secret_")[0]!, { payment_method: pm.id });
    const active = await stripe.subscriptions.retrieve(sub.id);
    expect(active).toMatchObject({ status: "active", default_payment_method: pm.id });
    expect((await stripe.paymentMethods.retrieve(pm.id)).customer).toBe(customer.id);
  });
});

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

describe("changes, prorations and cancellation", () => {
  it("upgrade with always_invoice: createPreview equals the invoice produced at the same proration_date", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY + 12345);
    const prorationDate = emu.now();
    const items = [{ id: item.id, price: prices[1]!.id }];
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: {
        items,
        proration_date: prorationDate,
        proration_behavior: "always_invoice",
      },
    });
    const span = item.current_period_end - item.current_period_start;
    const left = item.current_period_end - prorationDate;
    const credit = -Math.round((1000 * left) / span);
    const charge = Math.round((3000 * left) / span);
    expect(preview.lines.data.map((l) => l.amount)).toEqual([credit, charge]);
    expect(preview.total).toBe(credit + charge);
    expect(preview.lines.data[0]!.description).toBe("Unused time on Pro plan after 11 Jan 2026");
    expect(preview.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(
      true,
    );

    emu.advanceClock(60); // the real update happens a minute later but prorates at the same instant
    const updated = await stripe.subscriptions.update(sub.id, {
      items,
      proration_date: prorationDate,
      proration_behavior: "always_invoice",
    });
    expect(updated.items.data[0]).toMatchObject({ id: item.id, price: { id: prices[1]!.id } });
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      total: preview.total,
      amount_paid: preview.amount_due,
      parent: { subscription_details: { subscription_proration_date: prorationDate } },
    });
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([credit, charge]);
    // Periods are unchanged by a same-interval upgrade.
    expect(updated.items.data[0]!.current_period_end).toBe(item.current_period_end);
  });

  it("downgrade with create_prorations leaves pending items for the next invoice", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[1]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(15 * DAY);
    const at = emu.now();
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: prices[0]!.id }],
      proration_behavior: "create_prorations",
    });
    expect(updated.latest_invoice).toBe(sub.latest_invoice);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    const span = item.current_period_end - item.current_period_start;
    const left = item.current_period_end - at;
    const credit = -Math.round((3000 * left) / span);
    const charge = Math.round((1000 * left) / span);
    expect(pending.data.map((i) => i.amount).sort((a, b) => a - b)).toEqual([credit, charge]);
    expect(pending.data.every((i) => i.proration && i.invoice === null)).toBe(true);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(preview.total).toBe(1000 + credit + charge);

    emu.setClock(item.current_period_end + 3600);
    const renewal = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(renewal).toMatchObject({
      billing_reason: "subscription_cycle",
      total: 1000 + credit + charge,
      status: "paid",
    });
    expect(renewal.total).toBe(preview.total);
    expect(
      (await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data,
    ).toHaveLength(0);
  });

  it("pending_if_incomplete: a failed upgrade waits in pending_update until its invoice is paid", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer, pm: visa } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    await stripe.subscriptions.update(sub.id, { default_payment_method: failing.id });
    emu.advanceClock(5 * DAY);
    const item = sub.items.data[0]!;
    const pending = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: prices[1]!.id }],
      proration_behavior: "always_invoice",
      payment_behavior: "pending_if_incomplete",
    });
    expect(pending.status).toBe("active");
    expect(pending.items.data[0]!.price.id).toBe(prices[0]!.id);
    expect(pending.pending_update?.subscription_items?.[0]?.price.id).toBe(prices[1]!.id);
    expect(pending.pending_update?.expires_at).toBe(START + 5 * DAY + 23 * 3600);
    const invoice = await latestInvoice(pending);
    expect(invoice).toMatchObject({ status: "open", billing_reason: "subscription_update" });
    await stripe.invoices.pay(invoice.id, { payment_method: visa.id });
    const applied = await stripe.subscriptions.retrieve(sub.id);
    expect(applied.pending_update).toBeNull();
    expect(applied.items.data[0]!.price.id).toBe(prices[1]!.id);
    expect(
      (await stripe.events.list({ type: "customer.subscription.pending_update_applied" })).data,
    ).toHaveLength(1);
  });

  it("quantity change with proration_behavior=none changes nothing financially", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    expect(updated.items.data[0]!.quantity).toBe(3);
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(0);
    const updatedEvent = (await stripe.events.list({ type: "customer.subscription.updated" }))
      .data[0]!;
    expect(updatedEvent.data.previous_attributes).toHaveProperty("items");
  });

  it("an interval change restarts the period and bills at once: credit + the new year", async () => {
    const { product, prices } = await catalog([1000]);
    const yearly = await stripe.prices.create({
      product: product.id,
      unit_amount: 10000,
      currency: "usd",
      recurring: { interval: "year" },
    });
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY);
    const at = emu.now();
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: item.id, price: yearly.id }], proration_date: at },
    });
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: yearly.id }],
      proration_date: at,
    });
    expect(updated.billing_cycle_anchor).toBe(at);
    expect(updated.items.data[0]).toMatchObject({
      current_period_start: at,
      current_period_end: Date.UTC(2027, 0, 11) / 1000,
    });
    const credit = -Math.round(
      (1000 * (item.current_period_end - at)) /
        (item.current_period_end - item.current_period_start),
    );
    const invoice = await latestInvoice(updated);
    expect(invoice).toMatchObject({
      billing_reason: "subscription_update",
      status: "paid",
      total: credit + 10000,
    });
    expect(preview.total).toBe(invoice.total);
  });

  it("trial_end=now ends the trial and bills the first period", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      trial_period_days: 30,
    });
    emu.advanceClock(2 * DAY);
    const now = emu.now();
    const active = await stripe.subscriptions.update(sub.id, { trial_end: "now" });
    expect(active).toMatchObject({ status: "active", trial_end: now, billing_cycle_anchor: now });
    expect(active.items.data[0]!.current_period_start).toBe(now);
    expect(await latestInvoice(active)).toMatchObject({
      status: "paid",
      total: 1000,
      billing_reason: "subscription_update",
    });
    // The trial's scheduled end no longer fires.
    emu.setClock(START + 30 * DAY + 3600);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2);
  });

  it("previews a new subscription's first invoice and removes a subscription's discount", async () => {
    const { prices } = await catalog([2000]);
    const { customer } = await customerWith();
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription_details: { items: [{ price: prices[0]!.id, quantity: 2 }] },
      discounts: [{ coupon: coupon.id }],
    });
    expect(preview).toMatchObject({
      subtotal: 4000,
      total: 2000,
      amount_due: 2000,
      status: "draft",
    });
    expect((await stripe.invoices.list({ customer: customer.id })).data).toHaveLength(0);
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id, quantity: 2 }],
      discounts: [{ coupon: coupon.id }],
    });
    expect((await latestInvoice(sub)).total).toBe(preview.total);
    const removed = await stripe.subscriptions.deleteDiscount(sub.id);
    expect(removed).toMatchObject({
      object: "discount",
      deleted: true,
      source: { coupon: coupon.id },
    });
    expect((await stripe.subscriptions.retrieve(sub.id)).discounts).toEqual([]);
    const next = await stripe.invoices.createPreview({ subscription: sub.id });
    expect(next.total).toBe(4000);
  });

  it("pause_collection voids renewal invoices until resumes_at", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const paused = await stripe.subscriptions.update(sub.id, {
      pause_collection: { behavior: "void", resumes_at: end + 10 * DAY },
    });
    expect(paused.pause_collection).toEqual({ behavior: "void", resumes_at: end + 10 * DAY });
    emu.setClock(end + 2 * 3600);
    const skipped = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(skipped).toMatchObject({
      status: "void",
      billing_reason: "subscription_cycle",
      amount_paid: 0,
    });
    expect((await stripe.events.list({ type: "invoice.voided" })).data).toHaveLength(1);
    const next = (await stripe.subscriptions.retrieve(sub.id)).items.data[0]!.current_period_end;
    emu.setClock(next + 2 * 3600);
    const resumed = await stripe.subscriptions.retrieve(sub.id);
    expect(resumed.pause_collection).toBeNull();
    expect(await latestInvoice(resumed)).toMatchObject({ status: "paid", amount_paid: 1000 });
  });

  it("pause credits the unused time and stops renewals; resume starts a new period", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock(10 * DAY);
    const pausedAt = emu.now();
    const paused = await stripe.subscriptions.pause(sub.id);
    expect(paused.status).toBe("paused");
    const credit = -Math.round(
      (1000 * (item.current_period_end - pausedAt)) /
        (item.current_period_end - item.current_period_start),
    );
    expect(await latestInvoice(paused)).toMatchObject({
      total: credit,
      amount_due: 0,
      status: "paid",
    });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(
      credit,
    );
    expect((await stripe.events.list({ type: "customer.subscription.paused" })).data).toHaveLength(
      1,
    );
    emu.setClock(item.current_period_end + 2 * DAY);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(2);
    const resumedAt = emu.now();
    const resumed = await stripe.subscriptions.resume(sub.id);
    expect(resumed).toMatchObject({ status: "active", billing_cycle_anchor: resumedAt });
    expect(resumed.items.data[0]!.current_period_start).toBe(resumedAt);
    expect(await latestInvoice(resumed)).toMatchObject({
      total: 1000,
      amount_due: 1000 + credit,
      status: "paid",
    });
    expect((await stripe.events.list({ type: "customer.subscription.resumed" })).data).toHaveLength(
      1,
    );
    await expect(stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("cancel_at_period_end, unset it, set it again and let it lapse", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const end = sub.items.data[0]!.current_period_end;
    const scheduled = await stripe.subscriptions.update(sub.id, {
      cancel_at_period_end: true,
      cancellation_details: { feedback: "too_expensive" },
    });
    expect(scheduled).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: end,
      canceled_at: START,
      status: "active",
    });
    const event = (await stripe.events.list({ type: "customer.subscription.updated" })).data[0]!;
    expect(event.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    const resumed = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const invoicesBefore = (await stripe.invoices.list({ subscription: sub.id })).data.length;
    emu.setClock(end + 2 * 3600);
    const lapsed = await stripe.subscriptions.retrieve(sub.id);
    expect(lapsed).toMatchObject({
      status: "canceled",
      ended_at: end,
      cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive" },
    });
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(
      invoicesBefore,
    );
    expect((await stripe.events.list({ type: "customer.subscription.deleted" })).data).toHaveLength(
      1,
    );
    await expect(
      stripe.subscriptions.update(sub.id, { items: [{ price: prices[1]!.id }] }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it("cancels now with invoice_now + prorate: the unused time becomes customer credit", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const item = sub.items.data[0]!;
    emu.advanceClock((31 * DAY) / 2);
    const at = emu.now();
    const canceled = await stripe.subscriptions.cancel(sub.id, {
      invoice_now: true,
      prorate: true,
    });
    expect(canceled).toMatchObject({ status: "canceled", canceled_at: at, ended_at: at });
    const credit = -Math.round(
      (1000 * (item.current_period_end - at)) /
        (item.current_period_end - item.current_period_start),
    );
    const final = await latestInvoice(canceled);
    expect(final).toMatchObject({
      total: credit,
      amount_due: 0,
      status: "paid",
      ending_balance: credit,
    });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      balance: credit,
    });
    await expect(stripe.subscriptions.cancel(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it("pending prorations: dropped by an immediate cancel, billed by a scheduled one", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const change = async (sub: Stripe.Subscription) =>
      stripe.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0]!.id, price: prices[1]!.id }],
        proration_behavior: "create_prorations",
      });
    const first = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const second = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    emu.advanceClock(10 * DAY);
    await change(first);
    await change(second);
    const pendingOf = async (subId: string) =>
      (await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.filter(
        (ii) => ii.parent?.subscription_details?.subscription === subId,
      );
    expect(await pendingOf(first.id)).toHaveLength(2);
    await stripe.subscriptions.cancel(first.id);
    expect(await pendingOf(first.id)).toHaveLength(0);
    expect((await stripe.events.list({ type: "invoiceitem.deleted" })).data).toHaveLength(2);

    const expected = (await pendingOf(second.id)).reduce((sum, ii) => sum + ii.amount, 0);
    await stripe.subscriptions.update(second.id, { cancel_at_period_end: true });
    emu.setClock(second.items.data[0]!.current_period_end + 3600);
    const ended = await stripe.subscriptions.retrieve(second.id);
    expect(ended.status).toBe("canceled");
    const final = await latestInvoice(ended);
    expect(final).toMatchObject({
      total: expected,
      status: "paid",
      billing_reason: "subscription_cycle",
    });
    expect(final.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(
      true,
    );
  });

  it("deleting the customer cancels its subscriptions", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    await stripe.customers.del(customer.id);
    expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({
      status: "canceled",
      ended_at: START,
    });
    expect(
      await typesSince(
        null,
        (t) => t === "customer.subscription.deleted" || t === "customer.deleted",
      ),
    ).toEqual(["customer.subscription.deleted", "customer.deleted"]);
  });

  it("applies the customer balance to an invoice", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -300, currency: "usd" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      total: 1000,
      starting_balance: -300,
      ending_balance: 0,
      amount_due: 700,
      amount_paid: 700,
    });
    const txns = await stripe.customers.listBalanceTransactions(customer.id);
    expect(txns.data[0]).toMatchObject({
      type: "applied_to_invoice",
      amount: 300,
      invoice: invoice.id,
      ending_balance: 0,
    });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
  });

  it("marks an invoice paid when less than the minimum charge is due, carrying it to the balance", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    // $10.00 plan, $9.70 of credit: $0.30 is below USD's $0.50 minimum charge.
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -970, currency: "usd" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    expect(sub.status).toBe("active");
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({
      status: "paid",
      total: 1000,
      starting_balance: -970,
      ending_balance: 30,
      amount_due: 0,
      amount_paid: 0,
    });
    expect(invoice.payments?.data ?? []).toHaveLength(0);
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(0);
    const txns = await stripe.customers.listBalanceTransactions(customer.id);
    expect(txns.data[0]).toMatchObject({ amount: 1000, invoice: invoice.id, ending_balance: 30 });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(30);
  });

  it("applies coupons and promotion codes; a `once` coupon only discounts the first invoice", async () => {
    const { prices } = await catalog([2000]);
    const { customer } = await customerWith();
    const once = await stripe.coupons.create({ percent_off: 25, duration: "once" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ coupon: once.id }],
    });
    // The `once` discount is spent on the first invoice and leaves the subscription.
    expect(sub.discounts).toHaveLength(0);
    const first = await latestInvoice(sub);
    expect(first).toMatchObject({ subtotal: 2000, total: 1500, amount_paid: 1500 });
    const discountId = first.discounts[0] as string;
    expect(discountId).toMatch(/^di_/);
    expect(first.total_discount_amounts).toEqual([{ amount: 500, discount: discountId }]);
    expect(first.lines.data[0]!.discount_amounts).toEqual([{ amount: 500, discount: discountId }]);
    expect((await stripe.events.list({ type: "customer.discount.deleted" })).data).toHaveLength(1);
    expect(((await stripe.coupons.retrieve(once.id)) as Stripe.Coupon).times_redeemed).toBe(1);
    emu.setClock(sub.items.data[0]!.current_period_end + 3600);
    const second = await latestInvoice(await stripe.subscriptions.retrieve(sub.id));
    expect(second).toMatchObject({ subtotal: 2000, total: 2000 });

    const forever = await stripe.coupons.create({
      amount_off: 300,
      currency: "usd",
      duration: "forever",
    });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: forever.id },
      code: "SAVE3",
    });
    const other = await customerWith();
    const promoted = await stripe.subscriptions.create({
      customer: other.customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ promotion_code: promo.id }],
    });
    expect(await latestInvoice(promoted)).toMatchObject({ total: 1700 });
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
    const discount = (await stripe.events.list({ type: "customer.discount.created" })).data[0]!.data
      .object as Stripe.Discount;
    expect(discount).toMatchObject({
      object: "discount",
      promotion_code: promo.id,
      source: { coupon: forever.id, type: "coupon" },
      subscription: promoted.id,
    });
  });

  it("spreads an amount_off coupon over the lines; a coupon larger than the invoice makes it $0", async () => {
    const { prices } = await catalog([1000, 3000]);
    const { customer } = await customerWith();
    const off = await stripe.coupons.create({
      amount_off: 999,
      currency: "usd",
      duration: "forever",
    });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }, { price: prices[1]!.id }],
      discounts: [{ coupon: off.id }],
    });
    const invoice = await latestInvoice(sub);
    expect(invoice).toMatchObject({ subtotal: 4000, total: 3001, amount_paid: 3001 });
    const shares = invoice.lines.data.map((l) => l.discount_amounts?.[0]?.amount ?? 0);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(999);
    expect(shares).toEqual([249, 750]);

    const huge = await stripe.coupons.create({
      amount_off: 50_000,
      currency: "usd",
      duration: "once",
    });
    const other = await customerWith();
    const free = await stripe.subscriptions.create({
      customer: other.customer.id,
      items: [{ price: prices[0]!.id }],
      discounts: [{ coupon: huge.id }],
    });
    expect(free.status).toBe("active");
    expect(await latestInvoice(free)).toMatchObject({
      total: 0,
      amount_due: 0,
      status: "paid",
      attempt_count: 0,
    });
  });

  it("lists with status filters and auto-pagination over status=all", async () => {
    const { prices } = await catalog();
    const { customer } = await customerWith();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await stripe.subscriptions.create({
            customer: customer.id,
            items: [{ price: prices[0]!.id }],
          })
        ).id,
      );
    }
    await stripe.subscriptions.cancel(ids[1]!);
    await stripe.subscriptions.cancel(ids[3]!);
    const all = await stripe.subscriptions
      .list({ status: "all", limit: 2 })
      .autoPagingToArray({ limit: 100 });
    expect(all.map((s) => s.id)).toEqual([...ids].reverse());
    const live = await stripe.subscriptions.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(live.map((s) => s.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect((await stripe.subscriptions.list({ status: "canceled" })).data.map((s) => s.id)).toEqual(
      [ids[3], ids[1]],
    );
    expect((await stripe.subscriptions.list({ status: "ended" })).data).toHaveLength(2);
    expect((await stripe.subscriptions.list({ price: prices[1]!.id })).data).toHaveLength(0);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: "active" })).data,
    ).toHaveLength(3);
    await expect(stripe.subscriptions.list({ status: "nope" as "all" })).rejects.toMatchObject({
      param: "status",
    });
    const invoices = await stripe.invoices
      .list({ customer: customer.id, limit: 2 })
      .autoPagingToArray({ limit: 100 });
    expect(invoices).toHaveLength(5);
  });

  it("searches subscriptions by status, customer and metadata", async () => {
    const { prices } = await catalog();
    const a = await customerWith();
    const b = await customerWith();
    const s1 = await stripe.subscriptions.create({
      customer: a.customer.id,
      items: [{ price: prices[0]!.id }],
      metadata: { team: "red" },
    });
    await stripe.subscriptions.create({
      customer: b.customer.id,
      items: [{ price: prices[0]!.id }],
      metadata: { team: "blue" },
    });
    const found = await stripe.subscriptions.search({
      query: `status:'active' AND metadata['team']:'red'`,
    });
    expect(found.data.map((s) => s.id)).toEqual([s1.id]);
    const byCustomer = await stripe.subscriptions.search({ query: `customer:'${b.customer.id}'` });
    expect(byCustomer.data).toHaveLength(1);
    await expect(stripe.subscriptions.search({ query: "price>3" })).rejects.toMatchObject({
      param: "query",
    });
  });

  it("subscription items: add, update and delete through the items endpoints", async () => {
    const { prices } = await catalog([1000, 500]);
    const { customer } = await customerWith();
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: prices[0]!.id }],
    });
    const added = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price: prices[1]!.id,
      quantity: 2,
      proration_behavior: "none",
    });
    expect(added).toMatchObject({ object: "subscription_item", subscription: sub.id, quantity: 2 });
    const updated = await stripe.subscriptionItems.update(added.id, {
      quantity: 4,
      proration_behavior: "none",
    });
    expect(updated.quantity).toBe(4);
    const listed = await stripe.subscriptionItems.list({ subscription: sub.id });
    expect(listed.data.map((i) => i.id)).toEqual([sub.items.data[0]!.id, added.id]);
    const inline = await stripe.subscriptionItems.create({
      subscription: sub.id,
      price_data: {
        currency: "usd",
        product: prices[0]!.product as string,
        unit_amount: 250,
        recurring: { interval: "month" },
      },
      proration_behavior: "none",
    });
    expect(inline.price).toMatchObject({ unit_amount: 250, active: false });
    await stripe.subscriptionItems.del(inline.id, { proration_behavior: "none" });
    const deleted = await stripe.subscriptionItems.del(added.id, { proration_behavior: "none" });
    expect(deleted).toEqual({ id: added.id, object: "subscription_item", deleted: true });
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1);
    await expect(stripe.subscriptionItems.del(sub.items.data[0]!.id)).rejects.toMatchObject({
      param: "items",
      statusCode: 400,
    });
  });
});

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
