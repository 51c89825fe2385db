import { ensureStripeCustomer } from "@folio/billing";
import { orders, shippingTasks, stripeSubscriptions, subscriptionHistory, users } from "@folio/db";
import { payCheckoutPage } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CUSTOMER_EMAIL } from "./demo.ts";
import { startServer, type RunningServer } from "./server.ts";
import { testEnv } from "./test/helpers.ts";
import { dropServerTestDatabases, serverTestDatabase } from "./test/server-db.ts";

// The whole path as `pnpm start` runs it: embedded emulator, endpoint registered at startup,
// hosted checkout paid like a browser would, webhook → inbox → worker → Folio's records.

let server: RunningServer;
let stripe: Stripe;

beforeAll(async () => {
  const database = await serverTestDatabase();
  server = await startServer(testEnv({ PORT: "0", STRIPE_EMULATOR_PORT: "0", ...database.env }), {
    print: () => undefined,
  });
  stripe = server.stripe.stripe;
}, 60_000);
// Closing waits for the job worker's runs in flight (e-mails this file's checkouts queued).
afterAll(async () => {
  await server.close();
  await dropServerTestDatabases();
}, 60_000);

async function price(lookupKey: string): Promise<string> {
  const { data } = await stripe.prices.list({ lookup_keys: [lookupKey] });
  return data[0]!.id;
}

async function pay(session: Stripe.Checkout.Session, shipping: boolean) {
  const res = await payCheckoutPage(session.url!, { shipping });
  expect(res.status, res.html).toBe(303);
}

// Typically well under a second (the e2e checkout spec reports the figure); the bound only says
// "by webhook, promptly" so a loaded CI machine does not turn latency into a failure.
const LANDS_WITHIN_MS = 5000;

/** Polls the store until `check` returns a value; returns it with how long it took. */
async function within<T>(
  ms: number,
  check: () => Promise<T | undefined>,
): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: performance.now() - start };
    if (performance.now() - start > ms) throw new Error(`not in the store after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("checkout → store, through the running server", () => {
  it("registered the webhook endpoint and pushed the demo catalog at startup", async () => {
    const endpoints = await stripe.webhookEndpoints.list();
    const port = (server.app.server.address() as { port: number }).port;
    expect(endpoints.data.map((e) => e.url)).toEqual([
      `http://127.0.0.1:${port}/api/stripe/webhook`,
    ]);
    expect((await stripe.prices.list({ lookup_keys: ["quire_pro_monthly"] })).data).toHaveLength(1);
  });

  it("a paid payment-mode checkout with a shipped product is an order with a shipping task, by webhook alone", async () => {
    const { db } = server;
    const user = (await db.select().from(users).where(eq(users.email, DEMO_CUSTOMER_EMAIL)).get())!;
    const customer = await ensureStripeCustomer(
      { db, stripe, clock: server.app.folio.clock },
      user,
    );
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer,
      line_items: [
        { price: await price("journal_hardcover_2027"), quantity: 1 },
        { price: await price("fineliner_set"), quantity: 2 },
      ],
      shipping_address_collection: { allowed_countries: ["US"] },
      success_url: "http://localhost:3000/orders",
    });
    await pay(session, true);
    const { value: order } = await within(LANDS_WITHIN_MS, () =>
      db.select().from(orders).where(eq(orders.checkoutSessionId, session.id)).get(),
    );
    expect(order).toMatchObject({
      userId: user.id,
      amountSubtotal: 3400 + 2 * 1450,
      paymentState: "paid",
      shippingCity: "Portland",
    });
    await within(LANDS_WITHIN_MS, () =>
      db.select().from(shippingTasks).where(eq(shippingTasks.orderId, order.id)).get(),
    );
  });

  it("a subscription-mode checkout is a synced subscription with history, by webhook alone", async () => {
    const { db } = server;
    const customer = await stripe.customers.create({ email: "new@example.test" });
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: await price("quire_plus_annual"), quantity: 1 }],
      success_url: "http://localhost:3000/billing",
    });
    await pay(session, false);
    const subscriptionId = (await stripe.checkout.sessions.retrieve(session.id))
      .subscription as string;
    await within(LANDS_WITHIN_MS, () =>
      db.select().from(stripeSubscriptions).where(eq(stripeSubscriptions.id, subscriptionId)).get(),
    );
    const history = await within(LANDS_WITHIN_MS, () =>
      db
        .select()
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, subscriptionId))
        .get(),
    );
    expect(history.value).toMatchObject({ interval: "year", currency: "usd" });
  });
});
