import { jobs } from "@folio/db";
import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { recordHooks } from "../records/index.ts";
import {
  apply,
  clock,
  customerFor,
  customerWithPaidCheckout,
  db,
  delivered,
  emulator,
  priceId,
  stripe,
  syncNewEvents,
  useRecordHooksEmulator,
} from "../records/emulator-setup.ts";
import { syncAll } from "../sync/backfill.ts";
import { recordEvents } from "../sync/testing.ts";
import { TRIAL_REMINDER_MS } from "./hook.ts";

// Each e-mail a Stripe change causes is enqueued once, however often and in whatever order its
// webhooks arrive: every event here is delivered one to three times, shuffled, and at the end
// the whole history is delivered again.

useRecordHooksEmulator("emails");

const emailJobs = async () =>
  (await db.select().from(jobs).orderBy(asc(jobs.createdAt), asc(jobs.key))).filter((j) =>
    j.kind.startsWith("email."),
  );
const kinds = async () => (await emailJobs()).map((j) => j.kind).sort();

describe("e-mails from Stripe changes", () => {
  it("orders, refunds, trials, plan changes, cancellations and credit each enqueue one e-mail", async () => {
    const { customer, session } = await customerWithPaidCheckout("casey@example.test");
    await syncNewEvents(1);
    expect(await kinds()).toEqual(["email.order_confirmation"]);
    const [confirmation] = await emailJobs();
    expect((confirmation!.payload as { orderId: string }).orderId).toMatch(/^ord_/);

    const { payment_intent } = await stripe.checkout.sessions.retrieve(session.id);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 1000 });
    await syncNewEvents(2);
    await stripe.refunds.create({ payment_intent: payment_intent as string, amount: 500 });
    await syncNewEvents(3);
    const refunds = (await emailJobs()).filter((j) => j.kind === "email.refund_issued");
    expect(
      refunds.map((j) => (j.payload as { amount: number }).amount).sort((a, b) => a - b),
    ).toEqual([500, 1000]);

    const sub = await stripe.subscriptions.create({
      customer,
      items: [{ price: await priceId("quire_pro_monthly") }],
      trial_period_days: 14,
    });
    await syncNewEvents(4);
    const [trial] = (await emailJobs()).filter((j) => j.kind === "email.trial_ending");
    expect(trial!.runAt.getTime()).toBe(sub.trial_end! * 1000 - TRIAL_REMINDER_MS);

    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 3 }],
      proration_behavior: "none",
    });
    await syncNewEvents(5);
    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await syncNewEvents(6);
    await stripe.customers.createBalanceTransaction(customer, {
      amount: -1500,
      currency: "usd",
      description: "Sorry for the outage",
    });
    await syncNewEvents(7);
    await stripe.subscriptions.cancel(sub.id);
    await syncNewEvents(8);

    const changes = (await emailJobs())
      .filter((j) => j.kind === "email.subscription_changed")
      .map((j) => (j.payload as { change: string }).change);
    expect(changes.sort()).toEqual(["cancel_scheduled", "canceled", "changed"]);
    const credit = (await emailJobs()).find((j) => j.kind === "email.credit_granted");
    expect(credit?.payload).toMatchObject({
      amount: 1500,
      currency: "usd",
      reason: "Sorry for the outage",
    });

    const before = await emailJobs();
    expect(before).toHaveLength(8);
    // The whole history again, shuffled and duplicated, then a backfill: nothing new is sent.
    await apply(delivered, 99);
    await syncAll({ db, stripe, clock, hooks: recordHooks });
    expect((await emailJobs()).map((j) => j.key)).toEqual(before.map((j) => j.key));
  }, 60_000);

  it("history is not mailed: events older than two days enqueue nothing", async () => {
    await pushCatalog({ stripe }, demoCatalog());
    const customer = await customerFor("old@example.test");
    await stripe.customers.createBalanceTransaction(customer, { amount: -700, currency: "usd" });
    await emulator.flushWebhooks();
    const events = await recordEvents(stripe);
    clock.set(emulator.now() * 1000 + 3 * 24 * 3600_000);
    await apply(events, 5);
    expect(await emailJobs()).toEqual([]);
  }, 30_000);
});
