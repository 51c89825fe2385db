import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { alertText, card, getPage, postForm } from "../pages/form-client.ts";
import { missingKeys } from "./sdk-shape.ts";
import {
  SECRET,
  emu,
  eventTypes,
  expectOrder,
  monthlyPrice,
  oneTimePrice,
  receiver,
  stripe,
  useCheckoutEmulator,
} from "./checkout-setup.ts";

/** The hosted checkout page in subscription and setup mode, renewals after it, fixtures and the control API. */

useCheckoutEmulator();

describe("hosted checkout: subscription mode", () => {
  it("creates the customer, makes the card their default and starts the subscription", async () => {
    const price = await monthlyPrice(1500);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome?cs={CHECKOUT_SESSION_ID}",
      subscription_data: { metadata: { plan: "pro" } },
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Subscribe to Pro plan");
    expect(page.html).toContain(">Subscribe</button>");
    const res = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "sub@example.com" }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`https://app.example/welcome?cs=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription", "customer", "invoice"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", amount_total: 1500 });
    const sub = done.subscription as Stripe.Subscription;
    const customer = done.customer as Stripe.Customer;
    expect(sub).toMatchObject({
      status: "active",
      metadata: { plan: "pro" },
      customer: customer.id,
    });
    expect(customer.email).toBe("sub@example.com");
    expect(customer.invoice_settings.default_payment_method).toEqual(expect.stringMatching(/^pm_/));
    expect((done.invoice as Stripe.Invoice).status).toBe("paid");
    expect((await stripe.checkout.sessions.list({ subscription: sub.id })).data).toHaveLength(1);
    const types = await eventTypes();
    expectOrder(types, [
      "customer.created",
      "payment_method.attached",
      "customer.updated",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "checkout.session.completed",
    ]);
    expect(types.at(-1)).toBe("checkout.session.completed");
  });

  it("starts a trial without charging and shows it on the page", async () => {
    const price = await monthlyPrice(1500);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
      subscription_data: { trial_period_days: 14 },
    });
    expect(session).toMatchObject({ amount_total: 0, amount_subtotal: 0 });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("14 days free");
    expect(page.html).toContain("Start trial");
    await postForm(session.url ?? "", card("4242424242424242", { email: "trial@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
    expect(done.payment_status).toBe("no_payment_required");
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.status).toBe("trialing");
    expect(sub.trial_end).toBe(sub.start_date + 14 * 86400);
    expect((await stripe.charges.list()).data).toHaveLength(0);
  });

  it("sets up a 3-D Secure card during a trial so the renewal charges it off-session", async () => {
    const price = await monthlyPrice(1500);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
      subscription_data: { trial_period_days: 14 },
    });
    const res = await postForm(
      session.url ?? "",
      card("4000002500003155", { email: "trial3ds@example.com" }),
    );
    expect(res.location).toBe(`${emu.url}/c/auth/${session.id}`);
    expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    const approved = await postForm(res.location ?? "", { action: "complete" });
    expect(approved.location).toBe("https://app.example/welcome");
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required" });
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.status).toBe("trialing");
    expectOrder(await eventTypes(), [
      "customer.created",
      "setup_intent.created",
      "setup_intent.requires_action",
      "payment_method.attached",
      "setup_intent.succeeded",
      "customer.subscription.created",
      "checkout.session.completed",
    ]);
    emu.advanceClock(14 * 86400 + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(renewed.status).toBe("active");
    expect((renewed.latest_invoice as Stripe.Invoice).status).toBe("paid");
  });

  it("bills one-time prices on the first invoice, also during a trial", async () => {
    const monthly = await monthlyPrice(1500);
    const setupFee = await oneTimePrice(5000, "Onboarding");
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [
        { price: monthly.id, quantity: 1 },
        { price: setupFee.id, quantity: 1 },
      ],
      success_url: "https://app.example/welcome",
      subscription_data: { trial_period_days: 7 },
    });
    expect(session).toMatchObject({ amount_subtotal: 5000, amount_total: 5000 });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Onboarding");
    expect(page.html).toMatch(
      /Total due today<\/td><td class="num" data-testid="total-due">\$50\.00/,
    );
    await postForm(session.url ?? "", card("4242424242424242", { email: "fee@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["invoice", "subscription"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect((done.subscription as Stripe.Subscription).status).toBe("trialing");
    const invoice = done.invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 5000 });
    expect(invoice.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([0, 5000]);
  });

  it("asks again for the payment when a trial with a setup fee uses a 3DS card", async () => {
    const monthly = await monthlyPrice(1500);
    const setupFee = await oneTimePrice(5000, "Onboarding");
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [
        { price: monthly.id, quantity: 1 },
        { price: setupFee.id, quantity: 1 },
      ],
      success_url: "https://app.example/welcome",
      subscription_data: { trial_period_days: 7 },
    });
    const first = await postForm(
      session.url ?? "",
      card("4000002500003155", { email: "x@example.com" }),
    );
    const setup = await postForm(first.location ?? "", { action: "complete" });
    expect(setup.location).toBe(`${emu.url}/c/auth/${session.id}`);
    expect((await getPage(setup.location ?? "")).html).toContain("$50.00");
    const paid = await postForm(setup.location ?? "", { action: "complete" });
    expect(paid.location).toBe("https://app.example/welcome");
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["invoice"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect((done.invoice as Stripe.Invoice).amount_paid).toBe(5000);
  });

  it("declines without leaving a customer or subscription behind", async () => {
    const price = await monthlyPrice(1500);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
    });
    const res = await postForm(
      session.url ?? "",
      card("4000000000009995", { email: "poor@example.com" }),
    );
    expect(res.status).toBe(402);
    expect(alertText(res.html)).toBe("Your card has insufficient funds.");
    expect((await stripe.customers.list()).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ status: "all" })).data).toHaveLength(0);
    expect((await stripe.invoices.list()).data).toHaveLength(0);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    // A later card starts the one subscription.
    await postForm(session.url ?? "", card("4242424242424242", { email: "poor@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    const subs = await stripe.subscriptions.list({ status: "all" });
    expect(subs.data.map((s) => [s.id, s.status])).toEqual([[done.subscription, "active"]]);
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it("authenticates the first payment with 3-D Secure before activating", async () => {
    const price = await monthlyPrice(1500);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
    });
    const res = await postForm(
      session.url ?? "",
      card("4000002500003155", { email: "3ds@example.com" }),
    );
    expect(res.location).toBe(`${emu.url}/c/auth/${session.id}`);
    const approved = await postForm(res.location ?? "", { action: "complete" });
    expect(approved.location).toBe("https://app.example/welcome");
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect((done.subscription as Stripe.Subscription).status).toBe("active");
    // Paid exactly once.
    const paid = (await eventTypes()).filter((t) => t === "invoice.paid");
    expect(paid).toHaveLength(1);
    expect((await stripe.invoices.list()).data[0]?.amount_paid).toBe(1500);
  });

  it("applies a promotion code to the subscription", async () => {
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: "once" });
    await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "HALF",
    });
    const price = await monthlyPrice(2000);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
      allow_promotion_codes: true,
    });
    const applied = await postForm(session.url ?? "", {
      action: "apply_promo",
      promotion_code: "HALF",
    });
    expect(applied.html).toContain("$10.00");
    await postForm(session.url ?? "", card("4242424242424242", { email: "half@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["invoice"] });
    expect(done.amount_total).toBe(1000);
    expect((done.invoice as Stripe.Invoice).amount_paid).toBe(1000);
  });
});

describe("hosted checkout: setup mode", () => {
  it("saves the card on the customer through a setup intent", async () => {
    const customer = await stripe.customers.create({ email: "setup@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "https://app.example/saved?cs={CHECKOUT_SESSION_ID}",
      setup_intent_data: { metadata: { purpose: "renewals" } },
    });
    expect(session).toMatchObject({
      payment_status: "no_payment_required",
      amount_total: null,
      setup_intent: null,
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Save card");
    const res = await postForm(session.url ?? "", card("4242424242424242"));
    expect(res.location).toBe(`https://app.example/saved?cs=${session.id}`);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["setup_intent"] });
    const si = done.setup_intent as Stripe.SetupIntent;
    expect(si).toMatchObject({
      status: "succeeded",
      customer: customer.id,
      metadata: { purpose: "renewals" },
    });
    const pms = await stripe.paymentMethods.list({ customer: customer.id, type: "card" });
    expect(pms.data.map((pm) => pm.id)).toEqual([si.payment_method]);
    expectOrder(await eventTypes(), [
      "setup_intent.created",
      "payment_method.attached",
      "setup_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("asks for 3-D Secure on 3155 and fails cleanly", async () => {
    const customer = await stripe.customers.create({ email: "setup3ds@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "https://app.example/saved",
    });
    const res = await postForm(session.url ?? "", card("4000002500003155"));
    expect(res.location).toBe(`${emu.url}/c/auth/${session.id}`);
    const failed = await postForm(res.location ?? "", { action: "fail" });
    expect(failed.location).toBe(`${emu.url}/c/pay/${session.id}`);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    const retry = await postForm(session.url ?? "", card("4000002500003155"));
    const approved = await postForm(retry.location ?? "", { action: "complete" });
    expect(approved.location).toBe("https://app.example/saved");
    expect((await stripe.paymentMethods.list({ customer: customer.id })).data).toHaveLength(1);
  });
});

describe("checkout to renewal, end to end", () => {
  it("renews a subscription bought with 4242 a month later, with signed webhooks", async () => {
    const price = await monthlyPrice(2900, "Studio");
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
    });
    await postForm(session.url ?? "", card("4242424242424242", { email: "renew@example.com" }));
    const subId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    await emu.flushWebhooks();
    receiver.received.length = 0;

    emu.advanceClock(32 * 86400);
    await emu.flushWebhooks();
    const types = receiver.types();
    expectOrder(types, ["invoice.created", "invoice.finalized", "invoice.paid"]);
    for (const delivery of receiver.received) {
      const event = stripe.webhooks.constructEvent(
        delivery.body,
        delivery.headers["stripe-signature"] as string,
        SECRET,
      );
      expect(event.id).toBe(delivery.event.id);
    }
    const invoices = await stripe.invoices.list({ subscription: subId });
    expect(invoices.data.map((i) => [i.billing_reason, i.status])).toEqual([
      ["subscription_cycle", "paid"],
      ["subscription_create", "paid"],
    ]);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe("active");
  });

  it("with 0341 the first renewal fails, goes past_due and is canceled after the retries", async () => {
    const price = await monthlyPrice(2900, "Studio");
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/welcome",
      subscription_data: { trial_period_days: 7 },
    });
    // The card attaches fine (the trial charges nothing); every later charge fails.
    const res = await postForm(
      session.url ?? "",
      card("4000000000000341", { email: "fail@example.com" }),
    );
    expect(res.status).toBe(303);
    const subId = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe("trialing");

    emu.advanceClock(7 * 86400 + 2 * 3600);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe("past_due");
    emu.advanceClock(8 * 86400);
    const sub = await stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe("canceled");
    await emu.flushWebhooks();
    expectOrder(receiver.types(), [
      "checkout.session.completed",
      "invoice.payment_failed",
      "customer.subscription.updated",
      "customer.subscription.deleted",
    ]);
  });
});

describe("fixtures cross-check (checkout and portal)", () => {
  it("has every fixture key the SDK types still declare", async () => {
    const price = await oneTimePrice();
    const open = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok",
    });
    await postForm(open.url ?? "", card("4242424242424242", { email: "f@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(open.id);
    const [item] = (await stripe.checkout.sessions.listLineItems(open.id)).data;
    const customer = await stripe.customers.create({ email: "p@example.com" });
    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "https://app.example",
    });
    const config = await stripe.billingPortal.configurations.retrieve(
      portal.configuration as string,
    );
    const checks: [string, string, object, string][] = [
      ["checkout.session", "Session", open, "/Checkout/Sessions.d.ts"],
      ["checkout.session", "Session", done, "/Checkout/Sessions.d.ts"],
      ["item", "LineItem", item ?? {}, "/LineItems.d.ts"],
      ["billing_portal.session", "Session", portal, "/BillingPortal/Sessions.d.ts"],
      [
        "billing_portal.configuration",
        "Configuration",
        config,
        "/BillingPortal/Configurations.d.ts",
      ],
    ];
    for (const [type, iface, object, file] of checks) {
      expect(missingKeys(type, iface, object, file), type).toEqual([]);
    }
    // The check can fail: a bare session misses the fixture's keys.
    expect(
      missingKeys("checkout.session", "Session", { id: "cs_1" }, "/Checkout/Sessions.d.ts"),
    ).toEqual(expect.arrayContaining(["amount_total", "customer_details", "payment_status"]));
  });
});

describe("control API for checkout (tests and demos)", () => {
  async function control(path: string, body: unknown) {
    const res = await fetch(`${emu.url}/_emulator${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it("completes a session without the page, with promotion code, shipping and 3DS", async () => {
    const coupon = await stripe.coupons.create({
      amount_off: 500,
      currency: "usd",
      duration: "once",
    });
    await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "FIVE",
    });
    const price = await oneTimePrice(2000);
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok?cs={CHECKOUT_SESSION_ID}",
      allow_promotion_codes: true,
      shipping_address_collection: { allowed_countries: ["US"] },
    });
    const declined = await control(`/checkout/sessions/${session.id}/complete`, {
      card: "4000000000000002",
      email: "c@example.com",
      shipping: { name: "C", line1: "1 St", city: "X", postal_code: "1", country: "US" },
    });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({
      message: "Your card was declined.",
      code: "card_declined",
      decline_code: "generic_decline",
    });
    // The failed attempt is kept, as on the page; the next attempt confirms the same intent.
    const attempt = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent;
    expect(attempt).toMatch(/^pi_/);

    const pending = await control(`/checkout/sessions/${session.id}/complete`, {
      card: "4000002500003155",
      email: "c@example.com",
      promotion_code: "FIVE",
      shipping: { name: "C", line1: "1 St", city: "X", postal_code: "1", country: "US" },
    });
    expect(pending.body.status).toBe("requires_action");
    const done = await control(`/checkout/sessions/${session.id}/authenticate`, { approve: true });
    expect(done.body).toMatchObject({
      status: "complete",
      redirect: `https://shop.example/ok?cs=${session.id}`,
      session: {
        status: "complete",
        amount_total: 1500,
        payment_status: "paid",
        payment_intent: attempt,
      },
    });
    expect(await stripe.paymentIntents.retrieve(attempt as string)).toMatchObject({
      status: "succeeded",
      amount: 1500,
      amount_received: 1500,
    });
    const again = await control(`/checkout/sessions/${session.id}/complete`, {});
    expect(again.status).toBe(400);
  });
});
