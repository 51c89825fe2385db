import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  DAY,
  SECRET,
  START,
  catalog,
  customerWith,
  emu,
  lastEventId,
  latestInvoice,
  oneTimePrice,
  receiver,
  stripe,
  typesSince,
  useBillingEmulator,
} from "./billing-setup.ts";

/** Subscription creation through the SDK: payment behaviours, trials, anchors, discounts, add_invoice_items. */

useBillingEmulator();

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
