import { auditLog, closeDb, stripeSubscriptionItems, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { and, eq, isNull, like } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { parseCatalog } from "../catalog/schema.ts";
import { manualClock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { syncAll } from "../sync/backfill.ts";
import {
  cancelScheduledChange,
  confirmPlanChange,
  planChangeOptions,
  previewPlanChange,
} from "./plan-change.ts";
import {
  advanceTestClock,
  confirmInputOf,
  priceIdsByLookupKey,
  subscribedOnTestClock,
} from "./testing.ts";

// Plan changes against the emulator, each customer on its own Stripe test clock (as in the
// e2e): previews equal the invoices Stripe then creates, to the cent; downgrades wait for the
// period end through a subscription schedule.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
const price: Record<string, string> = {};

const DAY = 86_400;
const catalog = parseCatalog({
  version: 1,
  name: "Plan change test",
  currency: "eur",
  products: [
    {
      key: "plus",
      name: "Plus",
      kind: "plan",
      planTier: "plus",
      prices: [
        { lookupKey: "plus_m", unitAmount: 600, recurring: { interval: "month" } },
        { lookupKey: "plus_y", unitAmount: 6000, recurring: { interval: "year" } },
      ],
    },
    {
      key: "pro",
      name: "Pro",
      kind: "plan",
      planTier: "pro",
      prices: [
        { lookupKey: "pro_m", unitAmount: 1400, recurring: { interval: "month" } },
        { lookupKey: "pro_y", unitAmount: 14000, recurring: { interval: "year" } },
      ],
    },
    {
      key: "seat",
      name: "Seat",
      kind: "addon",
      addonUnit: "seat",
      addonTiers: ["pro"],
      unitLabel: "seat",
      prices: [
        { lookupKey: "seat_m", unitAmount: 400, recurring: { interval: "month" } },
        { lookupKey: "seat_y", unitAmount: 4000, recurring: { interval: "year" } },
      ],
    },
  ],
});

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "portal-plan-change" } });
  stripe = emulator.stripe();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  await pushCatalog({ stripe }, catalog);
  await syncAll({ db, stripe, clock });
  Object.assign(price, await priceIdsByLookupKey(stripe));
});
afterAll(async () => {
  await emulator.stop();
  await closeDb(db);
});

let seq = 0;
/** A customer on its own test clock with a card, subscribed to `items`, linked and stored. */
async function subscriber(
  items: Array<{ price: string; quantity?: number }>,
  card = "pm_card_visa",
  trialDays?: number,
) {
  seq += 1;
  const id = `usr_plan${seq}`;
  const subscribed = await subscribedOnTestClock(
    { db, stripe, clock },
    {
      id,
      now: emulator.now(),
      params: { items, ...(trialDays && { trial_period_days: trialDays }) },
      ...(card !== "pm_card_visa" && { laterCard: card }),
    },
  );
  return { id, ...subscribed };
}

const advance = (testClock: Stripe.TestHelpers.TestClock, seconds: number) =>
  advanceTestClock(stripe, testClock.id, seconds);

async function invoicesOf(subscription: string): Promise<Stripe.Invoice[]> {
  return (await stripe.invoices.list({ subscription, limit: 100 })).data;
}

async function mirroredItems(subscription: string) {
  return (
    await db
      .select({
        priceId: stripeSubscriptionItems.priceId,
        quantity: stripeSubscriptionItems.quantity,
      })
      .from(stripeSubscriptionItems)
      .where(
        and(
          eq(stripeSubscriptionItems.subscriptionId, subscription),
          isNull(stripeSubscriptionItems.deletedAt),
        ),
      )
  ).sort((a, b) => (a.priceId < b.priceId ? -1 : 1));
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`;
  }
}

describe("plan change options", () => {
  it("offers the catalog's plans and seats in the subscription's currency", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    const options = await planChangeOptions(a.deps, a.id);
    expect(options.subscription).toMatchObject({
      id: a.subscription.id,
      currency: "eur",
      interval: "month",
      plan: { priceId: price.plus_m, productName: "Plus", unitAmount: 600 },
      seats: null,
      amount: 600,
    });
    expect(options.blocked).toBeNull();
    expect(options.pending).toBeNull();
    expect(options.plans.map((p) => p.lookupKey)).toEqual(["plus_m", "plus_y", "pro_m", "pro_y"]);
    expect(options.seatPrices.map((p) => [p.lookupKey, p.addonTiers])).toEqual([
      ["seat_m", ["pro"]],
      ["seat_y", ["pro"]],
    ]);
  });
});

describe("upgrades", () => {
  it("preview equals the invoice Stripe creates, to the cent, and the change applies now", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    await advance(a.testClock, 10 * DAY);

    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 2,
    });
    expect(preview).toMatchObject({ timing: "now", currency: "eur", newPeriodCharge: 0 });
    expect(preview.prorationDate).toBe(
      (await stripe.testHelpers.testClocks.retrieve(a.testClock.id)).frozen_time,
    );
    expect(preview.unusedTimeCredit).toBeGreaterThan(0);
    expect(preview.dueNow).toBe(preview.remainingTimeCharge - preview.unusedTimeCredit);
    expect(preview.nextInvoice).toEqual({
      amount: 1400 + 2 * 400,
      date: new Date(a.subscription.items.data[0]!.current_period_end * 1000),
    });

    // Time passes between preview and confirm: the proration date keeps the amount.
    await advance(a.testClock, 120);
    const result = await confirmPlanChange(a.deps, confirmInputOf(preview));
    expect(result.timing).toBe("now");
    const invoice = await stripe.invoices.retrieve(result.invoice!.id);
    expect(invoice.status).toBe("paid");
    expect(invoice.amount_due).toBe(preview.dueNow);
    expect(
      invoice.lines.data.map((l) => ({ description: l.description, amount: l.amount })),
    ).toEqual(preview.lines.map((l) => ({ description: l.description, amount: l.amount })));

    // Stored through the write path: the overview shows the new plan before any webhook.
    expect(await mirroredItems(a.subscription.id)).toEqual(
      [
        { priceId: price.pro_m, quantity: 1 },
        { priceId: price.seat_m, quantity: 2 },
      ].sort((x, y) => (x.priceId! < y.priceId! ? -1 : 1)),
    );
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${a.subscription.id}`));
    expect(audits).toEqual([
      expect.objectContaining({
        action: "subscription.plan_changed",
        actorType: "customer",
        actorId: a.id,
        before: { items: [{ price: price.plus_m, quantity: 1 }] },
      }),
    ]);
  });

  it("changes once and charges once under a double submit and a retry", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    await advance(a.testClock, 5 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
    });
    const input = confirmInputOf(preview);
    const update = vi.spyOn(stripe.subscriptions, "update");
    const [first, second] = await Promise.all([
      confirmPlanChange(a.deps, input),
      confirmPlanChange(a.deps, input),
    ]);
    const retry = await confirmPlanChange(a.deps, input);
    const keys = update.mock.calls.map((c) => (c[2] as { idempotencyKey: string }).idempotencyKey);
    update.mockRestore();
    expect(second.invoice?.id).toBe(first.invoice?.id);
    expect(retry.invoice?.id).toBe(first.invoice?.id);
    const updates = (await invoicesOf(a.subscription.id)).filter(
      (i) => i.billing_reason === "subscription_update",
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]!.amount_paid).toBe(preview.dueNow);
    // Whichever click reached Stripe used the attempt's key (the second one may instead have
    // waited for the first to finish); the retry was answered from the audit row.
    expect(new Set(keys)).toEqual(new Set([`folio-plan-change-${a.id}-${input.attemptId}`]));
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${a.subscription.id}`));
    expect(audits.map((r) => r.action)).toEqual(["subscription.plan_changed"]);
  });

  it("a declined card changes nothing and says what to do", async () => {
    const a = await subscriber([{ price: price.plus_m! }], "pm_card_chargeCustomerFail");
    await advance(a.testClock, 3 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
    });
    const err = await confirmPlanChange(a.deps, confirmInputOf(preview)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect((err as DomainError).message).toMatch(/^Could not change your plan: .*card/i);
    const live = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(live.items.data.map((i) => i.price.id)).toEqual([price.plus_m]);
    expect(await mirroredItems(a.subscription.id)).toEqual([
      { priceId: price.plus_m, quantity: 1 },
    ]);
    expect(
      (await invoicesOf(a.subscription.id)).filter(
        (i) => i.billing_reason === "subscription_update",
      ),
    ).toEqual([]);
  });

  it("refuses a stale or altered preview", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    await advance(a.testClock, 2 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
    });
    // A proration date the customer picked (later in the period = cheaper) is not this preview.
    const later = { ...confirmInputOf(preview), prorationDate: preview.prorationDate! + 20 * DAY };
    expect(await codeOf(confirmPlanChange(a.deps, later))).toBe("CONFLICT");
    // Another target than the one previewed.
    expect(await codeOf(confirmPlanChange(a.deps, { ...confirmInputOf(preview), seats: 1 }))).toBe(
      "CONFLICT",
    );
    // An hour later the preview is out of date.
    await advance(a.testClock, 3600);
    expect(await codeOf(confirmPlanChange(a.deps, confirmInputOf(preview)))).toBe("CONFLICT");
    expect((await stripe.subscriptions.retrieve(a.subscription.id)).items.data[0]!.price.id).toBe(
      price.plus_m,
    );
  });

  it("monthly to annual applies now: unused time credited, a new annual period billed", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    await advance(a.testClock, 15 * DAY);
    // Account credit pays part of it; a pending one-off item is billed with it.
    await stripe.customers.createBalanceTransaction(a.customer.id, {
      amount: -500,
      currency: "eur",
    });
    await stripe.invoiceItems.create({
      customer: a.customer.id,
      subscription: a.subscription.id,
      amount: 250,
      currency: "eur",
      description: "Gift wrapping",
    });
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.plus_y!,
      seats: 0,
    });
    expect(preview).toMatchObject({
      timing: "now",
      newPeriodCharge: 6000,
      otherCharges: 250,
      balanceApplied: 500,
    });
    expect(preview.unusedTimeCredit).toBeGreaterThan(0);
    expect(preview.dueNow).toBe(6000 - preview.unusedTimeCredit + 250 - 500);
    expect(preview.nextInvoice.amount).toBe(6000);
    const result = await confirmPlanChange(a.deps, confirmInputOf(preview));
    const invoice = await stripe.invoices.retrieve(result.invoice!.id);
    expect(invoice.amount_due).toBe(preview.dueNow);
    expect(invoice.total).toBe(preview.dueNow + 500);
  });

  it("refuses what is not a change, or not on offer", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    const target = { subscriptionId: a.subscription.id, priceId: price.plus_m!, seats: 0 };
    expect(await codeOf(previewPlanChange(a.deps, a.id, target))).toBe("BAD_REQUEST");
    expect(
      await codeOf(previewPlanChange(a.deps, a.id, { ...target, priceId: "price_nope" })),
    ).toBe("BAD_REQUEST");
    // Seats are sold with Pro only.
    expect(await codeOf(previewPlanChange(a.deps, a.id, { ...target, seats: 2 }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("during a free trial", () => {
  it("changes the plan now without charging; the trial's end bills the new plan", async () => {
    const a = await subscriber([{ price: price.plus_m! }], "pm_card_visa", 14);
    await advance(a.testClock, 3 * DAY);
    const trialEnd = new Date(a.subscription.trial_end! * 1000);
    const target = { subscriptionId: a.subscription.id, priceId: price.pro_m!, seats: 1 };
    const preview = await previewPlanChange(a.deps, a.id, target);
    expect(preview).toMatchObject({
      timing: "now",
      prorationDate: null,
      dueNow: 0,
      unusedTimeCredit: 0,
      nextInvoice: { amount: 1400 + 400, date: trialEnd },
    });
    const result = await confirmPlanChange(a.deps, confirmInputOf(preview));
    expect(result.invoice).toBeNull();
    const live = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(live.status).toBe("trialing");
    expect(live.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
      [price.pro_m, 1],
      [price.seat_m, 1],
    ]);
    // Switching to annual billing waits for the trial to end.
    expect(
      await codeOf(previewPlanChange(a.deps, a.id, { ...target, priceId: price.pro_y! })),
    ).toBe("PRECONDITION_FAILED");

    await advance(a.testClock, 12 * DAY);
    const first = (await invoicesOf(a.subscription.id)).find(
      (i) => i.billing_reason === "subscription_cycle",
    );
    expect(first).toMatchObject({ total: preview.nextInvoice.amount, status: "paid" });
  });
});

describe("another customer's subscription", () => {
  it("cannot be previewed, changed or have its pending change cancelled", async () => {
    const a = await subscriber([{ price: price.plus_m! }]);
    const b = await subscriber([{ price: price.pro_m! }]);
    const target = { subscriptionId: b.subscription.id, priceId: price.pro_y!, seats: 0 };
    expect(await codeOf(previewPlanChange(a.deps, a.id, target))).toBe("NOT_FOUND");
    const own = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 0,
    });
    expect(
      await codeOf(
        confirmPlanChange(a.deps, { ...confirmInputOf(own), subscriptionId: b.subscription.id }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        cancelScheduledChange(a.deps, {
          subscriptionId: b.subscription.id,
          attemptId: crypto.randomUUID(),
        }),
      ),
    ).toBe("NOT_FOUND");
    const live = await stripe.subscriptions.retrieve(b.subscription.id);
    expect(live.items.data.map((i) => i.price.id)).toEqual([price.pro_m]);
    expect(
      await db
        .select()
        .from(auditLog)
        .where(like(auditLog.target, `subscription:${b.subscription.id}`)),
    ).toEqual([]);
  });
});

describe("downgrades at period end", () => {
  async function renewalsOf(subscription: string) {
    return (await invoicesOf(subscription)).filter(
      (i) => i.billing_reason === "subscription_cycle",
    );
  }

  it("schedules the lower plan for the period end; then it renews on it, as previewed", async () => {
    const a = await subscriber([{ price: price.pro_m! }, { price: price.seat_m!, quantity: 3 }]);
    await advance(a.testClock, 4 * DAY);
    const periodEnd = a.subscription.items.data[0]!.current_period_end;
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.plus_m!,
      seats: 0,
    });
    expect(preview).toMatchObject({
      timing: "period_end",
      effectiveAt: new Date(periodEnd * 1000),
      prorationDate: null,
      dueNow: 0,
      unusedTimeCredit: 0,
      lines: [],
      nextInvoice: { amount: 600, date: new Date(periodEnd * 1000) },
    });

    const attemptId = crypto.randomUUID();
    const [result, again] = await Promise.all([
      confirmPlanChange(a.deps, confirmInputOf(preview, attemptId)),
      confirmPlanChange(a.deps, confirmInputOf(preview, attemptId)),
    ]);
    expect(result).toEqual({
      timing: "period_end",
      effectiveAt: new Date(periodEnd * 1000),
      invoice: null,
    });
    expect(again).toEqual(result);
    // Nothing changes now.
    const live = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(live.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
      [price.pro_m, 1],
      [price.seat_m, 3],
    ]);
    expect(live.schedule).not.toBeNull();
    const options = await planChangeOptions(a.deps, a.id);
    expect(options.pending).toMatchObject({
      effectiveAt: new Date(periodEnd * 1000),
      madeHere: true,
      items: [{ priceId: price.plus_m, productName: "Plus", unitAmount: 600, quantity: 1 }],
    });
    // The schedule is stored with the subscription (write path) and audited once.
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${a.subscription.id}`));
    expect(audits.map((r) => r.action)).toEqual(["subscription.plan_change_scheduled"]);
    // A second change waits until this one is cancelled.
    expect(
      await codeOf(
        previewPlanChange(a.deps, a.id, {
          subscriptionId: a.subscription.id,
          priceId: price.pro_y!,
          seats: 0,
        }),
      ),
    ).toBe("PRECONDITION_FAILED");

    await advance(
      a.testClock,
      periodEnd - (await stripe.testHelpers.testClocks.retrieve(a.testClock.id)).frozen_time + 3600,
    );
    const after = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(after.status).toBe("active");
    expect(after.items.data.map((i) => [i.price.id, i.quantity])).toEqual([[price.plus_m, 1]]);
    const [renewal] = await renewalsOf(a.subscription.id);
    expect(renewal).toMatchObject({
      status: "paid",
      total: preview.nextInvoice.amount,
      amount_paid: 600,
    });
  });

  it("annual to monthly waits for the end of the year, then bills monthly", async () => {
    const a = await subscriber([{ price: price.pro_y! }]);
    await advance(a.testClock, 30 * DAY);
    const periodEnd = a.subscription.items.data[0]!.current_period_end;
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.pro_m!,
      seats: 1,
    });
    expect(preview).toMatchObject({
      timing: "period_end",
      dueNow: 0,
      nextInvoice: { amount: 1400 + 400, date: new Date(periodEnd * 1000) },
    });
    await confirmPlanChange(a.deps, confirmInputOf(preview));
    await advance(
      a.testClock,
      periodEnd - (await stripe.testHelpers.testClocks.retrieve(a.testClock.id)).frozen_time + 3600,
    );
    const after = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(after.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
      [price.pro_m, 1],
      [price.seat_m, 1],
    ]);
    // The new (monthly) cycle starts at the old period's end with its first invoice: the new
    // items in full, nothing prorated (the year was used up).
    const first = await stripe.invoices.retrieve(after.latest_invoice as string);
    expect(first).toMatchObject({ total: 1800, status: "paid", period_end: periodEnd });
    expect(first.lines.data.map((l) => [l.amount, l.period.start, l.period.end])).toEqual([
      [1400, periodEnd, after.items.data[0]!.current_period_end],
      [400, periodEnd, after.items.data[0]!.current_period_end],
    ]);
  });

  it("a cancelled pending change leaves the subscription renewing as it is", async () => {
    const a = await subscriber([{ price: price.pro_m! }]);
    const periodEnd = a.subscription.items.data[0]!.current_period_end;
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.plus_m!,
      seats: 0,
    });
    await confirmPlanChange(a.deps, confirmInputOf(preview));
    const attemptId = crypto.randomUUID();
    expect(
      await cancelScheduledChange(a.deps, { subscriptionId: a.subscription.id, attemptId }),
    ).toEqual({
      canceled: true,
    });
    // The second click finds nothing pending.
    expect(
      await cancelScheduledChange(a.deps, { subscriptionId: a.subscription.id, attemptId }),
    ).toEqual({
      canceled: false,
    });
    expect((await stripe.subscriptions.retrieve(a.subscription.id)).schedule).toBeNull();
    expect((await planChangeOptions(a.deps, a.id)).pending).toBeNull();
    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${a.subscription.id}`));
    expect(audits.map((r) => r.action)).toEqual([
      "subscription.plan_change_scheduled",
      "subscription.plan_change_canceled",
    ]);

    await advance(
      a.testClock,
      periodEnd - (await stripe.testHelpers.testClocks.retrieve(a.testClock.id)).frozen_time + 3600,
    );
    const after = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(after.items.data.map((i) => i.price.id)).toEqual([price.pro_m]);
    expect((await renewalsOf(a.subscription.id)).map((i) => i.total)).toEqual([1400]);
  });

  it("takes the half-made schedule away when its phases cannot be set", async () => {
    const a = await subscriber([{ price: price.pro_m! }]);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.plus_m!,
      seats: 0,
    });
    const update = vi
      .spyOn(stripe.subscriptionSchedules, "update")
      .mockRejectedValueOnce(
        Object.assign(new Error("Stripe is down"), { type: "StripeAPIError", statusCode: 500 }),
      );
    const err = await confirmPlanChange(a.deps, confirmInputOf(preview)).catch((e: unknown) => e);
    update.mockRestore();
    expect(err).toMatchObject({ code: "UPSTREAM" });
    expect((await stripe.subscriptions.retrieve(a.subscription.id)).schedule).toBeNull();
    expect(
      await db
        .select()
        .from(auditLog)
        .where(eq(auditLog.target, `subscription:${a.subscription.id}`)),
    ).toEqual([]);
  });
});
