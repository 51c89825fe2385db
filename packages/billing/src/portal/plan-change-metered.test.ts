import { auditLog, closeDb, stripeSubscriptionItems, usageCounters, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { parseCatalog } from "../catalog/schema.ts";
import { syncUsageCatalog } from "../catalog/usage.ts";
import { manualClock } from "../clock.ts";
import { planOverageReports } from "../overage/jobs.ts";
import { sendOverageReport } from "../overage/report.ts";
import { setupOverageBilling } from "../overage/setup.ts";
import { syncAll } from "../sync/backfill.ts";
import {
  confirmPlanChange,
  planChangeOptions,
  previewPlanChange,
  type PlanChangePreview,
} from "./plan-change.ts";
import {
  advanceTestClock,
  confirmInputOf,
  priceIdsByLookupKey,
  subscribedOnTestClock,
} from "./testing.ts";

// Plan changes of a subscription that bills overage through a metered price (issue 13): the
// metered item is not the plan, is never prorated, and moves with the plan (swapped, removed
// or added); previews still equal Stripe's invoices, and the overage reporter keeps billing on
// the item the change left.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
let price: Record<string, string> = {};

const DAY = 86_400;
const overagePrice = (plan: string, interval = "1month") =>
  price[`folio_overage_${plan}_api_calls_usd_${interval}`]!;
const catalog = parseCatalog({
  version: 1,
  name: "Metered plan change test",
  currency: "usd",
  meters: [{ key: "api_calls", name: "API calls", unitLabel: "call", aggregation: "sum" }],
  products: [
    {
      key: "basic",
      name: "Basic",
      kind: "plan",
      planTier: "basic",
      allowances: [{ meter: "api_calls", included: 1000, overage: "credits" }],
      prices: [{ lookupKey: "basic_m", unitAmount: 500, recurring: { interval: "month" } }],
    },
    {
      key: "team",
      name: "Team",
      kind: "plan",
      planTier: "team",
      allowances: [
        { meter: "api_calls", included: 10_000, overage: "metered", overageUnitAmount: "1" },
      ],
      prices: [
        { lookupKey: "team_m", unitAmount: 2000, recurring: { interval: "month" } },
        { lookupKey: "team_y", unitAmount: 20_000, recurring: { interval: "year" } },
      ],
    },
    {
      key: "scale",
      name: "Scale",
      kind: "plan",
      planTier: "scale",
      allowances: [
        { meter: "api_calls", included: 50_000, overage: "metered", overageUnitAmount: "0.5" },
      ],
      prices: [{ lookupKey: "scale_m", unitAmount: 5000, recurring: { interval: "month" } }],
    },
  ],
});

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "plan-change-metered" } });
  stripe = emulator.stripe();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  const report = await pushCatalog({ stripe }, catalog);
  await syncUsageCatalog({ db, clock }, catalog, report);
  await setupOverageBilling({ db, stripe, clock }, catalog);
  await syncAll({ db, stripe, clock });
  price = await priceIdsByLookupKey(stripe);
});
afterAll(async () => {
  await emulator.stop();
  await closeDb(db);
});

let seq = 0;
/** A customer on its own test clock, subscribed to `items` (plan first), linked and stored. */
async function subscriber(
  items: Array<{ price: string }>,
  billingMode: "classic" | "flexible" = "flexible",
) {
  seq += 1;
  const id = `usr_metered${seq}`;
  const { deps, customer, subscription, testClock } = await subscribedOnTestClock(
    { db, stripe, clock },
    { id, now: emulator.now(), params: { items, billing_mode: { type: billingMode } } },
  );
  const advance = async (seconds: number) => {
    await advanceTestClock(stripe, testClock.id, seconds);
    clock.set((await stripe.testHelpers.testClocks.retrieve(testClock.id)).frozen_time * 1000);
  };
  /** `quantity` more overage recorded on the period's counter (not reported to Stripe yet). */
  const accrueOverage = async (quantity: number) => {
    const live = await stripe.subscriptions.retrieve(subscription.id);
    const item = live.items.data[0]!;
    const periodStart = new Date(item.current_period_start * 1000);
    await db
      .insert(usageCounters)
      .values({
        userId: id,
        meterKey: "api_calls",
        periodStart,
        periodEnd: new Date(item.current_period_end * 1000),
        subscriptionId: subscription.id,
        included: 0,
        overage: "metered",
        updatedAt: clock.now(),
      })
      .onConflictDoNothing();
    const where = and(
      eq(usageCounters.userId, id),
      eq(usageCounters.meterKey, "api_calls"),
      eq(usageCounters.periodStart, periodStart),
    );
    const counter = (await db.select().from(usageCounters).where(where))[0]!;
    const to = counter.overageReported + quantity;
    await db
      .update(usageCounters)
      .set({ quantity: to, overageQuantity: to })
      .where(eq(usageCounters.id, counter.id));
    return { counterId: counter.id, from: counter.overageReported, to };
  };
  /** `quantity` more overage, reported to Stripe by the reporter. */
  const reportOverage = async (quantity: number) =>
    sendOverageReport({ db, stripe, clock }, await accrueOverage(quantity));
  return { id, deps, customer, subscription, testClock, advance, accrueOverage, reportOverage };
}

const liveItems = async (subscription: string) =>
  (await stripe.subscriptions.retrieve(subscription)).items.data
    .map((i) => ({ id: i.id, price: i.price.id }))
    .sort((a, b) => (a.price < b.price ? -1 : 1));

const sorted = (prices: string[]) => [...prices].sort();

async function mirroredPrices(subscription: string) {
  const rows = await db
    .select({ priceId: stripeSubscriptionItems.priceId })
    .from(stripeSubscriptionItems)
    .where(
      and(
        eq(stripeSubscriptionItems.subscriptionId, subscription),
        isNull(stripeSubscriptionItems.deletedAt),
      ),
    );
  return sorted(rows.map((r) => r.priceId));
}

/** Confirms `preview` and checks the invoice Stripe made is the preview, line by line. */
async function confirmAsPreviewed(
  deps: Parameters<typeof confirmPlanChange>[0],
  preview: PlanChangePreview,
) {
  const result = await confirmPlanChange(deps, confirmInputOf(preview));
  const invoice = await stripe.invoices.retrieve(result.invoice!.id);
  expect(invoice.status).toBe("paid");
  expect(invoice.amount_due).toBe(preview.dueNow);
  expect(invoice.lines.data.map((l) => [l.description, l.amount])).toEqual(
    preview.lines.map((l) => [l.description, l.amount]),
  );
  return invoice;
}

describe("plan change of a metered-overage subscription", () => {
  it("shows the plan, not the overage item, and leaves overage out of the price per period", async () => {
    const a = await subscriber([{ price: price.team_m! }, { price: overagePrice("team") }]);
    const options = await planChangeOptions(a.deps, a.id);
    expect(options.blocked).toBeNull();
    expect(options.subscription).toMatchObject({
      plan: { priceId: price.team_m, productName: "Team", unitAmount: 2000 },
      seats: null,
      amount: 2000,
    });
  });

  it("upgrades now: the overage item takes the new plan's metered price, unprorated; the reporter bills on it", async () => {
    const a = await subscriber([{ price: price.team_m! }, { price: overagePrice("team") }]);
    const before = await liveItems(a.subscription.id);
    await a.advance(10 * DAY);
    expect(await a.reportOverage(400)).toBe("sent");
    await a.advance(3600);

    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.scale_m!,
      seats: 0,
    });
    // Only the plan is prorated (a credit and a charge); the overage reported so far is billed
    // now at Team's rate, as Stripe bills a metered price leaving mid-period.
    expect(preview.lines.map((l) => [l.proration, l.amount > 0])).toEqual([
      [true, false],
      [true, true],
      [false, true],
    ]);
    expect(preview).toMatchObject({ timing: "now", newPeriodCharge: 0, otherCharges: 400 });
    expect(preview.dueNow).toBe(preview.remainingTimeCharge - preview.unusedTimeCredit + 400);
    // Scale's metered price counts usage from the change on: nothing yet.
    expect(preview.nextInvoice.amount).toBe(5000);
    const invoice = await confirmAsPreviewed(a.deps, preview);
    expect(invoice.lines.data.at(-1)).toMatchObject({
      quantity: 400,
      pricing: { price_details: { price: overagePrice("team") } },
    });

    // The same item, now on Scale's metered price (no second item on the meter).
    const overageItem = before.find((i) => i.price === overagePrice("team"))!;
    const after = await liveItems(a.subscription.id);
    expect(sorted(after.map((i) => i.price))).toEqual(
      sorted([price.scale_m!, overagePrice("scale")]),
    );
    expect(after.find((i) => i.price === overagePrice("scale"))?.id).toBe(overageItem.id);
    expect(await mirroredPrices(a.subscription.id)).toEqual(
      sorted([price.scale_m!, overagePrice("scale")]),
    );
    // The reporter finds the swapped item and adds none; the renewal bills what it reported
    // since the change at Scale's rate.
    expect(await a.reportOverage(100)).toBe("sent");
    expect((await liveItems(a.subscription.id)).length).toBe(2);
    const periodEnd = a.subscription.items.data[0]!.current_period_end;
    await a.advance(periodEnd - clock.now().getTime() / 1000 + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(a.subscription.id);
    const renewal = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(renewal.lines.data.map((l) => [l.pricing?.price_details?.price, l.amount])).toEqual([
      [price.scale_m, 5000],
      [overagePrice("scale"), 50],
    ]);
  });

  it("bills overage not reported yet at the old plan's rate when the plan changes now", async () => {
    const a = await subscriber([{ price: price.team_m! }, { price: overagePrice("team") }]);
    await a.advance(10 * DAY);
    expect(await a.reportOverage(400)).toBe("sent");
    await a.advance(3600);
    // Recorded minutes before the change; the reporter's next run is up to 15 minutes away.
    const pending = await a.accrueOverage(250);

    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.scale_m!,
      seats: 0,
    });
    expect(preview).toMatchObject({ timing: "now", otherCharges: 650 });
    const invoice = await confirmAsPreviewed(a.deps, preview);
    expect(invoice.lines.data.at(-1)).toMatchObject({
      quantity: 650,
      pricing: { price_details: { price: overagePrice("team") } },
    });
    // The reporter has nothing left for that counter; what it sends now is usage since.
    const [counter] = await db
      .select()
      .from(usageCounters)
      .where(eq(usageCounters.id, pending.counterId));
    expect(counter).toMatchObject({ overageQuantity: 650, overageReported: 650 });
    expect(await planOverageReports({ db, clock })).toBe(0);
  });

  it("moves a classic subscription to flexible billing first, so the overage so far is still billed", async () => {
    const a = await subscriber(
      [{ price: price.team_m! }, { price: overagePrice("team") }],
      "classic",
    );
    await a.advance(6 * DAY);
    expect(await a.reportOverage(200)).toBe("sent");
    await a.advance(3600);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.scale_m!,
      seats: 0,
    });
    expect(preview.otherCharges).toBe(200);
    const live = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(live.billing_mode.type).toBe("flexible");
    const audit = await db
      .select({ action: auditLog.action, actorId: auditLog.actorId })
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${a.subscription.id}`));
    expect(audit).toEqual([{ action: "subscription.billing_mode_migrated", actorId: a.id }]);
    const invoice = await confirmAsPreviewed(a.deps, preview);
    expect(invoice.lines.data.at(-1)).toMatchObject({ quantity: 200, amount: 200 });
  });

  it("changes the interval now: the cut-short month's overage is billed at once, the yearly metered price follows", async () => {
    const a = await subscriber([{ price: price.team_m! }, { price: overagePrice("team") }]);
    await a.advance(5 * DAY);
    expect(await a.reportOverage(300)).toBe("sent");
    await a.advance(5 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.team_y!,
      seats: 0,
    });
    expect(preview.timing).toBe("now");
    expect(preview.newPeriodCharge).toBe(20_000);
    const invoice = await confirmAsPreviewed(a.deps, preview);
    const metered = invoice.lines.data.filter((l) =>
      [overagePrice("team"), overagePrice("team", "1year")].includes(
        l.pricing?.price_details?.price as string,
      ),
    );
    expect(metered.map((l) => [l.pricing?.price_details?.price, l.quantity, l.amount])).toEqual([
      [overagePrice("team", "1year"), 0, 0],
      [overagePrice("team"), 300, 300],
    ]);
    expect(sorted((await liveItems(a.subscription.id)).map((i) => i.price))).toEqual(
      sorted([price.team_y!, overagePrice("team", "1year")]),
    );
  });

  it("moves onto a metered plan now: the overage item is added, charged nothing up front", async () => {
    const a = await subscriber([{ price: price.basic_m! }]);
    await a.advance(3 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.team_m!,
      seats: 0,
    });
    expect(preview.lines.map((l) => l.proration)).toEqual([true, true]);
    await confirmAsPreviewed(a.deps, preview);
    expect(sorted((await liveItems(a.subscription.id)).map((i) => i.price))).toEqual(
      sorted([price.team_m!, overagePrice("team")]),
    );
  });

  it("downgrades off a metered plan at period end: the overage item stays until then and bills the period's usage", async () => {
    const a = await subscriber([{ price: price.team_m! }, { price: overagePrice("team") }]);
    await a.advance(4 * DAY);
    expect(await a.reportOverage(250)).toBe("sent");
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.basic_m!,
      seats: 0,
    });
    expect(preview).toMatchObject({ timing: "period_end", dueNow: 0, lines: [] });
    const result = await confirmPlanChange(a.deps, confirmInputOf(preview));
    expect(result.timing).toBe("period_end");
    // Until then nothing changes; the pending change names the plan only.
    expect(sorted((await liveItems(a.subscription.id)).map((i) => i.price))).toEqual(
      sorted([price.team_m!, overagePrice("team")]),
    );
    const pending = (await planChangeOptions(a.deps, a.id)).pending;
    expect(pending?.items.map((i) => [i.priceId, i.quantity])).toEqual([[price.basic_m, 1]]);

    const periodEnd = a.subscription.items.data[0]!.current_period_end;
    await a.advance(periodEnd - clock.now().getTime() / 1000 + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(renewed.items.data.map((i) => i.price.id)).toEqual([price.basic_m]);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice.lines.data.map((l) => [l.pricing?.price_details?.price, l.amount])).toEqual(
      expect.arrayContaining([
        [price.basic_m, 500],
        [overagePrice("team"), 250],
      ]),
    );
    expect(invoice.amount_due).toBe(750);
  });

  it("schedules a shorter interval with the new interval's metered price in the next phase", async () => {
    const a = await subscriber([
      { price: price.team_y! },
      { price: overagePrice("team", "1year") },
    ]);
    await a.advance(20 * DAY);
    const preview = await previewPlanChange(a.deps, a.id, {
      subscriptionId: a.subscription.id,
      priceId: price.team_m!,
      seats: 0,
    });
    expect(preview).toMatchObject({ timing: "period_end", nextInvoice: { amount: 2000 } });
    await confirmPlanChange(a.deps, confirmInputOf(preview));
    const live = await stripe.subscriptions.retrieve(a.subscription.id);
    const schedule = await stripe.subscriptionSchedules.retrieve(live.schedule as string);
    const phasePrices = schedule.phases.map((p) => sorted(p.items.map((i) => i.price as string)));
    expect(phasePrices).toEqual([
      sorted([price.team_y!, overagePrice("team", "1year")]),
      sorted([price.team_m!, overagePrice("team")]),
    ]);
    const pending = (await planChangeOptions(a.deps, a.id)).pending;
    expect(pending?.items.map((i) => [i.priceId, i.quantity])).toEqual([[price.team_m, 1]]);
  });
});
