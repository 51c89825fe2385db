import { syncAll, systemClock } from "@folio/billing";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

let emu: EmulatorHandle;
let stripe: Stripe;
let price: Stripe.Price;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-subscription-router" } });
  stripe = emu.stripe();
  price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 2000,
    recurring: { interval: "month" },
    product_data: { name: "Team" },
  });
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

type Env = Awaited<ReturnType<typeof setup>>;

async function subscriber(env: Env) {
  const { user, customerId: customer } = await customerWithCard(env, stripe);
  const subscription = await stripe.subscriptions.create({
    customer,
    items: [{ price: price.id }],
  });
  return { user, customer, subscription };
}

const attemptId = () => crypto.randomUUID();

describe("portal.subscription", () => {
  it("shows the caller's plan, next charge and card; cancel and resume act on theirs only", async () => {
    const env = await setup();
    const a = await subscriber(env);
    const b = await subscriber(env);
    await syncAll({ db: env.db, stripe, clock: systemClock });
    const asA = env.caller(a.user, { stripe });

    const overview = await asA.portal.subscription.overview();
    expect(overview.subscription).toMatchObject({
      id: a.subscription.id,
      status: "active",
      cancelAtPeriodEnd: false,
      trialDaysLeft: null,
      hasScheduledChange: false,
    });
    expect(overview.amountOwed).toBeNull();
    const preview = await stripe.invoices.createPreview({
      customer: a.customer,
      subscription: a.subscription.id,
    });
    expect(await asA.portal.subscription.nextCharge()).toEqual({
      amountDue: preview.amount_due,
      total: preview.total,
      currency: "usd",
      date: new Date(preview.period_end * 1000).toISOString(),
    });
    expect(await asA.portal.subscription.card()).toMatchObject({ brand: "visa", last4: "4242" });
    expect(await asA.portal.subscription.pendingChange()).toBeNull();

    const { endsAt } = await asA.portal.subscription.cancel({
      attemptId: attemptId(),
      feedback: "switched_service",
      comment: "Moving to a bundle",
    });
    expect(endsAt).toBe(
      new Date(a.subscription.items.data[0]!.current_period_end * 1000).toISOString(),
    );
    expect((await asA.portal.subscription.overview()).subscription).toMatchObject({
      cancelAtPeriodEnd: true,
      cancellationFeedback: "switched_service",
    });
    expect(await asA.portal.subscription.nextCharge()).toBeNull();
    expect((await stripe.subscriptions.retrieve(b.subscription.id)).cancel_at_period_end).toBe(
      false,
    );

    await asA.portal.subscription.resume({ attemptId: attemptId() });
    expect((await stripe.subscriptions.retrieve(a.subscription.id)).cancel_at_period_end).toBe(
      false,
    );
  });

  it("a customer without a subscription can neither cancel, resume nor pay anyone's", async () => {
    const env = await setup();
    const b = await subscriber(env);
    await syncAll({ db: env.db, stripe, clock: systemClock });
    const newcomer = env.caller(await insertUser(env.db, "customer"), { stripe });

    expect(await newcomer.portal.subscription.overview()).toEqual({
      subscription: null,
      lastEnded: null,
      balance: null,
      amountOwed: null,
    });
    expect(
      await codeOf(
        newcomer.portal.subscription.cancel({ attemptId: attemptId(), feedback: "unused" }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(newcomer.portal.subscription.resume({ attemptId: attemptId() }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(newcomer.portal.subscription.payOpenInvoice({ attemptId: attemptId() })),
    ).toBe("NOT_FOUND");
    expect(await stripe.subscriptions.retrieve(b.subscription.id)).toMatchObject({
      status: "active",
      cancel_at_period_end: false,
    });
  });

  it("answers bad input with a 400 a person can act on", async () => {
    const env = await setup();
    const a = await subscriber(env);
    await syncAll({ db: env.db, stripe, clock: systemClock });
    const asA = env.caller(a.user, { stripe });
    expect(
      await codeOf(
        asA.portal.subscription.cancel({
          attemptId: "not-a-uuid",
          feedback: "unused",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        asA.portal.subscription.cancel({
          attemptId: attemptId(),
          feedback: "meh" as "unused",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(asA.portal.subscription.completeCardUpdate({ sessionId: "../../etc" })),
    ).toBe("BAD_REQUEST");
  });

  it("says Stripe is not connected instead of crashing when the server has no client", async () => {
    const env = await setup();
    const a = await subscriber(env);
    await syncAll({ db: env.db, stripe, clock: systemClock });
    expect(await codeOf(env.caller(a.user).portal.subscription.nextCharge())).toBe("BAD_GATEWAY");
  });
});
