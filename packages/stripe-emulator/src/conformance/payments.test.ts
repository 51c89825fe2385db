import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../emulator.ts";
import { chargeCustomer } from "../services/payments/intents.ts";

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "payments" } });
  stripe = emu.stripe("sk_test_payments", { maxNetworkRetries: 0 });
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

async function control(path: string, body: unknown = {}) {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function eventTypes(): Promise<string[]> {
  const types: string[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) types.push(e.type);
  return types.reverse();
}

describe("catalog", () => {
  it("products: create → retrieve → update → list → delete", async () => {
    const product = await stripe.products.create({ name: "Pro", metadata: { a: "1" } });
    expect(product.id).toMatch(/^prod_/);
    expect(await stripe.products.retrieve(product.id)).toEqual(product);
    const updated = await stripe.products.update(product.id, { name: "Pro+", active: false });
    expect(updated).toMatchObject({ name: "Pro+", active: false });
    for (let i = 0; i < 3; i++) await stripe.products.create({ name: `P${i}` });
    const ids: string[] = [];
    for await (const p of stripe.products.list({ limit: 2 })) ids.push(p.id);
    expect(ids).toHaveLength(4);
    expect((await stripe.products.list({ active: false })).data.map((p) => p.id)).toEqual([
      product.id,
    ]);
    expect(await stripe.products.del(product.id)).toEqual({
      id: product.id,
      object: "product",
      deleted: true,
    });
    const types = await eventTypes();
    expect(types).toEqual([
      "product.created",
      "product.updated",
      "product.created",
      "product.created",
      "product.created",
      "product.deleted",
    ]);
    const updatedEvent = (await stripe.events.list({ type: "product.updated" })).data[0];
    expect(updatedEvent?.data.previous_attributes).toMatchObject({ name: "Pro", active: true });
  });

  it("refuses to delete a product with prices", async () => {
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1000,
      product_data: { name: "Has prices" },
    });
    await expect(stripe.products.del(price.product as string)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it("prices: recurring, lookup keys with transfer, list filters", async () => {
    const product = await stripe.products.create({ name: "Plan" });
    const monthly = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1500,
      recurring: { interval: "month" },
      lookup_key: "plan_monthly",
    });
    expect(monthly).toMatchObject({
      type: "recurring",
      recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
      unit_amount: 1500,
      lookup_key: "plan_monthly",
    });
    expect(String(monthly.unit_amount_decimal)).toBe("1500");
    const clash = await stripe.prices
      .create({
        product: product.id,
        currency: "usd",
        unit_amount: 1600,
        recurring: { interval: "month" },
        lookup_key: "plan_monthly",
      })
      .catch((e: unknown) => e);
    expect(clash).toMatchObject({ param: "lookup_key", statusCode: 400 });
    const v2 = await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 1600,
      recurring: { interval: "month", interval_count: 3 },
      lookup_key: "plan_monthly",
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(monthly.id)).lookup_key).toBeNull();
    const found = await stripe.prices.list({ lookup_keys: ["plan_monthly"] });
    expect(found.data.map((p) => p.id)).toEqual([v2.id]);
    await stripe.prices.update(monthly.id, { active: false });
    expect((await stripe.prices.list({ active: true })).data.map((p) => p.id)).toEqual([v2.id]);
    const missing = await stripe.prices
      .create({ currency: "usd", unit_amount: 100 })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ param: "product", code: "parameter_missing" });
    const badInterval = await stripe.prices
      .create({
        product: product.id,
        currency: "usd",
        unit_amount: 1,
        recurring: { interval: "fortnight" as "month" },
      })
      .catch((e: unknown) => e);
    expect(badInterval).toMatchObject({ param: "recurring[interval]" });
  });

  it("a failing request leaves nothing behind (the inline product is rolled back)", async () => {
    const product = await stripe.products.create({ name: "Base" });
    await stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 100,
      lookup_key: "taken",
    });
    const before = (await stripe.events.list({ limit: 100 })).data.length;
    const err = await stripe.prices
      .create({
        currency: "usd",
        unit_amount: 200,
        lookup_key: "taken",
        product_data: { name: "Inline" },
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ param: "lookup_key" });
    expect((await stripe.products.list()).data.map((p) => p.name)).toEqual(["Base"]);
    expect((await stripe.events.list({ limit: 100 })).data).toHaveLength(before);
  });

  it("coupons and promotion codes", async () => {
    const coupon = await stripe.coupons.create({
      percent_off: 25,
      duration: "repeating",
      duration_in_months: 3,
      max_redemptions: 5,
    });
    expect(coupon).toMatchObject({ valid: true, times_redeemed: 0, duration_in_months: 3 });
    const amountOff = await stripe.coupons.create({
      id: "TENOFF",
      amount_off: 1000,
      currency: "usd",
      duration: "once",
    });
    expect(amountOff.id).toBe("TENOFF");
    await expect(
      stripe.coupons.create({ amount_off: 100, duration: "once" }),
    ).rejects.toMatchObject({ param: "currency" });
    const renamed = await stripe.coupons.update(coupon.id, { name: "Quarter off" });
    expect(renamed.name).toBe("Quarter off");
    const promo = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "SPRING25",
      max_redemptions: 2,
    });
    expect(promo).toMatchObject({
      code: "SPRING25",
      active: true,
      promotion: { coupon: coupon.id },
    });
    const dup = await stripe.promotionCodes
      .create({ promotion: { type: "coupon", coupon: coupon.id }, code: "SPRING25" })
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ param: "code" });
    const off = await stripe.promotionCodes.update(promo.id, { active: false });
    expect(off.active).toBe(false);
    expect((await stripe.promotionCodes.list({ code: "SPRING25" })).data).toHaveLength(1);
    const codes: string[] = [];
    for await (const c of stripe.coupons.list({ limit: 1 })) codes.push(c.id);
    expect(codes.sort()).toEqual([coupon.id, "TENOFF"].sort());
    expect(await stripe.coupons.del("TENOFF")).toMatchObject({ deleted: true });
    await expect(stripe.coupons.retrieve("TENOFF")).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("search", () => {
  it("searches customers, products, prices, payment intents and charges", async () => {
    await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      metadata: { tier: "gold" },
    });
    await stripe.customers.create({
      email: "bob@example.com",
      name: "Bob",
      metadata: { tier: "silver" },
    });
    const gold = await stripe.customers.search({ query: "metadata['tier']:'gold'" });
    expect(gold.data.map((c) => c.name)).toEqual(["Ada"]);
    const either = await stripe.customers.search({
      query: 'email:"ada@example.com" OR name:"Bob"',
    });
    expect(either.data).toHaveLength(2);
    const notAda = await stripe.customers.search({ query: "-name:'Ada'" });
    expect(notAda.data.map((c) => c.name)).toEqual(["Bob"]);
    const paged: string[] = [];
    for await (const c of stripe.customers.search({ query: "email~'example.com'", limit: 1 })) {
      paged.push(c.email ?? "");
    }
    expect(paged).toHaveLength(2);
    await expect(
      stripe.customers.search({ query: "name:'a' AND email:'b' OR name:'c'" }),
    ).rejects.toMatchObject({ param: "query" });

    await stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      product_data: { name: "Cheap" },
    });
    await stripe.prices.create({
      currency: "usd",
      unit_amount: 5000,
      product_data: { name: "Dear" },
    });
    const dear = await stripe.prices.search({ query: "unit_amount>1000" });
    expect(dear.data.map((p) => p.unit_amount)).toEqual([5000]);
    expect((await stripe.products.search({ query: "name:'Cheap'" })).data).toHaveLength(1);

    const pi = await stripe.paymentIntents.create({
      amount: 1234,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
      metadata: { order: "o-1" },
    });
    const found = await stripe.paymentIntents.search({
      query: "metadata['order']:'o-1' AND status:'succeeded'",
    });
    expect(found.data.map((p) => p.id)).toEqual([pi.id]);
    const charges = await stripe.charges.search({ query: `payment_intent:'${pi.id}'` });
    expect(charges.data).toHaveLength(1);
  });
});

describe("payment methods", () => {
  it("attach, list, update, detach", async () => {
    const customer = await stripe.customers.create({ email: "pm@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.id).not.toBe("pm_card_visa");
    expect(pm.card).toMatchObject({ brand: "visa", last4: "4242" });
    await stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id });
    const listed: string[] = [];
    for await (const m of stripe.paymentMethods.list({ customer: customer.id, limit: 1 }))
      listed.push(m.id);
    expect(listed).toHaveLength(2);
    const viaCustomer = await stripe.customers.listPaymentMethods(customer.id);
    expect(viaCustomer.data).toHaveLength(2);
    const withDefault = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(withDefault.invoice_settings.default_payment_method).toBe(pm.id);
    const expanded = await stripe.customers.retrieve(customer.id, {
      expand: ["invoice_settings.default_payment_method"],
    });
    expect((expanded as Stripe.Customer).invoice_settings.default_payment_method).toMatchObject({
      id: pm.id,
      object: "payment_method",
    });
    const named = await stripe.paymentMethods.update(pm.id, { billing_details: { name: "Ada" } });
    expect(named.billing_details.name).toBe("Ada");
    const detached = await stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    const after = await stripe.customers.retrieve(customer.id);
    expect((after as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
  });

  it("customers.create with payment_method: created, then attached, default set", async () => {
    const pm = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    const customer = await stripe.customers.create({
      payment_method: pm.id,
      invoice_settings: { default_payment_method: pm.id },
    });
    expect(customer.invoice_settings.default_payment_method).toBe(pm.id);
    expect((await stripe.paymentMethods.retrieve(pm.id)).customer).toBe(customer.id);
    expect(await eventTypes()).toEqual(["customer.created", "payment_method.attached"]);
    const declined = await stripe.customers
      .create({ email: "no@example.com", payment_method: "pm_card_chargeDeclined" })
      .catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await stripe.customers.list({ email: "no@example.com" })).data).toHaveLength(0);
  });

  it("declining cards fail to attach; 0341 attaches", async () => {
    const customer = await stripe.customers.create({});
    const err = await stripe.paymentMethods
      .attach("pm_card_chargeDeclined", { customer: customer.id })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });
    const ok = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    expect(ok.card?.last4).toBe("0341");
  });

  it("creates card payment methods from raw test numbers", async () => {
    const pm = await stripe.paymentMethods.create({
      type: "card",
      card: { number: "4000000000009995", exp_month: 12, exp_year: 2034, cvc: "123" },
    });
    expect(pm.card?.last4).toBe("9995");
    const bad = await stripe.paymentMethods
      .create({ type: "card", card: { number: "4242424242424241", exp_month: 12, exp_year: 2034 } })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: "incorrect_number", param: "card[number]" });
  });
});

describe("payment intents", () => {
  it("succeeds with 4242 and records the charge and balance transaction", async () => {
    const customer = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
      expand: ["latest_charge"],
    });
    expect(pi.status).toBe("succeeded");
    expect(pi.amount_received).toBe(2000);
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: "charge", paid: true, captured: true, amount: 2000 });
    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn).toMatchObject({ amount: 2000, type: "charge", source: charge.id });
    expect(txn.net).toBe(2000 - txn.fee);
    const charges = await stripe.charges.list({ customer: customer.id });
    expect(charges.data.map((c) => c.id)).toEqual([charge.id]);
    expect(await eventTypes()).toEqual([
      "customer.created",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
  });

  it("declines with StripeCardError and keeps the failed attempt", async () => {
    for (const [pm, decline] of [
      ["pm_card_chargeDeclined", "generic_decline"],
      ["pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"],
    ] as const) {
      const err = await stripe.paymentIntents
        .create({ amount: 1000, currency: "usd", payment_method: pm, confirm: true })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
      const cardErr = err as Stripe.errors.StripeCardError;
      expect(cardErr.decline_code).toBe(decline);
      const pi = cardErr.payment_intent as Stripe.PaymentIntent;
      expect(pi.status).toBe("requires_payment_method");
      const stored = await stripe.paymentIntents.retrieve(pi.id);
      expect(stored.last_payment_error).toMatchObject({ decline_code: decline });
      const charge = await stripe.charges.retrieve(stored.latest_charge as string);
      expect(charge).toMatchObject({
        status: "failed",
        paid: false,
        failure_code: "card_declined",
      });
    }
    const types = await eventTypes();
    expect(types.filter((t) => t === "charge.failed")).toHaveLength(2);
    expect(types.filter((t) => t === "payment_intent.payment_failed")).toHaveLength(2);
  });

  it("replays a declined confirm under the same idempotency key", async () => {
    const opts = { idempotencyKey: "decline-once" };
    const params = {
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_chargeDeclined",
      confirm: true,
    };
    const first = (await stripe.paymentIntents
      .create(params, opts)
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    const second = (await stripe.paymentIntents
      .create(params, opts)
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(first).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(second).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((second.payment_intent as Stripe.PaymentIntent).id).toBe(
      (first.payment_intent as Stripe.PaymentIntent).id,
    );
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
  });

  it("3DS: requires_action, then the challenge page approves", async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1500,
      currency: "usd",
      payment_method: "pm_card_authenticationRequired",
      confirm: true,
      return_url: "https://shop.example/return",
    });
    expect(pi.status).toBe("requires_action");
    expect(pi.next_action?.type).toBe("redirect_to_url");
    const url = pi.next_action?.redirect_to_url?.url ?? "";
    expect(url.startsWith(emu.url)).toBe(true);
    const page = await fetch(url);
    expect(await page.text()).toContain("Complete authentication");
    const submit = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "outcome=approve",
      redirect: "manual",
    });
    expect(submit.status).toBe(303);
    const location = new URL(submit.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe("https://shop.example/return");
    expect(location.searchParams.get("payment_intent")).toBe(pi.id);
    expect(location.searchParams.get("redirect_status")).toBe("succeeded");
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });

  it("3DS failure returns the intent to requires_payment_method", async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1500,
      currency: "usd",
      payment_method: "pm_card_authenticationRequired",
      confirm: true,
    });
    const res = await control(`intents/${pi.id}/authenticate`, { outcome: "fail" });
    expect(res.body.status).toBe("requires_payment_method");
    const stored = await stripe.paymentIntents.retrieve(pi.id);
    expect(stored.last_payment_error?.code).toBe("payment_intent_authentication_failure");
    // A new card can be confirmed on the same intent.
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    expect(retried.status).toBe("succeeded");
  });

  it("manual capture (partial) and cancel", async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: "usd",
      payment_method: "pm_card_visa",
      capture_method: "manual",
      confirm: true,
    });
    expect(pi).toMatchObject({ status: "requires_capture", amount_capturable: 5000 });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 });
    expect(captured).toMatchObject({ status: "succeeded", amount_received: 3000 });
    const charge = await stripe.charges.retrieve(captured.latest_charge as string);
    expect(charge).toMatchObject({ captured: true, amount_captured: 3000 });
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({
      code: "payment_intent_unexpected_state",
    });
    const open = await stripe.paymentIntents.create({ amount: 700, currency: "usd" });
    expect(open.status).toBe("requires_payment_method");
    const canceled = await stripe.paymentIntents.cancel(open.id, {
      cancellation_reason: "abandoned",
    });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
  });

  it("validates amounts and missing params", async () => {
    await expect(
      stripe.paymentIntents.create({ amount: 10, currency: "usd" }),
    ).rejects.toMatchObject({ param: "amount", code: "amount_too_small" });
    await expect(
      stripe.paymentIntents.create({ currency: "usd" } as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({ param: "amount", code: "parameter_missing" });
    await expect(stripe.paymentIntents.retrieve("pi_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });
});

describe("setup intents and off-session charges", () => {
  it("3155 needs authentication once, then charges off-session", async () => {
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: "pm_card_authenticationRequiredSetupForOffSession",
      confirm: true,
    });
    expect(si.status).toBe("requires_action");
    const done = await control(`intents/${si.id}/authenticate`, { outcome: "approve" });
    expect(done.body.status).toBe("succeeded");
    const pmId = done.body.payment_method as string;
    expect((await stripe.paymentMethods.retrieve(pmId)).customer).toBe(customer.id);
    const offSession = await stripe.paymentIntents.create({
      amount: 1200,
      currency: "usd",
      customer: customer.id,
      payment_method: pmId,
      off_session: true,
      confirm: true,
    });
    expect(offSession.status).toBe("succeeded");
    const types = await eventTypes();
    expect(types).toContain("setup_intent.requires_action");
    expect(types).toContain("setup_intent.succeeded");
    expect(types).toContain("payment_method.attached");
  });

  it("an always-3DS card fails off-session with authentication_required", async () => {
    const err = await stripe.paymentIntents
      .create({
        amount: 1200,
        currency: "usd",
        payment_method: "pm_card_authenticationRequired",
        off_session: true,
        confirm: true,
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "authentication_required", statusCode: 402 });
  });

  it("chargeCustomer: the billing-half service follows the cards", async () => {
    const customer = await stripe.customers.create({});
    const fails = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", {
      customer: customer.id,
    });
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: fails.id },
    });
    const failed = emu.core.run((ctx) =>
      chargeCustomer(ctx, { customer: customer.id, amount: 900, currency: "usd" }),
    );
    expect(failed.status).toBe("failed");
    const visa = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const ok = emu.core.run((ctx) =>
      chargeCustomer(ctx, {
        customer: customer.id,
        amount: 900,
        currency: "usd",
        paymentMethod: visa.id,
      }),
    );
    expect(ok.status).toBe("succeeded");
    const none = await stripe.customers.create({});
    expect(
      emu.core.run((ctx) =>
        chargeCustomer(ctx, { customer: none.id, amount: 900, currency: "usd" }),
      ).status,
    ).toBe("no_payment_method");
  });
});

describe("refunds and disputes", () => {
  async function paid(amount = 3000) {
    const pi = await stripe.paymentIntents.create({
      amount,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    return stripe.charges.retrieve(pi.latest_charge as string);
  }

  it("partial then full refund", async () => {
    const charge = await paid();
    const partial = await stripe.refunds.create({
      charge: charge.id,
      amount: 1000,
      reason: "requested_by_customer",
    });
    expect(partial).toMatchObject({
      amount: 1000,
      status: "succeeded",
      reason: "requested_by_customer",
    });
    let after = await stripe.charges.retrieve(charge.id);
    expect(after).toMatchObject({ amount_refunded: 1000, refunded: false });
    const tooMuch = await stripe.refunds
      .create({ charge: charge.id, amount: 5000 })
      .catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ param: "amount", statusCode: 400 });
    const rest = await stripe.refunds.create({ payment_intent: charge.payment_intent as string });
    expect(rest.amount).toBe(2000);
    after = await stripe.charges.retrieve(charge.id);
    expect(after).toMatchObject({ amount_refunded: 3000, refunded: true });
    await expect(stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({
      code: "charge_already_refunded",
    });
    const refunds: string[] = [];
    for await (const r of stripe.refunds.list({ charge: charge.id, limit: 1 })) refunds.push(r.id);
    expect(refunds).toEqual([rest.id, partial.id]);
    const types = await eventTypes();
    expect(types.filter((t) => t.startsWith("refund.") || t.startsWith("charge.refund"))).toEqual([
      "refund.created",
      "charge.refunded",
      "charge.refund.updated",
      "refund.created",
      "charge.refunded",
      "charge.refund.updated",
    ]);
    const refundedEvent = (await stripe.events.list({ type: "charge.refunded", limit: 1 })).data[0];
    expect(refundedEvent?.data.previous_attributes).toMatchObject({
      amount_refunded: 1000,
      refunded: false,
    });
  });

  it("balance: pending until available_on, then available; receipt page", async () => {
    const charge = await paid(10_000);
    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn.status).toBe("pending");
    let balance = await stripe.balance.retrieve();
    expect(balance.pending).toEqual([
      expect.objectContaining({ currency: "usd", amount: txn.net }),
    ]);
    expect(balance.available[0]?.amount).toBe(0);
    emu.advanceClock(2 * 86400);
    balance = await stripe.balance.retrieve();
    expect(balance.available[0]?.amount).toBe(txn.net);
    expect((await stripe.balanceTransactions.retrieve(txn.id)).status).toBe("available");

    await stripe.refunds.create({ charge: charge.id, amount: 2500 });
    const page = await fetch(charge.receipt_url ?? "");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("$100.00");
    expect(html).toContain("$25.00");
    expect(html).toContain("4242");
  });

  it("opens disputes via the test helper and the 0259 card", async () => {
    const charge = await paid();
    const res = await control(`charges/${charge.id}/dispute`, { reason: "product_not_received" });
    expect(res.status).toBe(200);
    const dispute = await stripe.disputes.retrieve(res.body.id as string);
    expect(dispute).toMatchObject({ charge: charge.id, status: "needs_response", amount: 3000 });
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    const submitted = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: "Delivered." },
    });
    expect(submitted.status).toBe("under_review");
    const closed = await stripe.disputes.close(dispute.id);
    expect(closed.status).toBe("lost");

    await stripe.paymentIntents.create({
      amount: 4000,
      currency: "usd",
      payment_method: "pm_card_createDispute",
      confirm: true,
    });
    const disputes = await stripe.disputes.list();
    expect(disputes.data).toHaveLength(2);
    const types = await eventTypes();
    expect(types.filter((t) => t === "charge.dispute.created")).toHaveLength(2);
  });
});

describe("test clocks", () => {
  it("stamps objects and events of a test-clock customer with the clock's time", async () => {
    const frozen = emu.now() - 30 * 86400;
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen });
    const customer = await stripe.customers.create({ test_clock: clock.id });
    expect(customer.created).toBe(frozen);
    expect(customer.test_clock).toBe(clock.id);
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
    });
    expect(pi.created).toBe(frozen);
    const events = await stripe.events.list({
      types: ["customer.created", "payment_intent.succeeded"],
    });
    expect(events.data.map((e) => e.created)).toEqual([frozen, frozen]);
    await expect(stripe.customers.create({ test_clock: "clock_missing" })).rejects.toMatchObject({
      param: "test_clock",
      statusCode: 404,
    });
  });
});
