import { auditLog, billingCustomers, closeDb, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { syncAll } from "../sync/backfill.ts";
import { billingOverview, defaultCard } from "./overview.ts";
import { completeCardUpdate, payOpenInvoice, startCardUpdate } from "./recovery.ts";
import {
  advanceTestClock,
  attachDefaultCard,
  customerOnTestClock,
  insertCustomerUser,
} from "./testing.ts";

// Failed-payment recovery against the emulator: a card that attaches but fails every charge
// (4000000000000341) leaves the subscription past_due after its trial; the customer puts in a
// new card through Checkout (setup mode) and pays the open invoice.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
let price: Stripe.Price;
const clock = manualClock(Date.UTC(2026, 0, 1));
const DAY = 24 * 60 * 60;

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "portal-recovery" } });
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
    currency: "usd",
    unit_amount: 1500,
    recurring: { interval: "month" },
    product_data: { name: "Pro" },
  });
});
afterEach(async () => {
  await closeDb(db);
});

/** A customer on their own test clock whose card fails every charge, past_due after a trial. */
async function pastDueCustomer(id: string, card = "pm_card_chargeCustomerFail") {
  await insertCustomerUser(db, clock, id);
  const { customer, testClock } = await customerOnTestClock(stripe, emulator.now(), id);
  await db
    .insert(billingCustomers)
    .values({ userId: id, stripeCustomerId: customer.id, createdAt: clock.now() });
  await attachDefaultCard(stripe, customer.id, card);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: 3,
  });
  await advanceTestClock(stripe, testClock.id, 4 * DAY);
  await syncAll({ db, stripe, clock });
  return { subscription, actor: { type: "customer" as const, userId: id } };
}

async function completeSetupCheckout(url: string, card: string) {
  const res = await payCheckoutPage(url, { card });
  expect(res.status, res.html).toBe(303);
  return new URL(res.location!).searchParams.get("session_id")!;
}

const attempt = () => crypto.randomUUID();

describe("failed payment recovery", () => {
  it("past_due → new card through Checkout → pay → active, stored at once", async () => {
    const { subscription, actor } = await pastDueCustomer("usr_rae");
    const deps = { db, stripe, clock, actor };

    const before = await billingOverview(deps, actor.userId);
    expect(before.subscription?.status).toBe("past_due");
    expect(before.openInvoice).toMatchObject({ amountRemaining: 1500, currency: "usd" });

    // The failing card is declined again, with advice.
    const declined = await payOpenInvoice(deps, { attemptId: attempt() }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(DomainError);
    expect((declined as DomainError).code).toBe("PRECONDITION_FAILED");
    expect((declined as DomainError).message).toMatch(/declined/);

    const started = await startCardUpdate(deps, {
      attemptId: attempt(),
      appUrl: "https://billing.example.test",
    });
    const sessionId = await completeSetupCheckout(started.url, "4242424242424242");
    const done = await completeCardUpdate(deps, { sessionId });
    expect(done).toMatchObject({
      card: { brand: "visa", last4: "4242" },
      amountOwed: 1500,
      currency: "usd",
    });
    const live = await stripe.subscriptions.retrieve(subscription.id);
    const pmId =
      typeof live.default_payment_method === "string" ? live.default_payment_method : null;
    expect(pmId).not.toBeNull();
    const customer = (await stripe.customers.retrieve(live.customer as string)) as Stripe.Customer;
    expect(customer.invoice_settings.default_payment_method).toBe(pmId);
    expect(await defaultCard(deps, actor.userId)).toMatchObject({ last4: "4242" });
    // The return page may be reloaded: same session, same result, no error.
    expect(await completeCardUpdate(deps, { sessionId })).toMatchObject({ amountOwed: 1500 });

    const payAttempt = attempt();
    const [first, second] = await Promise.all([
      payOpenInvoice(deps, { attemptId: payAttempt }),
      payOpenInvoice(deps, { attemptId: payAttempt }),
    ]);
    // A double submit pays once. The call that lost the race replays Stripe's answer, or — if the
    // winner already stored the paid invoice when it looked — finds nothing left to pay.
    const paid = { outcome: "paid", amountPaid: 1500, currency: "usd" };
    expect([first, second]).toContainEqual(paid);
    for (const outcome of [first, second]) {
      expect([paid, { outcome: "nothing_due" }]).toContainEqual(outcome);
    }
    const charges = await stripe.charges.list({ customer: live.customer as string });
    expect(charges.data.filter((c) => c.paid).map((c) => c.amount)).toEqual([1500]);

    const after = await billingOverview(deps, actor.userId);
    expect(after.subscription?.status).toBe("active");
    expect(after.openInvoice).toBeNull();
    expect(await payOpenInvoice(deps, { attemptId: attempt() })).toEqual({
      outcome: "nothing_due",
    });

    const audits = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.actorId, actor.userId))
      .all();
    expect(audits.map((a) => a.action)).toContain("payment_method.default_changed");
    expect(audits.map((a) => a.action)).toContain("invoice.paid_by_customer");
    expect(audits.map((a) => a.action)).toContain("invoice.payment_refused");
  });

  it("a card that needs 3-D Secure sends the customer to the hosted invoice page", async () => {
    const { actor } = await pastDueCustomer("usr_sam", "pm_card_authenticationRequired");
    const deps = { db, stripe, clock, actor };
    expect((await billingOverview(deps, actor.userId)).subscription?.status).toBe("past_due");
    const result = await payOpenInvoice(deps, { attemptId: attempt() });
    expect(result).toMatchObject({ outcome: "requires_action" });
    expect(result.outcome === "requires_action" && result.hostedInvoiceUrl).toMatch(/^https?:/);
  });

  it("an invoice paid elsewhere meanwhile is already paid, not an error", async () => {
    const { subscription, actor } = await pastDueCustomer("usr_tia");
    const deps = { db, stripe, clock, actor };
    const [open] = (await stripe.invoices.list({ subscription: subscription.id, status: "open" }))
      .data;
    // Paid in Stripe (say, by bank transfer) before Folio's copy heard of it.
    await stripe.invoices.pay(open!.id, { paid_out_of_band: true });
    expect(await payOpenInvoice(deps, { attemptId: attempt() })).toEqual({
      outcome: "already_paid",
    });
  });

  it("refuses another customer's card-update session as if it did not exist", async () => {
    const a = await pastDueCustomer("usr_a");
    const b = await pastDueCustomer("usr_b");
    const started = await startCardUpdate(
      { db, stripe, clock, actor: b.actor },
      { attemptId: attempt(), appUrl: "https://billing.example.test" },
    );
    const sessionId = await completeSetupCheckout(started.url, "4242424242424242");
    const err = await completeCardUpdate(
      { db, stripe, clock, actor: a.actor },
      { sessionId },
    ).catch((e: unknown) => e);
    expect((err as DomainError).code).toBe("NOT_FOUND");
    const aSub = await stripe.subscriptions.retrieve(a.subscription.id);
    expect(aSub.default_payment_method).toBeNull();
    const missing = await completeCardUpdate(
      { db, stripe, clock, actor: a.actor },
      { sessionId: "cs_test_doesnotexist" },
    ).catch((e: unknown) => e);
    expect((missing as DomainError).code).toBe("NOT_FOUND");
  });
});
