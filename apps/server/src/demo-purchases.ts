import { payCheckoutPage } from "@folio/stripe-emulator";
import type Stripe from "stripe";

const DEMO_MARK = { folio_demo: "true" } as const;

/**
 * History for the demo customer beyond their subscription, so the Credit and Orders pages show
 * real records from the first start: a goodwill credit on their balance, and a paid order of
 * physical goods awaiting shipment. Both go through Stripe (the embedded emulator) and reach the
 * store by webhook like any customer's; each is skipped when already there.
 */
export async function ensureDemoPurchases(stripe: Stripe, customerId: string): Promise<void> {
  await ensureDemoCredit(stripe, customerId);
  await ensureDemoOrder(stripe, customerId);
}

async function ensureDemoCredit(stripe: Stripe, customerId: string): Promise<void> {
  const existing = await stripe.customers.listBalanceTransactions(customerId, { limit: 100 });
  if (existing.data.some((t) => t.metadata?.folio_demo === "true")) return;
  await stripe.customers.createBalanceTransaction(
    customerId,
    {
      amount: -1500,
      currency: "usd",
      description: "Goodwill credit from the Quire team",
      metadata: DEMO_MARK,
    },
    { idempotencyKey: `folio-demo-credit-${customerId}` },
  );
}

async function ensureDemoOrder(stripe: Stripe, customerId: string): Promise<void> {
  const sessions = await stripe.checkout.sessions.list({ customer: customerId, limit: 100 });
  if (sessions.data.some((s) => s.mode === "payment" && s.metadata?.folio_demo === "true")) return;
  const prices = await stripe.prices.list({
    lookup_keys: ["journal_hardcover_2027", "fineliner_set"],
  });
  const price = (key: string) => {
    const found = prices.data.find((p) => p.lookup_key === key);
    if (!found) throw new Error(`The demo catalog has no price ${key}.`);
    return found.id;
  };
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customerId,
    line_items: [
      { price: price("journal_hardcover_2027"), quantity: 1 },
      { price: price("fineliner_set"), quantity: 2 },
    ],
    shipping_address_collection: { allowed_countries: ["US"] },
    success_url: "http://localhost/billing/orders",
    metadata: DEMO_MARK,
  });
  if (!session.url) throw new Error(`Checkout session ${session.id} has no hosted page.`);
  // Pay on the emulator's hosted page as the customer's browser would.
  const res = await payCheckoutPage(session.url, { shipping: true });
  if (res.status !== 303) {
    throw new Error(`Paying the demo order's checkout answered ${res.status}: ${res.html}`);
  }
}
