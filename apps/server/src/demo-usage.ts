import {
  MAX_BATCH,
  confirmCheckout,
  recordUsage,
  type Clock,
  type UsageEventInput,
} from "@folio/billing";
import { usageEvents, type Db } from "@folio/db";
import { payCheckoutPage } from "@folio/stripe-emulator";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";

const DAY = 86_400_000;
/** Days of usage history the demo customer starts with (inside the usage API's 35-day window). */
const HISTORY_DAYS = 20;

/**
 * The demo customer's Usage page from the first start: a pack of API credits bought through
 * Checkout and confirmed as the portal does on return (which tops the wallet up), then three weeks of
 * AI summaries and API calls recorded through the usage API's own function — drawn from the
 * plan's allowance, then from the credits. Skipped once the customer has any usage.
 */
export async function ensureDemoUsage(
  deps: { db: Db; stripe: Stripe; clock: Clock },
  customer: { userId: string; stripeCustomerId: string },
): Promise<void> {
  const { db, clock } = deps;
  const used = await db
    .select({ id: usageEvents.id })
    .from(usageEvents)
    .where(eq(usageEvents.userId, customer.userId))
    .limit(1)
    .get();
  if (used) return;
  const sessionId = await ensureCreditPack(deps.stripe, customer.stripeCustomerId);
  await confirmCheckout(
    { ...deps, actor: { type: "customer", userId: customer.userId } },
    { sessionId },
  );
  const now = clock.now().getTime();
  // Today's events happen after the demo subscription's period began (it was created at this
  // start), so the portal shows some use of this period's allowance.
  const todayFrom = Math.min(
    now - 1_000,
    Math.max(now - 30_000, await periodStartMs(deps.stripe, customer.stripeCustomerId)),
  );
  const events: UsageEventInput[] = [];
  // A steady, deterministic pattern: weekdays busier than weekends.
  for (let d = HISTORY_DAYS; d >= 0; d--) {
    const day = Math.floor((now - d * DAY) / DAY) * DAY;
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    const calls = (weekend ? 12 : 40) + ((d * 7) % 19);
    const summaries = (weekend ? 1 : 4) + (d % 3);
    const spread = (i: number, n: number) =>
      d === 0
        ? new Date(todayFrom + Math.floor(((i + 1) * (now - todayFrom)) / (n + 1)))
        : new Date(Math.floor(day + ((i + 1) * DAY) / (n + 1)));
    for (let i = 0; i < calls; i++) {
      events.push({
        customer: customer.userId,
        meter: "api_calls",
        timestamp: spread(i, calls),
        idempotencyKey: `demo-api-${d}-${i}`,
      });
    }
    for (let i = 0; i < summaries; i++) {
      events.push({
        customer: customer.userId,
        meter: "ai_summaries",
        quantity: 1 + (i % 2),
        timestamp: spread(i, summaries),
        idempotencyKey: `demo-summary-${d}-${i}`,
      });
    }
  }
  events.sort((a, b) => (a.timestamp as Date).getTime() - (b.timestamp as Date).getTime());
  for (let i = 0; i < events.length; i += MAX_BATCH) {
    const results = await recordUsage({ db, clock }, events.slice(i, i + MAX_BATCH));
    const refused = results.find((r) => r.status === "rejected");
    if (refused) throw new Error(`Demo usage refused: ${refused.error.message}`);
  }
}

/** When the customer's current subscription period began (ms), or 0 without a subscription. */
async function periodStartMs(stripe: Stripe, customerId: string): Promise<number> {
  const { data } = await stripe.subscriptions.list({ customer: customerId, limit: 1 });
  const item = data[0]?.items.data[0];
  return item ? item.current_period_start * 1000 : 0;
}

/** Buys the 10,000 API credits pack on the hosted Checkout page, once; its session id. */
async function ensureCreditPack(stripe: Stripe, customerId: string): Promise<string> {
  const sessions = await stripe.checkout.sessions.list({ customer: customerId, limit: 100 });
  const bought = sessions.data.find((s) => s.metadata?.folio_demo === "credits");
  if (bought) return bought.id;
  const [price] = (await stripe.prices.list({ lookup_keys: ["api_credits_10k"] })).data;
  if (!price) throw new Error("The demo catalog has no price api_credits_10k.");
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customerId,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "http://localhost/billing/usage",
    metadata: { folio_demo: "credits" },
  });
  if (!session.url) throw new Error(`Checkout session ${session.id} has no hosted page.`);
  const res = await payCheckoutPage(session.url);
  if (res.status !== 303) {
    throw new Error(`Paying the demo credit pack's checkout answered ${res.status}: ${res.html}`);
  }
  return session.id;
}
