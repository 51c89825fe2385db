import { demoCatalog, pushCatalog, syncAll, systemClock } from "@folio/billing";
import { dropTestDatabases } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { TRPCError } from "@trpc/server";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser, setup } from "../../test/helpers.ts";

// catalog.* and portal.checkout.* through the router, against the emulator's hosted checkout.

let emu: EmulatorHandle;
let stripe: Stripe;
let env: Awaited<ReturnType<typeof setup>>;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-checkout-router" } });
  stripe = emu.stripe();
  await pushCatalog({ stripe }, demoCatalog());
  env = await setup();
  await syncAll({ db: env.db, stripe, clock: systemClock });
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected a TRPCError");
}

async function priceId(lookupKey: string): Promise<string> {
  const { plans, addons } = await env.caller().catalog.pricing();
  const { products } = await env.caller().catalog.shop();
  const price = [...plans, ...addons, ...products]
    .flatMap((p) => p.prices)
    .find((p) => p.lookupKey === lookupKey);
  if (!price) throw new Error(`no price ${lookupKey}`);
  return price.id;
}

describe("catalog", () => {
  it("is readable signed out: plans in both currencies, add-ons and shop products", async () => {
    const pricing = await env.caller().catalog.pricing();
    expect(pricing.plans.map((p) => p.name)).toEqual([
      "Quire Basic",
      "Quire Plus",
      "Quire Pro",
      "Quire API Pro",
      "Quire API Team",
      "Quire API Enterprise",
    ]);
    expect(pricing.currencies).toEqual(["eur", "usd"]);
    expect(pricing.addons.map((a) => a.addonTiers)).toEqual([["pro"]]);
    const shop = await env.caller().catalog.shop();
    expect(shop.products.map((p) => p.kind)).not.toContain("plan");
    expect(shop.products.length).toBeGreaterThan(0);
  });
});

describe("portal.checkout", () => {
  it("subscribes through Checkout, confirms without a webhook, then sends the customer to change plan", async () => {
    const user = await insertUser(env.db, "customer");
    const caller = env.caller(user, { stripe });
    expect(await caller.portal.checkout.context()).toEqual({
      currency: null,
      subscription: null,
      trialEligible: true,
    });
    const start = await caller.portal.checkout.subscribe({
      priceId: await priceId("quire_basic_monthly"),
      attemptId: crypto.randomUUID(),
    });
    const session = await stripe.checkout.sessions.retrieve(start.sessionId);
    expect(session.success_url).toBe(
      `${env.env.APP_URL}/billing/checkout/return?session_id={CHECKOUT_SESSION_ID}`,
    );
    expect((await payCheckoutPage(start.url)).status).toBe(303);

    const confirmed = await caller.portal.checkout.confirm({ sessionId: start.sessionId });
    expect(confirmed).toMatchObject({ state: "subscribed", subscription: { status: "active" } });
    const { subscription } = await caller.portal.subscription.overview();
    expect(subscription?.id).toBe(confirmed.subscription?.id);

    const again = await errorOf(
      caller.portal.checkout.subscribe({
        priceId: await priceId("quire_pro_monthly"),
        attemptId: crypto.randomUUID(),
      }),
    );
    expect(again.code).toBe("CONFLICT");
    expect(again.message).toMatch(/change your plan/i);
  });

  it("refuses bad input with a message a person can act on", async () => {
    const user = await insertUser(env.db, "customer");
    const caller = env.caller(user, { stripe });
    const bad = await errorOf(
      caller.portal.checkout.subscribe({ priceId: "price_1", attemptId: "twice" }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    // The errorFormatter shows the first issue's message over HTTP; a caller sees all of them.
    expect(bad.message).toContain("Reload the page and try again.");
    const many = await errorOf(
      caller.portal.checkout.buy({
        priceId: await priceId("fineliner_set"),
        quantity: 500,
        attemptId: crypto.randomUUID(),
      }),
    );
    expect(many.message).toContain("At most 20 at a time.");
    const link = await errorOf(caller.portal.checkout.confirm({ sessionId: "javascript:1" }));
    expect(link.code).toBe("BAD_REQUEST");
  });

  it("lets no customer confirm another's checkout (NOT_FOUND)", async () => {
    const a = env.caller(await insertUser(env.db, "customer"), { stripe });
    const b = env.caller(await insertUser(env.db, "customer"), { stripe });
    const start = await a.portal.checkout.buy({
      priceId: await priceId("template_pack_quarterly"),
      quantity: 1,
      attemptId: crypto.randomUUID(),
    });
    expect((await payCheckoutPage(start.url)).status).toBe(303);
    const stolen = await errorOf(b.portal.checkout.confirm({ sessionId: start.sessionId }));
    expect(stolen.code).toBe("NOT_FOUND");
    // A's own confirm writes the order; B's attempt wrote nothing for B.
    const mine = await a.portal.checkout.confirm({ sessionId: start.sessionId });
    expect(mine).toMatchObject({ state: "paid", mode: "payment" });
    expect(mine.orderId).toMatch(/^ord_/);
  });

  it("says Stripe is not configured instead of failing", async () => {
    const caller = env.caller(await insertUser(env.db, "customer"));
    const err = await errorOf(
      caller.portal.checkout.subscribe({
        priceId: await priceId("quire_basic_monthly"),
        attemptId: crypto.randomUUID(),
      }),
    );
    expect(err.message).toMatch(/not connected to Stripe/);
  });
});
