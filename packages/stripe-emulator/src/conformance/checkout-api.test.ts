import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getPage } from "../pages/form-client.ts";
import {
  SECRET,
  emu,
  eventTypes,
  monthlyPrice,
  oneTimePrice,
  receiver,
  stripe,
  useCheckoutEmulator,
} from "./checkout-setup.ts";

/** The Checkout Sessions API: create, retrieve, list, line items, expire. */

useCheckoutEmulator();

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
