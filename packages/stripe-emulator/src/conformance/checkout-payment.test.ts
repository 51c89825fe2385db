import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { alertText, card, getPage, postForm } from "../pages/form-client.ts";
import {
  SECRET,
  emu,
  eventTypes,
  expectOrder,
  oneTimePrice,
  receiver,
  stripe,
  useCheckoutEmulator,
} from "./checkout-setup.ts";

/** The hosted checkout page in payment mode. */

useCheckoutEmulator();

describe("hosted checkout: payment mode", () => {
  async function paymentSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
    const price = await oneTimePrice(2000);
    const mug = await oneTimePrice(1250, "Mug");
    return stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [
        { price: price.id, quantity: 1 },
        { price: mug.id, quantity: 2 },
      ],
      success_url: "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "https://shop.example/cart",
      payment_intent_data: { metadata: { source: "checkout" } },
      ...extra,
    });
  }

  it("renders an accessible form with the order summary", async () => {
    const session = await paymentSession();
    const page = await getPage(session.url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain("T-shirt");
    expect(page.html).toContain("Mug");
    expect(page.html).toContain("$45.00");
    expect(page.html).toContain("Pay $45.00");
    for (const label of [
      "Email",
      "Card number",
      "Expiration (MM / YY)",
      "CVC",
      "Cardholder name",
    ]) {
      expect(page.html).toMatch(
        new RegExp(`<label for="[^"]+">${label.replace(/[()/]/g, "\\$&")}</label>`),
      );
    }
    expect(page.html).toContain('href="https://shop.example/cart"');
    expect(page.html).not.toContain("<script");
  });

  it("pays with 4242, completes the session and emits events in Stripe's order", async () => {
    const session = await paymentSession();
    const res = await postForm(
      session.url ?? "",
      card("4242 4242 4242 4242", { email: "ada@example.com" }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`https://shop.example/thanks?session_id=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "paid",
      url: null,
      customer: null,
      customer_details: { email: "ada@example.com", name: "Ada Lovelace" },
    });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      status: "succeeded",
      amount: 4500,
      currency: "usd",
      metadata: { source: "checkout" },
    });
    expect((await stripe.checkout.sessions.list({ payment_intent: pi.id })).data[0]?.id).toBe(
      session.id,
    );
    const types = await eventTypes();
    expectOrder(types, [
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    expect(types.at(-1)).toBe("checkout.session.completed");

    // The page now says the session is complete instead of taking another payment.
    const again = await getPage(session.url ?? `${emu.url}/c/pay/${session.id}`);
    expect(again.html).toContain("Thanks for your order");
    const resubmit = await postForm(
      `${emu.url}/c/pay/${session.id}`,
      card("4242424242424242", { email: "ada@example.com" }),
    );
    expect(resubmit.status).toBe(200);
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);

    await emu.flushWebhooks();
    const completed = receiver.received.find((r) => r.event.type === "checkout.session.completed");
    const event = stripe.webhooks.constructEvent(
      completed?.body ?? "",
      completed?.headers["stripe-signature"] as string,
      SECRET,
    );
    expect((event.data.object as Stripe.Checkout.Session).payment_intent).toBe(pi.id);
  });

  it("collects the shipping address, limited to the allowed countries", async () => {
    const session = await paymentSession({
      shipping_address_collection: { allowed_countries: ["US", "CA"] },
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain('<option value="CA">Canada</option>');
    expect(page.html).not.toContain('value="FR"');
    const shipping = {
      shipping_name: "Ada Lovelace",
      shipping_line1: "1 Main St",
      shipping_city: "Springfield",
      shipping_state: "IL",
      shipping_postal_code: "62701",
    };
    const bad = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "ada@example.com", ...shipping, shipping_country: "FR" }),
    );
    expect(bad.status).toBe(400);
    expect(alertText(bad.html)).toBe("We can't ship to this country.");
    const ok = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "ada@example.com", ...shipping, shipping_country: "US" }),
    );
    expect(ok.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done.collected_information?.shipping_details).toEqual({
      name: "Ada Lovelace",
      address: {
        line1: "1 Main St",
        line2: null,
        city: "Springfield",
        state: "IL",
        postal_code: "62701",
        country: "US",
      },
    });
    expect((done.payment_intent as Stripe.PaymentIntent).shipping?.address?.city).toBe(
      "Springfield",
    );
  });

  it("re-renders the form for an incorrect card number and changes nothing", async () => {
    const session = await paymentSession();
    const before = await eventTypes();
    const number = "4242424242424241";
    const res = await postForm(session.url ?? "", card(number, { email: "ada@example.com" }));
    expect(res.status).toBe(402);
    expect(alertText(res.html)).toBe("Your card number is incorrect.");
    // The email is kept; the card number never echoes back.
    expect(res.html).toContain('value="ada@example.com"');
    expect(res.html).not.toContain(number);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "open",
      payment_intent: null,
    });
    expect((await stripe.paymentIntents.list()).data).toHaveLength(0);
    expect(await eventTypes()).toEqual(before);
  });

  it.each([
    ["4000000000000002", "Your card was declined.", "generic_decline"],
    ["4000000000009995", "Your card has insufficient funds.", "insufficient_funds"],
    ["4000000000000341", "Your card was declined.", "generic_decline"],
  ])(
    "keeps the declined attempt for %s as Stripe does: intent, failed charge and events",
    async (number, message, declineCode) => {
      const session = await paymentSession();
      const before = await eventTypes();
      const res = await postForm(session.url ?? "", card(number, { email: "ada@example.com" }));
      expect(res.status).toBe(402);
      expect(alertText(res.html)).toBe(message);
      expect(res.html).toContain('value="ada@example.com"');
      expect(res.html).not.toContain(number);

      const open = await stripe.checkout.sessions.retrieve(session.id, {
        expand: ["payment_intent.latest_charge"],
      });
      expect(open).toMatchObject({ status: "open", payment_status: "unpaid" });
      const pi = open.payment_intent as Stripe.PaymentIntent;
      expect(pi).toMatchObject({
        status: "requires_payment_method",
        amount: 4500,
        metadata: { source: "checkout" },
        payment_method: null,
        last_payment_error: {
          type: "card_error",
          code: "card_declined",
          decline_code: declineCode,
          message,
          payment_method: { object: "payment_method", card: { last4: number.slice(-4) } },
        },
      });
      const charge = pi.latest_charge as Stripe.Charge;
      expect(pi.last_payment_error?.charge).toBe(charge.id);
      expect(charge).toMatchObject({
        status: "failed",
        paid: false,
        captured: false,
        amount: 4500,
        payment_intent: pi.id,
        failure_code: "card_declined",
        failure_message: message,
        outcome: { type: "issuer_declined", reason: declineCode },
      });
      expect((await eventTypes()).slice(before.length)).toEqual([
        "payment_intent.created",
        "charge.failed",
        "payment_intent.payment_failed",
      ]);
    },
  );

  it("confirms the same payment intent when a later attempt succeeds", async () => {
    const session = await paymentSession();
    const before = await eventTypes();
    const declined = await postForm(
      session.url ?? "",
      card("4000000000000002", { email: "ada@example.com" }),
    );
    expect(declined.status).toBe(402);
    const afterDecline = await stripe.checkout.sessions.retrieve(session.id);
    expect(afterDecline.payment_intent).toMatch(/^pi_/);
    const insufficient = await postForm(
      session.url ?? "",
      card("4000000000009995", { email: "ada@example.com" }),
    );
    expect(alertText(insufficient.html)).toBe("Your card has insufficient funds.");
    const paid = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "ada@example.com" }),
    );
    expect(paid.location).toBe(`https://shop.example/thanks?session_id=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "paid",
      payment_intent: afterDecline.payment_intent,
    });
    const intents = await stripe.paymentIntents.list();
    expect(intents.data.map((pi) => pi.id)).toEqual([afterDecline.payment_intent]);
    expect(intents.data[0]).toMatchObject({
      status: "succeeded",
      amount_received: 4500,
      last_payment_error: null,
    });
    const charges = await stripe.charges.list({ payment_intent: done.payment_intent as string });
    // Newest first: the success, then the two declines.
    expect(charges.data.map((c) => c.status)).toEqual(["succeeded", "failed", "failed"]);
    expect(intents.data[0]?.latest_charge).toBe(charges.data[0]?.id);
    expect((await eventTypes()).slice(before.length)).toEqual([
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
      "charge.failed",
      "payment_intent.payment_failed",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("reuses the customer an earlier declined attempt created", async () => {
    const session = await paymentSession({ customer_creation: "always" });
    await postForm(session.url ?? "", card("4000000000000002", { email: "first@example.com" }));
    await postForm(session.url ?? "", card("4242424242424242", { email: "second@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done.status).toBe("complete");
    const customers = await stripe.customers.list();
    expect(customers.data).toHaveLength(1);
    expect(customers.data[0]?.email).toBe("second@example.com");
    expect(done.customer).toBe(customers.data[0]?.id);
    expect((done.payment_intent as Stripe.PaymentIntent).customer).toBe(done.customer);
    expectOrder(await eventTypes(), [
      "customer.created",
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
      "customer.updated",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("cancels the declined attempt when the session expires", async () => {
    const session = await paymentSession();
    await postForm(session.url ?? "", card("4000000000000002", { email: "ada@example.com" }));
    await stripe.checkout.sessions.expire(session.id);
    const expired = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(expired.payment_intent).toMatchObject({
      status: "canceled",
      cancellation_reason: "abandoned",
    });
    expectOrder(await eventTypes(), [
      "payment_intent.payment_failed",
      "payment_intent.canceled",
      "checkout.session.expired",
    ]);
  });

  it("labels the shipping region after the country the form knows", async () => {
    const label = (html: string) => /<label for="f-shipping_state">([^<]*)</.exec(html)?.[1];
    const both = await paymentSession({
      shipping_address_collection: { allowed_countries: ["US", "CA"] },
    });
    expect(label((await getPage(both.url ?? "")).html)).toBe("State / Province / Region");
    // A re-rendered form knows the country that was submitted.
    const missing = await postForm(
      both.url ?? "",
      card("4242424242424242", { email: "ada@example.com", shipping_country: "CA" }),
    );
    expect(alertText(missing.html)).toBe("Enter the name for shipping.");
    expect(label(missing.html)).toBe("Province");
    for (const [country, expected] of [
      ["CA", "Province"],
      ["US", "State"],
      ["GB", "Region"],
    ] as const) {
      const only = await paymentSession({
        shipping_address_collection: { allowed_countries: [country] },
      });
      expect(label((await getPage(only.url ?? "")).html)).toBe(expected);
    }
  });

  it("collects a required billing address and updates a known customer when asked", async () => {
    const customer = await stripe.customers.create({ email: "bill@example.com" });
    const session = await paymentSession({
      customer: customer.id,
      billing_address_collection: "required",
      shipping_address_collection: { allowed_countries: ["US"] },
      customer_update: { address: "auto", shipping: "auto", name: "auto" },
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Billing address line 1");
    const fields = {
      shipping_name: "Ada Lovelace",
      shipping_line1: "1 Main St",
      shipping_city: "Springfield",
      shipping_postal_code: "62701",
      shipping_country: "US",
    };
    const missing = await postForm(
      session.url ?? "",
      card("4242424242424242", { ...fields, billing_country: "GB" }),
    );
    expect(alertText(missing.html)).toBe("Enter a billing address.");
    expect(missing.html).toMatch(/id="f-billing_line1"[^>]*aria-invalid="true"/);
    const res = await postForm(
      session.url ?? "",
      card("4242424242424242", {
        ...fields,
        billing_line1: "10 Downing St",
        billing_city: "London",
        billing_postal_code: "SW1A 2AA",
        billing_country: "GB",
      }),
    );
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.customer_details?.address).toMatchObject({ line1: "10 Downing St", country: "GB" });
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(updated).toMatchObject({
      name: "Ada Lovelace",
      address: { line1: "10 Downing St", city: "London" },
      shipping: { name: "Ada Lovelace", address: { line1: "1 Main St" } },
    });
  });

  it("validates the form fields before charging anything", async () => {
    const session = await paymentSession();
    const noEmail = await postForm(session.url ?? "", card("4242424242424242"));
    expect(noEmail.status).toBe(400);
    expect(alertText(noEmail.html)).toBe("Enter your email address.");
    const past = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "a@example.com", card_expiry: "01 / 20" }),
    );
    expect(alertText(past.html)).toBe("Your card's expiration date is in the past.");
  });

  it("locks the email of a known customer and charges them", async () => {
    const customer = await stripe.customers.create({ email: "known@example.com", name: "Known" });
    const session = await paymentSession({ customer: customer.id });
    const page = await getPage(session.url ?? "");
    expect(page.html).toMatch(/value="known@example.com"[^>]*readonly/);
    const res = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "other@example.com" }),
    );
    expect(res.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done.customer).toBe(customer.id);
    expect(done.customer_details?.email).toBe("known@example.com");
    expect((done.payment_intent as Stripe.PaymentIntent).customer).toBe(customer.id);
  });

  it("creates a customer when customer_creation is always", async () => {
    const session = await paymentSession({ customer_creation: "always" });
    await postForm(session.url ?? "", card("4242424242424242", { email: "new@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect((done.customer as Stripe.Customer).email).toBe("new@example.com");
    expectOrder(await eventTypes(), [
      "customer.created",
      "payment_intent.created",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("saves the card on a new customer when setup_future_usage is set", async () => {
    const session = await paymentSession({
      payment_intent_data: { setup_future_usage: "off_session" },
    });
    await postForm(session.url ?? "", card("4242424242424242", { email: "save@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    const customer = done.customer as string;
    expect(customer).toMatch(/^cus_/);
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi.setup_future_usage).toBe("off_session");
    const saved = await stripe.paymentMethods.list({ customer, type: "card" });
    expect(saved.data.map((pm) => pm.id)).toEqual([pi.payment_method]);
  });

  it("runs 3-D Secure: approving completes the payment", async () => {
    const session = await paymentSession();
    const res = await postForm(
      session.url ?? "",
      card("4000002500003155", { email: "ada@example.com" }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${emu.url}/c/auth/${session.id}`);
    const challenge = await getPage(res.location ?? "");
    expect(challenge.html).toContain("Complete authentication");
    expect(challenge.html).toContain("Fail authentication");
    expect(challenge.html).toContain("$45.00");
    const pending = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(pending.status).toBe("open");
    expect((pending.payment_intent as Stripe.PaymentIntent).status).toBe("requires_action");

    const approved = await postForm(res.location ?? "", { action: "complete" });
    expect(approved.status).toBe(303);
    expect(approved.location).toBe(`https://shop.example/thanks?session_id=${session.id}`);
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done.status).toBe("complete");
    expect((done.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
    expectOrder(await eventTypes(), [
      "payment_intent.created",
      "payment_intent.requires_action",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("runs 3-D Secure: failing returns to the form with an error, and a new card can pay", async () => {
    const session = await paymentSession();
    const res = await postForm(
      session.url ?? "",
      card("4000002500003155", { email: "ada@example.com" }),
    );
    const failed = await postForm(res.location ?? "", { action: "fail" });
    expect(failed.status).toBe(303);
    expect(failed.location).toBe(`${emu.url}/c/pay/${session.id}`);
    const form = await getPage(failed.location ?? "");
    expect(alertText(form.html)).toBe(
      "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
    );
    expect(form.html).toContain('value="ada@example.com"');
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect(await eventTypes()).toContain("payment_intent.payment_failed");
    expect(await eventTypes()).not.toContain("checkout.session.completed");
    // The challenge page is gone once answered.
    expect((await getPage(`${emu.url}/c/auth/${session.id}`)).status).toBe(303);

    const retry = await postForm(
      session.url ?? "",
      card("4242424242424242", { email: "ada@example.com" }),
    );
    expect(retry.status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("complete");
  });

  it("cancels a payment intent left waiting for 3-D Secure when the session expires", async () => {
    const session = await paymentSession();
    await postForm(session.url ?? "", card("4000002500003155", { email: "ada@example.com" }));
    await stripe.checkout.sessions.expire(session.id);
    const expired = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect((expired.payment_intent as Stripe.PaymentIntent).status).toBe("canceled");
    expectOrder(await eventTypes(), ["payment_intent.canceled", "checkout.session.expired"]);
    expect((await getPage(`${emu.url}/c/auth/${session.id}`)).status).toBe(410);
  });

  it("applies a promotion code entered on the page and recalculates the total", async () => {
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: "once" });
    const promo = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "SPRING20",
    });
    const session = await paymentSession({ allow_promotion_codes: true });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Promotion code");

    const wrong = await postForm(session.url ?? "", {
      action: "apply_promo",
      promotion_code: "NOPE",
    });
    expect(wrong.status).toBe(400);
    expect(alertText(wrong.html)).toBe("This code is invalid.");

    const applied = await postForm(session.url ?? "", {
      action: "apply_promo",
      promotion_code: "spring20",
    });
    expect(applied.status).toBe(200);
    expect(applied.html).toContain("Pay $36.00");
    expect(applied.html).toContain("−$9.00");
    const updated = await stripe.checkout.sessions.retrieve(session.id);
    expect(updated).toMatchObject({
      amount_subtotal: 4500,
      amount_total: 3600,
      total_details: { amount_discount: 900 },
      discounts: [{ coupon: coupon.id, promotion_code: promo.id }],
    });
    await postForm(session.url ?? "", card("4242424242424242", { email: "ada@example.com" }));
    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect((done.payment_intent as Stripe.PaymentIntent).amount).toBe(3600);
    expect((await stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.reduce((s, li) => s + li.amount_discount, 0)).toBe(900);
  });

  it("takes discounts given at creation", async () => {
    const coupon = await stripe.coupons.create({
      amount_off: 500,
      currency: "usd",
      duration: "once",
    });
    const session = await paymentSession({ discounts: [{ coupon: coupon.id }] });
    expect(session).toMatchObject({ amount_subtotal: 4500, amount_total: 4000 });
  });

  it("lets the customer change an adjustable quantity within bounds", async () => {
    const price = await oneTimePrice(1000, "Sticker");
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [
        {
          price: price.id,
          quantity: 1,
          adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 },
        },
      ],
      success_url: "https://shop.example/ok",
    });
    const [li] = (await stripe.checkout.sessions.listLineItems(session.id)).data;
    const tooMany = await postForm(session.url ?? "", {
      action: "update_quantity",
      line_item: li?.id ?? "",
      quantity: "9",
    });
    expect(alertText(tooMany.html)).toBe("Quantity must be between 1 and 5.");
    const ok = await postForm(session.url ?? "", {
      action: "update_quantity",
      line_item: li?.id ?? "",
      quantity: "3",
    });
    expect(ok.html).toContain("Pay $30.00");
    expect((await stripe.checkout.sessions.retrieve(session.id)).amount_total).toBe(3000);
  });
});
