import { parseCatalog, priceIdsByLookupKey, pushCatalog, syncAll } from "@folio/billing";
import { auditLog } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

// portal.plan.* through the router: thin procedures over the billing plan change, on the
// caller's own subscription only. The billing tests cover the money in depth.

let emu: EmulatorHandle;
let stripe: Stripe;
const price: Record<string, string> = {};

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-plan-router" } });
  stripe = emu.stripe();
  await pushCatalog(
    { stripe },
    parseCatalog({
      version: 1,
      name: "Router test",
      currency: "usd",
      products: [
        {
          key: "plus",
          name: "Plus",
          kind: "plan",
          planTier: "plus",
          prices: [{ lookupKey: "plus_m", unitAmount: 600, recurring: { interval: "month" } }],
        },
        {
          key: "pro",
          name: "Pro",
          kind: "plan",
          planTier: "pro",
          prices: [{ lookupKey: "pro_m", unitAmount: 1400, recurring: { interval: "month" } }],
        },
      ],
    }),
  );
  Object.assign(price, await priceIdsByLookupKey(stripe));
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

async function subscriber(env: Awaited<ReturnType<typeof setup>>, lookupKey: string) {
  const { user, customerId } = await customerWithCard(env, stripe);
  const subscription = await stripe.subscriptions.create({
    customer: customerId,
    items: [{ price: price[lookupKey]! }],
  });
  return { user, subscription };
}

describe("portal.plan", () => {
  it("previews and confirms the caller's upgrade; the invoice is the preview", async () => {
    const env = await setup();
    const a = await subscriber(env, "plus_m");
    await syncAll({ db: env.db, stripe, clock: env.clock });
    const api = env.caller(a.user, { stripe });

    const options = await api.portal.plan.options();
    expect(options.subscription).toMatchObject({
      id: a.subscription.id,
      plan: { priceId: price.plus_m, productName: "Plus" },
      periodEnd: new Date(a.subscription.items.data[0]!.current_period_end * 1000).toISOString(),
    });
    expect(options.plans.map((p) => p.lookupKey)).toEqual(["plus_m", "pro_m"]);

    // Half-way through the month.
    emu.advanceClock(15 * 86_400);
    env.clock.set(emu.now() * 1000);
    const preview = await api.portal.plan.preview({
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
    });
    expect(preview).toMatchObject({ timing: "now", prorationDate: emu.now() });
    expect(preview.dueNow).toBeGreaterThan(0);

    const attemptId = crypto.randomUUID();
    const input = {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
      prorationDate: preview.prorationDate,
      changeKey: preview.changeKey,
      attemptId,
    };
    const result = await api.portal.plan.confirm(input);
    expect(result).toMatchObject({ timing: "now", invoice: { amountDue: preview.dueNow } });
    expect(await api.portal.plan.confirm(input)).toEqual(result);
    expect((await api.portal.plan.options()).subscription?.plan.priceId).toBe(price.pro_m);
  });

  it("refuses another customer's subscription and bad input as 4xx, changing nothing", async () => {
    const env = await setup();
    const a = await subscriber(env, "plus_m");
    const b = await subscriber(env, "plus_m");
    await syncAll({ db: env.db, stripe, clock: env.clock });
    const asA = env.caller(a.user, { stripe });
    const target = { subscriptionId: b.subscription.id, priceId: price.pro_m!, seats: 0 };
    expect(await codeOf(asA.portal.plan.preview(target))).toBe("NOT_FOUND");
    const own = await asA.portal.plan.preview({ ...target, subscriptionId: a.subscription.id });
    expect(
      await codeOf(
        asA.portal.plan.confirm({
          ...target,
          prorationDate: own.prorationDate,
          changeKey: own.changeKey,
          attemptId: crypto.randomUUID(),
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        asA.portal.plan.cancelScheduled({
          subscriptionId: b.subscription.id,
          attemptId: crypto.randomUUID(),
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        asA.portal.plan.confirm({
          ...target,
          subscriptionId: a.subscription.id,
          prorationDate: own.prorationDate,
          changeKey: own.changeKey,
          attemptId: "not-a-uuid",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await codeOf(asA.portal.plan.preview({ ...target, seats: -1 }))).toBe("BAD_REQUEST");
    const live = await stripe.subscriptions.retrieve(b.subscription.id);
    expect(live.items.data[0]!.price.id).toBe(price.plus_m);
    expect(
      await env.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.target, `subscription:${b.subscription.id}`)),
    ).toEqual([]);
  });

  it("gives a customer without a subscription nothing to change", async () => {
    const env = await setup();
    const user = await insertUser(env.db, "customer");
    expect(await env.caller(user, { stripe }).portal.plan.options()).toEqual({
      subscription: null,
      blocked: null,
      plans: [],
      seatPrices: [],
      pending: null,
    });
  });
});
