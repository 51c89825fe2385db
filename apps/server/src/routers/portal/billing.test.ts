import { ensureStripeCustomer, syncAll, systemClock } from "@folio/billing";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { TRPCError } from "@trpc/server";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser, setup } from "../../test/helpers.ts";

// Real mirror rows: customers and subscriptions made in the emulator, then synced into the store.
let emu: EmulatorHandle;
let stripe: Stripe;
let seatPrice: Stripe.Price;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-billing-router" } });
  stripe = emu.stripe();
  seatPrice = await stripe.prices.create({
    currency: "usd",
    unit_amount: 1200,
    recurring: { interval: "month" },
    lookup_key: "team_monthly",
    nickname: "Team monthly",
    product_data: { name: "Team", unit_label: "seat" },
  });
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    return err instanceof TRPCError ? err.code : "NOT_A_TRPC_ERROR";
  }
}

async function customerWithSubscription(
  env: Awaited<ReturnType<typeof setup>>,
  quantity: number,
): Promise<{ user: Awaited<ReturnType<typeof insertUser>>; subscription: Stripe.Subscription }> {
  const user = await insertUser(env.db, "customer");
  const customerId = await ensureStripeCustomer({ db: env.db, stripe, clock: env.clock }, user);
  const subscription = await stripe.subscriptions.create({
    customer: customerId,
    items: [{ price: seatPrice.id, quantity }],
    trial_period_days: 14,
  });
  return { user, subscription };
}

describe("portal.billing.subscriptions", () => {
  it("shows each customer exactly their own subscriptions, never another's", async () => {
    const env = await setup();
    const a = await customerWithSubscription(env, 2);
    const b = await customerWithSubscription(env, 5);
    await syncAll({ db: env.db, stripe, clock: systemClock });

    const seenByA = await env.caller(a.user).portal.billing.subscriptions();
    expect(seenByA).toEqual([
      {
        id: a.subscription.id,
        status: "trialing",
        ended: false,
        currency: "usd",
        items: [
          {
            id: a.subscription.items.data[0]!.id,
            productName: "Team",
            unitLabel: "seat",
            priceNickname: "Team monthly",
            priceLookupKey: "team_monthly",
            unitAmount: 1200,
            currency: "usd",
            interval: "month",
            intervalCount: 1,
            quantity: 2,
          },
        ],
        currentPeriodEnd: new Date(
          a.subscription.items.data[0]!.current_period_end * 1000,
        ).toISOString(),
        trialEnd: new Date(a.subscription.trial_end! * 1000).toISOString(),
        cancelAtPeriodEnd: false,
        cancelAt: null,
        canceledAt: null,
        endedAt: null,
        createdAt: new Date(a.subscription.created * 1000).toISOString(),
      },
    ]);

    const seenByB = await env.caller(b.user).portal.billing.subscriptions();
    expect(seenByB.map((s) => s.id)).toEqual([b.subscription.id]);
    expect(seenByB[0]?.items[0]?.quantity).toBe(5);
  });

  it("gives a customer without a Stripe customer an empty list", async () => {
    const env = await setup();
    await customerWithSubscription(env, 1);
    await syncAll({ db: env.db, stripe, clock: systemClock });
    const newcomer = await insertUser(env.db, "customer");
    expect(await env.caller(newcomer).portal.billing.subscriptions()).toEqual([]);
  });

  it("refuses staff (FORBIDDEN) and callers without a session (UNAUTHORIZED)", async () => {
    const env = await setup();
    const admin = await insertUser(env.db, "admin");
    expect(await codeOf(env.caller(admin).portal.billing.subscriptions())).toBe("FORBIDDEN");
    expect(await codeOf(env.caller().portal.billing.subscriptions())).toBe("UNAUTHORIZED");
  });
});
