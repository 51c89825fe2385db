import { manualClock, walletBalance } from "@folio/billing";
import { billingCustomers, closeDb, users, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CUSTOMER_EMAIL, seedDemo, seedDemoStripe } from "./demo.ts";

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "demo" } });
});
let db: Db | undefined;
afterAll(async () => {
  await emulator.stop();
  if (db) await closeDb(db);
  await dropTestDatabases();
});

describe("seedDemoStripe", () => {
  it("pushes the demo catalog and gives the demo customer a subscription, credit and an order, idempotently", async () => {
    db = await createTestDb();
    const clock = manualClock();
    const stripe = emulator.stripe();
    await seedDemo({ db, clock });

    const first = await seedDemoStripe({ db, stripe, clock });
    expect(first.catalog.summary.created).toBeGreaterThan(10);
    expect(first.customerId).toMatch(/^cus_/);
    const customer = await stripe.customers.retrieve(first.customerId!);
    const user = await db.select().from(users).where(eq(users.email, DEMO_CUSTOMER_EMAIL)).get();
    expect(customer).toMatchObject({
      email: DEMO_CUSTOMER_EMAIL,
      metadata: { folio_user_id: user?.id },
    });

    expect(first.subscriptionId).toMatch(/^sub_/);
    const sub = await stripe.subscriptions.retrieve(first.subscriptionId!);
    expect(sub.status).toBe("active");
    expect(sub.items.data.map((i) => [i.price.lookup_key, i.quantity]).sort()).toEqual([
      ["quire_pro_monthly", 1],
      ["quire_seat_monthly", 2],
    ]);

    const credit = await stripe.customers.listBalanceTransactions(first.customerId!);
    expect(credit.data.map((t) => [t.amount, t.currency])).toEqual([[-1500, "usd"]]);
    const paid = await stripe.checkout.sessions.list({ customer: first.customerId! });
    // The shop order, and the pack of API credits behind the Usage page's history.
    expect(
      paid.data.map((s) => [s.mode, s.status, s.payment_status, s.amount_total]).sort(),
    ).toEqual([
      ["payment", "complete", "paid", 2000],
      ["payment", "complete", "paid", 3400 + 2 * 1450],
    ]);
    // Confirmed as the portal confirms a return from Checkout: credited without any webhook,
    // then drawn down by three weeks of usage beyond the plan's allowance.
    const wallet = await walletBalance(db, user!.id);
    expect(wallet.balance).toBeGreaterThan(0);
    expect(wallet.balance).toBeLessThanOrEqual(10_000);

    const again = await seedDemoStripe({ db, stripe, clock });
    expect(again.customerId).toBe(first.customerId);
    expect(again.subscriptionId).toBe(first.subscriptionId);
    expect(
      (await stripe.subscriptions.list({ customer: first.customerId!, status: "all" })).data,
    ).toHaveLength(1);
    expect(again.catalog.summary).toMatchObject({ created: 0, updated: 0, archived: 0 });
    expect(await db.select().from(billingCustomers)).toHaveLength(1);
    expect((await stripe.customers.listBalanceTransactions(first.customerId!)).data).toHaveLength(
      1,
    );
    expect(
      (await stripe.checkout.sessions.list({ customer: first.customerId! })).data,
    ).toHaveLength(2);
    expect(await walletBalance(db, user!.id)).toEqual(wallet);
    expect((await stripe.customers.list({ email: DEMO_CUSTOMER_EMAIL })).data).toHaveLength(1);
  }, 30_000);
});
