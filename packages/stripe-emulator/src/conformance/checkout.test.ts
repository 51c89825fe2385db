import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { alertText, card, getPage, postForm } from "../pages/form-client.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../testing.ts";
import { missingKeys } from "./sdk-shape.ts";

let emu: EmulatorHandle;
let stripe: Stripe;
let receiver: WebhookReceiver;
const SECRET = "whsec_test_checkout";

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  emu = await startEmulator({
    deterministic: { seed: "checkout" },
    webhookEndpoints: [{ url: receiver.url, secret: SECRET }],
    webhookRetrySchedule: [20, 40],
  });
  stripe = emu.stripe("sk_test_checkout", { maxNetworkRetries: 0 });
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

async function oneTimePrice(amount = 2000, name = "T-shirt"): Promise<Stripe.Price> {
  return stripe.prices.create({ currency: "usd", unit_amount: amount, product_data: { name } });
}

async function monthlyPrice(amount = 1500, name = "Pro plan"): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: "usd",
    unit_amount: amount,
    recurring: { interval: "month" },
    product_data: { name },
  });
}

/** Event types in the order they were created (the API lists newest first). */
async function eventTypes(): Promise<string[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
  return all.reverse().map((e) => e.type);
}

/** Checks `expected` appear in this relative order within `actual`. */
function expectOrder(actual: string[], expected: string[]): void {
  let at = -1;
  for (const type of expected) {
    const next = actual.indexOf(type, at + 1);
    expect(next, `${type} after index ${at} in ${actual.join(", ")}`).toBeGreaterThan(at);
    at = next;
  }
}

describe("checkout sessions API", () => {
  it("creates a payment session with Stripe's shape and a hosted URL", async () => {
    const price = await oneTimePrice();
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: "https://shop.example/success?session={CHECKOUT_SESSION_ID}",
      cancel_url: "https://shop.example/cart",
      client_reference_id: "order-42",
      metadata: { order: "42" },
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: 4000,
      amount_total: 4000,
      currency: "usd",
      customer: null,
      client_reference_id: "order-42",
      metadata: { order: "42" },
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      url: `${emu.url}/c/pay/${session.id}`,
      ui_mode: "hosted_page",
    });
    expect(session.expires_at - session.created).toBe(24 * 3600);
    const fetched = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["line_items"],
    });
    expect(fetched.line_items?.data).toHaveLength(1);
    expect(fetched.line_items?.data[0]).toMatchObject({
      object: "item",
      description: "T-shirt",
      quantity: 2,
      amount_subtotal: 4000,
      amount_total: 4000,
      price: { id: price.id },
    });
    // No event for creating a session: Stripe emits none either.
    expect((await eventTypes()).filter((t) => t.startsWith("checkout"))).toEqual([]);
  });

  it("updates metadata (and refuses the custom-integration fields)", async () => {
    const price = await oneTimePrice();
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      metadata: { a: "1", b: "2" },
    });
    const updated = await stripe.checkout.sessions.update(session.id, {
      metadata: { b: "", c: "3" },
    });
    expect(updated.metadata).toEqual({ a: "1", c: "3" });
    const err = await stripe.checkout.sessions
      .update(session.id, { line_items: [{ price: price.id, quantity: 2 }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ param: "line_items", code: "parameter_unknown" });
  });

  it("auto-paginates line items in the order given", async () => {
    const prices = [];
    for (let i = 0; i < 5; i++) prices.push(await oneTimePrice(100 * (i + 1), `Item ${i}`));
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: prices.map((p) => ({ price: p.id, quantity: 1 })),
      success_url: "https://shop.example/ok",
    });
    const first = await stripe.checkout.sessions.listLineItems(session.id, { limit: 2 });
    expect(first.has_more).toBe(true);
    const all = await stripe.checkout.sessions
      .listLineItems(session.id, { limit: 2, expand: ["data.price.product"] })
      .autoPagingToArray({ limit: 100 });
    expect(all.map((li) => li.description)).toEqual([
      "Item 0",
      "Item 1",
      "Item 2",
      "Item 3",
      "Item 4",
    ]);
    expect((all[0]?.price?.product as Stripe.Product).name).toBe("Item 0");
    expect(session.amount_total).toBe(1500);
  });

  it("answers bad parameters with StripeInvalidRequestError naming the param", async () => {
    const price = await oneTimePrice();
    const monthly = await monthlyPrice();
    const cases: [Stripe.Checkout.SessionCreateParams, string][] = [
      [{ line_items: [{ price: price.id, quantity: 1 }] }, "mode"],
      [{ mode: "payment" }, "line_items"],
      [
        {
          mode: "payment",
          line_items: [
            {
              price_data: { currency: "usd", unit_amount: 20, product_data: { name: "Gum" } },
              quantity: 1,
            },
          ],
        },
        "line_items",
      ],
      [
        { mode: "payment", line_items: [{ price: "price_nope", quantity: 1 }] },
        "line_items[0][price]",
      ],
      [{ mode: "payment", line_items: [{ price: price.id }] }, "line_items[0][quantity]"],
      [
        { mode: "payment", line_items: [{ price: monthly.id, quantity: 1 }] },
        "line_items[0][price]",
      ],
      [{ mode: "subscription", line_items: [{ price: price.id, quantity: 1 }] }, "line_items"],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          customer: "cus_missing",
        },
        "customer",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          expires_at: Math.floor(emu.now()) + 60,
        },
        "expires_at",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          allow_promotion_codes: true,
          discounts: [{ coupon: "x" }],
        },
        "discounts",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          subscription_data: { trial_period_days: 7 },
        },
        "subscription_data",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          ui_mode: "embedded_page",
        },
        "ui_mode",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          cancel_url: "javascript:alert(1)",
        },
        "cancel_url",
      ],
      [
        { mode: "payment", line_items: [{ price: price.id, quantity: 1 }], success_url: "/ok" },
        "success_url",
      ],
      [
        {
          mode: "payment",
          line_items: [{ price: price.id, quantity: 1 }],
          shipping_address_collection: { allowed_countries: ["usa"] },
        },
        "shipping_address_collection[allowed_countries][0]",
      ],
    ];
    for (const [params, param] of cases) {
      const err = await stripe.checkout.sessions.create(params).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((err as Stripe.errors.StripeError).param, JSON.stringify(params)).toBe(param);
    }
    expect((await stripe.checkout.sessions.list()).data).toHaveLength(0);
  });

  it("lists sessions newest first with filters", async () => {
    const price = await oneTimePrice();
    const customer = await stripe.customers.create({ email: "list@example.com" });
    const a = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok",
      customer: customer.id,
    });
    const b = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok",
    });
    await stripe.checkout.sessions.expire(b.id);
    expect((await stripe.checkout.sessions.list()).data.map((s) => s.id)).toEqual([b.id, a.id]);
    expect(
      (await stripe.checkout.sessions.list({ customer: customer.id })).data.map((s) => s.id),
    ).toEqual([a.id]);
    expect(
      (await stripe.checkout.sessions.list({ status: "expired" })).data.map((s) => s.id),
    ).toEqual([b.id]);
    expect((await stripe.checkout.sessions.list({ status: "open" })).data.map((s) => s.id)).toEqual(
      [a.id],
    );
  });

  it("expires a session on request and when its time passes", async () => {
    const price = await oneTimePrice();
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://shop.example/ok",
    };
    const manual = await stripe.checkout.sessions.create(params);
    const expired = await stripe.checkout.sessions.expire(manual.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    const again = await stripe.checkout.sessions.expire(manual.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    const timed = await stripe.checkout.sessions.create({
      ...params,
      expires_at: emu.now() + 3600,
    });
    emu.advanceClock(3599);
    expect((await stripe.checkout.sessions.retrieve(timed.id)).status).toBe("open");
    emu.advanceClock(2);
    expect((await stripe.checkout.sessions.retrieve(timed.id)).status).toBe("expired");
    const types = await eventTypes();
    expect(types.filter((t) => t === "checkout.session.expired")).toHaveLength(2);
    const page = await getPage(timed.url ?? `${emu.url}/c/pay/${timed.id}`);
    expect(page.status).toBe(410);
    expect(page.html).toContain("This checkout session has expired");
    await emu.flushWebhooks();
    const delivered = receiver.received.find((r) => r.event.type === "checkout.session.expired");
    const event = stripe.webhooks.constructEvent(
      delivered?.body ?? "",
      delivered?.headers["stripe-signature"] as string,
      SECRET,
    );
    expect(event.type).toBe("checkout.session.expired");
  });
});

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
