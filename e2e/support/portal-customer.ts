import type { Page } from "@playwright/test";
import type Stripe from "stripe";
import { expect, openDatabase, uniqueEmail } from "./fixtures.ts";
import type { ServerInfo } from "./server-info.ts";
import { emulatorStripe, pollUntil } from "./stripe.ts";

// A fresh customer with a subscription made straight in Stripe, on their own test clock when
// time has to pass (the e2e server's global clock is shared by every test).

/** Signs up through the real form; returns the new user's id and email. */
export async function signUpCustomer(
  page: Page,
  server: ServerInfo,
  label: string,
): Promise<{ userId: string; email: string }> {
  const email = uniqueEmail(label);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(`${label[0]!.toUpperCase()}${label.slice(1)} Customer`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  const db = openDatabase(server);
  const row = db.prepare("select id from users where email = ?").get(email) as { id: string };
  db.close();
  return { userId: row.id, email };
}

/** Reads one value from the server's database until it is there (read-only). */
export async function waitForRow<T>(
  server: ServerInfo,
  sql: string,
  params: unknown[],
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const db = openDatabase(server);
  try {
    const found = await pollUntil(
      () => (db.prepare(sql).get(...params) as T | undefined) ?? undefined,
      {
        timeoutMs,
        intervalMs: 100,
      },
    );
    if (!found) throw new Error(`Never in the store: ${what}`);
    return found.value;
  } finally {
    db.close();
  }
}

export interface PortalCustomer {
  stripe: Stripe;
  customerId: string;
  testClockId: string | null;
  subscription: Stripe.Subscription;
}

/**
 * Creates the user's Stripe customer (with `folio_user_id`, so Folio's sync links it), a card
 * (`pm_card_…` alias) as its default, and a Quire Pro monthly subscription; waits until the
 * link and the subscription are in Folio's store.
 */
export async function subscribedCustomer(
  server: ServerInfo,
  user: { userId: string; email: string },
  options: { card: string; trialDays?: number; testClock?: boolean },
): Promise<PortalCustomer> {
  const stripe = emulatorStripe(server);
  const testClock = options.testClock
    ? await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(Date.now() / 1000) })
    : null;
  const customer = await stripe.customers.create({
    email: user.email,
    metadata: { folio_user_id: user.userId },
    ...(testClock && { test_clock: testClock.id }),
  });
  await waitForRow(
    server,
    "select 1 as linked from billing_customers where user_id = ? and stripe_customer_id = ?",
    [user.userId, customer.id],
    `the link of ${customer.id} to ${user.email}`,
  );
  const pm = await stripe.paymentMethods.attach(options.card, { customer: customer.id });
  await stripe.customers.update(customer.id, {
    invoice_settings: { default_payment_method: pm.id },
  });
  const { data } = await stripe.prices.list({ lookup_keys: ["quire_pro_monthly"] });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: data[0]!.id }],
    ...(options.trialDays && { trial_period_days: options.trialDays }),
  });
  await waitForRow(
    server,
    "select status from stripe_subscriptions where id = ?",
    [subscription.id],
    `subscription ${subscription.id}`,
  );
  return { stripe, customerId: customer.id, testClockId: testClock?.id ?? null, subscription };
}

/** Moves a customer's own test clock forward and waits until Stripe has caught up. */
export async function advanceTestClock(stripe: Stripe, testClockId: string, seconds: number) {
  const clock = await stripe.testHelpers.testClocks.retrieve(testClockId);
  await stripe.testHelpers.testClocks.advance(testClockId, {
    frozen_time: clock.frozen_time + seconds,
  });
  const ready = await pollUntil(
    async () =>
      (await stripe.testHelpers.testClocks.retrieve(testClockId)).status === "ready"
        ? true
        : undefined,
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  if (!ready) throw new Error(`Test clock ${testClockId} never became ready`);
}
