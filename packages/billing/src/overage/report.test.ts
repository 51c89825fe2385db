import { closeDb, jobs, usageCounters, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog, type Catalog } from "../catalog/schema.ts";
import { syncUsageCatalog } from "../catalog/usage.ts";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { attachDefaultCard, insertCustomerUser } from "../portal/testing.ts";
import { syncAll } from "../sync/backfill.ts";
import { planOverageReports, reportOverageJob } from "./jobs.ts";
import { sendOverageReport, unreportedOverage } from "./report.ts";
import { setupOverageBilling } from "./setup.ts";

// The overage reporter against the emulator: Stripe hears one meter event per counter per run
// (whatever the number of usage events behind it), a repeated or crashed run sends nothing twice,
// and the renewal invoice bills the reported overage on the plan's metered price.

const DAY = 86_400_000;
let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock();
let catalog: Catalog;

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "overage", start: "2026-03-01" } });
  stripe = emulator.stripe();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  catalog = demoCatalog();
  const report = await pushCatalog({ stripe }, catalog);
  await syncUsageCatalog({ db, clock }, catalog, report);
  await setupOverageBilling({ db, stripe, clock }, catalog);
  await syncAll({ db, stripe, clock });
});
afterAll(async () => {
  await emulator.stop();
  await closeDb(db);
});

async function teamCustomer(id: string) {
  const user = await insertCustomerUser(db, clock, id);
  const customerId = await ensureStripeCustomer({ db, stripe, clock }, user);
  await attachDefaultCard(stripe, customerId);
  const [price] = (await stripe.prices.list({ lookup_keys: ["quire_api_team_monthly"] })).data;
  const sub = await stripe.subscriptions.create({
    customer: customerId,
    items: [{ price: price!.id }],
  });
  await syncAll({ db, stripe, clock });
  const item = sub.items.data[0]!;
  const [counter] = await db
    .insert(usageCounters)
    .values({
      userId: user.id,
      meterKey: "api_calls",
      periodStart: new Date(item.current_period_start * 1000),
      periodEnd: new Date(item.current_period_end * 1000),
      subscriptionId: sub.id,
      included: 100_000,
      overage: "metered",
      quantity: 100_000,
      includedUsed: 100_000,
      updatedAt: clock.now(),
    })
    .returning();
  return { customerId, sub, counter: counter! };
}

const meterEvents = () => emulator.core.store.list("billing.meter_event");

async function overage(counterId: number, quantity: number) {
  await db
    .update(usageCounters)
    .set({ overageQuantity: quantity })
    .where(eq(usageCounters.id, counterId));
}

describe("overage reporter", () => {
  it("sets up one Stripe meter and a metered price per plan, currency and interval, idempotently", async () => {
    const again = await setupOverageBilling({ db, stripe, clock }, catalog);
    expect(again.meters).toEqual([expect.objectContaining({ key: "api_calls", action: "found" })]);
    // Team is sold monthly in USD and EUR: a subscription's items share its currency, so an EUR
    // subscriber needs an EUR overage price.
    expect(again.prices).toEqual([
      expect.objectContaining({
        lookupKey: "folio_overage_quire_api_team_api_calls_usd_1month",
        action: "unchanged",
      }),
      expect.objectContaining({
        lookupKey: "folio_overage_quire_api_team_api_calls_eur_1month",
        action: "unchanged",
      }),
    ]);
    for (const { lookupKey } of again.prices) {
      const [price] = (await stripe.prices.list({ lookup_keys: [lookupKey] })).data;
      expect(price?.currency).toBe(lookupKey.includes("_eur_") ? "eur" : "usd");
      expect(price?.recurring).toMatchObject({
        usage_type: "metered",
        meter: again.meters[0]!.stripeMeterId,
      });
    }
  });

  it("reports per counter per run, never twice, and the renewal invoice bills it", async () => {
    const { sub, counter } = await teamCustomer("usr_team1");
    const before = meterEvents().length;
    await overage(counter.id, 1500);
    const [report] = await unreportedOverage(db, 100);
    expect(report).toEqual({ counterId: counter.id, from: 0, to: 1500 });
    expect(await sendOverageReport({ db, stripe, clock }, report!)).toBe("sent");
    // The same planned report again (a retried job): the counter moved on, nothing is sent.
    expect(await sendOverageReport({ db, stripe, clock }, report!)).toBe("stale");
    expect(await unreportedOverage(db, 100)).toEqual([]);
    // A crash after Stripe accepted but before the bookkeeping: Stripe refuses the identifier.
    await db
      .update(usageCounters)
      .set({ overageReported: 0 })
      .where(eq(usageCounters.id, counter.id));
    expect(await sendOverageReport({ db, stripe, clock }, report!)).toBe("already_sent");
    expect(meterEvents().length - before).toBe(1);

    clock.advance(3 * DAY);
    emulator.advanceClock(3 * 86_400);
    await overage(counter.id, 2000);
    const [next] = await unreportedOverage(db, 100);
    expect(next).toEqual({ counterId: counter.id, from: 1500, to: 2000 });
    expect(await sendOverageReport({ db, stripe, clock }, next!)).toBe("sent");
    expect(meterEvents().length - before).toBe(2);

    const live = await stripe.subscriptions.retrieve(sub.id);
    expect(live.items.data.map((i) => i.price.recurring?.usage_type).sort()).toEqual([
      "licensed",
      "metered",
    ]);
    const periodEnd = sub.items.data[0]!.current_period_end;
    emulator.setClock(periodEnd + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(sub.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    const metered = invoice.lines.data.find((l) => l.quantity === 2000);
    expect(metered).toMatchObject({ amount: 200, period: { end: periodEnd } });
    expect(invoice).toMatchObject({ billing_reason: "subscription_cycle", amount_due: 9900 + 200 });
  });

  it("plans one report job per counter and starting point, however often it runs", async () => {
    const { counter } = await teamCustomer("usr_team2");
    await overage(counter.id, 300);
    expect(await planOverageReports({ db, clock })).toBe(1);
    await overage(counter.id, 450);
    expect(await planOverageReports({ db, clock })).toBe(0);
    const planned = await db
      .select({ key: jobs.key, payload: jobs.payload })
      .from(jobs)
      .where(eq(jobs.kind, reportOverageJob.kind));
    expect(planned).toEqual([
      {
        key: `usage.report_overage:${counter.id}:0`,
        payload: { counterId: counter.id, from: 0, to: 300 },
      },
    ]);
  });
});
