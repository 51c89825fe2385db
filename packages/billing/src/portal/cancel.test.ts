import { auditLog, closeDb, stripeSubscriptions, users, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { DomainError } from "../errors.ts";
import { syncAll } from "../sync/backfill.ts";
import { cancelSubscriptionAtPeriodEnd, resumeSubscription } from "./cancel.ts";
import { billingOverview, defaultCard, nextCharge, pendingChange } from "./overview.ts";
import { attachDefaultCard, insertCustomerUser } from "./testing.ts";

// The overview's numbers and the cancel/resume round trip, against the emulator: what the
// commands store through the write path is in the mirror as soon as they return.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
let price: Stripe.Price;
const clock = manualClock(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "portal-cancel" } });
  stripe = emulator.stripe();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  await emulator.reset();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  price = await stripe.prices.create({
    currency: "eur",
    unit_amount: 2900,
    recurring: { interval: "month" },
    product_data: { name: "Studio" },
  });
});
afterEach(async () => {
  await closeDb(db);
});

async function subscribedCustomer(id: string, opts: { trialDays?: number } = {}) {
  const user = await insertCustomerUser(db, clock, id);
  const customer = await ensureStripeCustomer({ db, stripe, clock }, user);
  await attachDefaultCard(stripe, customer);
  const subscription = await stripe.subscriptions.create({
    customer,
    items: [{ price: price.id, quantity: 2 }],
    ...(opts.trialDays && { trial_period_days: opts.trialDays }),
  });
  return { user, customer, subscription, actor: { type: "customer" as const, userId: id } };
}

const attempt = () => crypto.randomUUID();

describe("billing overview", () => {
  it("shows the next charge exactly as Stripe's upcoming invoice preview, after credit", async () => {
    const { user, customer, subscription } = await subscribedCustomer("usr_ada");
    await stripe.customers.createBalanceTransaction(customer, { amount: -700, currency: "eur" });
    await syncAll({ db, stripe, clock });

    const overview = await billingOverview({ db, clock }, user.id);
    expect(overview.subscription).toMatchObject({ id: subscription.id, status: "active" });
    expect(overview.balance).toEqual({ amount: -700, currency: "eur" });
    expect(overview.openInvoice).toBeNull();

    const preview = await stripe.invoices.createPreview({
      customer,
      subscription: subscription.id,
    });
    const next = await nextCharge({ db, stripe, clock }, user.id);
    expect(next).toEqual({
      amountDue: preview.amount_due,
      total: preview.total,
      currency: "eur",
      date: new Date(preview.period_end * 1000),
    });
    // Two seats at 29 EUR, less the 7 EUR credit.
    expect(next?.total).toBe(5800);
    expect(next?.amountDue).toBe(5100);
    expect(await defaultCard({ db, stripe, clock }, user.id)).toEqual({
      brand: "visa",
      last4: "4242",
      expMonth: expect.any(Number) as number,
      expYear: expect.any(Number) as number,
    });
    expect(await pendingChange({ db, stripe, clock }, user.id)).toBeNull();
  });

  it("reads a downgrade scheduled for the period's end from the subscription's schedule", async () => {
    const { user, subscription, actor } = await subscribedCustomer("usr_dee");
    const solo = await stripe.prices.create({
      currency: "eur",
      unit_amount: 900,
      recurring: { interval: "month" },
      product_data: { name: "Solo" },
    });
    const schedule = await stripe.subscriptionSchedules.create({
      from_subscription: subscription.id,
    });
    const current = schedule.phases[0]!;
    await stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        {
          items: [{ price: price.id, quantity: 2 }],
          start_date: current.start_date,
          end_date: current.end_date,
        },
        { items: [{ price: solo.id, quantity: 1 }] },
      ],
    });
    await syncAll({ db, stripe, clock });
    const deps = { db, stripe, clock, actor };

    expect(await pendingChange(deps, user.id)).toMatchObject({
      effectiveAt: new Date(current.end_date * 1000),
      items: [
        {
          priceId: solo.id,
          productName: "Solo",
          unitAmount: 900,
          currency: "eur",
          interval: "month",
          quantity: 1,
        },
      ],
    });
    // The next charge is the renewal at the new plan, as Stripe previews it.
    expect(await nextCharge(deps, user.id)).toMatchObject({ total: 900, currency: "eur" });
    // Canceling while a change is scheduled would leave the schedule to undo it: refused, with
    // where to go instead.
    const err = await cancelSubscriptionAtPeriodEnd(deps, {
      attemptId: attempt(),
      feedback: "other",
    }).catch((e: unknown) => e);
    expect((err as DomainError).code).toBe("PRECONDITION_FAILED");
    expect((err as DomainError).message).toMatch(/Change plan/);
  });

  it("is empty for a user without a Stripe customer or subscription", async () => {
    const at = clock.now();
    await db.insert(users).values({
      id: "usr_new",
      email: "new@example.test",
      name: "New",
      passwordHash: "x",
      createdAt: at,
      updatedAt: at,
    });
    expect(await billingOverview({ db, clock }, "usr_new")).toEqual({
      subscription: null,
      lastEnded: null,
      balance: null,
      openInvoice: null,
    });
    expect(await nextCharge({ db, stripe, clock }, "usr_new")).toBeNull();
    expect(await defaultCard({ db, stripe, clock }, "usr_new")).toBeNull();
  });
});

describe("cancel at period end and resume", () => {
  it("round-trips through Stripe, stores the reason at once and audits both steps", async () => {
    const { user, subscription, actor } = await subscribedCustomer("usr_bo", { trialDays: 14 });
    await syncAll({ db, stripe, clock });
    const deps = { db, stripe, clock, actor };

    const cancelAttempt = attempt();
    const { endsAt } = await cancelSubscriptionAtPeriodEnd(deps, {
      attemptId: cancelAttempt,
      feedback: "too_expensive",
      comment: "  Budget cuts  ",
    });
    const live = await stripe.subscriptions.retrieve(subscription.id);
    expect(live.cancel_at_period_end).toBe(true);
    expect(live.cancellation_details?.feedback).toBe("too_expensive");
    expect(endsAt).toEqual(new Date(subscription.items.data[0]!.current_period_end * 1000));

    // In the mirror without waiting for a webhook.
    const row = await db
      .select()
      .from(stripeSubscriptions)
      .where(eq(stripeSubscriptions.id, subscription.id))
      .get();
    expect(row).toMatchObject({
      cancelAtPeriodEnd: true,
      cancellationFeedback: "too_expensive",
      cancellationComment: "Budget cuts",
    });
    expect(await nextCharge(deps, user.id)).toBeNull();

    // A second click (same or new attempt) changes nothing more.
    await cancelSubscriptionAtPeriodEnd(deps, { attemptId: cancelAttempt, feedback: "unused" });
    await cancelSubscriptionAtPeriodEnd(deps, { attemptId: attempt(), feedback: "unused" });
    expect(
      (await stripe.subscriptions.retrieve(subscription.id)).cancellation_details,
    ).toMatchObject({ feedback: "too_expensive" });

    expect(await resumeSubscription(deps, { attemptId: attempt() })).toEqual({ resumed: true });
    expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(false);
    expect((await billingOverview(deps, user.id)).subscription).toMatchObject({
      cancelAtPeriodEnd: false,
      cancelAt: null,
    });
    expect(await resumeSubscription(deps, { attemptId: attempt() })).toEqual({ resumed: false });
    expect(await nextCharge(deps, user.id)).not.toBeNull();

    const audits = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, `subscription:${subscription.id}`))
      .all();
    expect(audits.map((a) => [a.action, a.actorId])).toEqual([
      ["subscription.cancel_scheduled", user.id],
      ["subscription.resumed", user.id],
    ]);
    expect(audits[0]).toMatchObject({ reason: "Budget cuts" });
  });

  it("refuses a reason outside Stripe's list and a caller with no subscription", async () => {
    const { actor } = await subscribedCustomer("usr_cy");
    await syncAll({ db, stripe, clock });
    const deps = { db, stripe, clock, actor };
    await expect(
      cancelSubscriptionAtPeriodEnd(deps, {
        attemptId: attempt(),
        feedback: "bored" as "unused",
      }),
    ).rejects.toThrow(/Choose a reason/);

    const at = clock.now();
    await db.insert(users).values({
      id: "usr_none",
      email: "none@example.test",
      name: "None",
      passwordHash: "x",
      createdAt: at,
      updatedAt: at,
    });
    const none = { db, stripe, clock, actor: { type: "customer" as const, userId: "usr_none" } };
    const err = await resumeSubscription(none, { attemptId: attempt() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("NOT_FOUND");
  });
});
