import { reconcileMrr, systemClock } from "@folio/billing";
import {
  auditLog,
  billingCustomers,
  creditLedger,
  orderItems,
  orders,
  shippingTasks,
  stripeCustomers,
  stripeInvoices,
  stripeRefunds,
  stripeSubscriptions,
  subscriptionHistory,
  users,
  webhookEvents,
} from "@folio/db";
import { and, count, eq, isNotNull, isNull, min, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../server.ts";
import { createContextInner } from "../context.ts";
import { createCaller, testEnv } from "../test/helpers.ts";
import { dropServerTestDatabases, serverTestDatabase } from "../test/server-db.ts";
import { castFor, DEMO_BUSINESS_ACTION, SIZES, seedDemoBusiness } from "./index.ts";

// The demo business seeded the way `pnpm start` seeds the full one: through the embedded
// emulator, its webhooks and Folio's apply worker, then read back from Folio's own store.
// It uses the tiny cast (cast-tiny.ts): a dozen customers, each written to play one of the
// stories within a few renewals, instead of the generated small cast (36 customers, half of them
// over 19 months: four times the webhook events). Same story code, same runner, same checks, on
// both dialects, at a quarter of the cost; that the generated casts contain every story is
// checked without Stripe in cast.test.ts.

let server: RunningServer;
const lines: string[] = [];

beforeAll(async () => {
  const database = await serverTestDatabase();
  server = await startServer(
    testEnv({ PORT: "0", STRIPE_EMULATOR_PORT: "0", FOLIO_DEMO_SIZE: "tiny", ...database.env }),
    { print: (line) => void lines.push(line) },
  );
}, 900_000);
afterAll(async () => {
  await server.close();
  await dropServerTestDatabases();
});

const DAY_MS = 86_400_000;

async function countOf(query: Promise<{ n: number } | undefined>): Promise<number> {
  return Number((await query)?.n ?? 0);
}

describe("the demo business (tiny)", () => {
  it("is seeded once, with every webhook applied", async () => {
    const { db } = server;
    expect(lines.some((l) => l.startsWith("Demo business ready:"))).toBe(true);
    const markers = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, DEMO_BUSINESS_ACTION));
    expect(markers).toHaveLength(1);
    expect(
      await countOf(
        db
          .select({ n: count() })
          .from(webhookEvents)
          .where(eq(webhookEvents.status, "pending"))
          .get(),
      ),
    ).toBe(0);
  });

  it("has the cast's customers, with at least 18 months of subscription history up to today", async () => {
    const { db } = server;
    const customers = await db.select({ metadata: stripeCustomers.metadata }).from(stripeCustomers);
    expect(customers.filter((c) => c.metadata?.folio_demo === "business")).toHaveLength(SIZES.tiny);
    const first = await db
      .select({ at: min(subscriptionHistory.effectiveAt) })
      .from(subscriptionHistory)
      .get();
    const now = Date.now();
    expect(first?.at).toBeInstanceOf(Date);
    expect(now - first!.at!.getTime()).toBeGreaterThan(18 * 30.4 * DAY_MS);
    const latest = await db
      .select({ at: sql<number>`max(${subscriptionHistory.effectiveAt})` })
      .from(subscriptionHistory)
      .get();
    // Renewals and trial ends reach today: the clocks were advanced to now.
    expect(now - Number(latest?.at)).toBeLessThan(3 * DAY_MS);
  });

  it("shows every behaviour of the story", async () => {
    const { db } = server;
    const subs = await db.select().from(stripeSubscriptions);
    const history = await db.select().from(subscriptionHistory);
    const statuses = new Set(history.map((h) => h.status));
    // Trials, and both outcomes of a failed payment (past due, then recovered or churned).
    for (const status of ["trialing", "active", "past_due", "canceled"]) {
      expect(statuses.has(status), status).toBe(true);
    }
    expect(new Set(subs.map((s) => s.currency))).toEqual(new Set(["usd", "eur"]));
    expect(history.some((h) => h.interval === "year")).toBe(true);
    expect(history.some((h) => h.discounts.length > 0)).toBe(true);
    // Seat changes: a subscription whose total quantity changed.
    const quantities = new Map<string, Set<number>>();
    for (const h of history) {
      const set = quantities.get(h.subscriptionId) ?? new Set<number>();
      set.add(h.items.reduce((n, i) => n + i.quantity, 0));
      quantities.set(h.subscriptionId, set);
    }
    expect([...quantities.values()].some((s) => s.size > 1)).toBe(true);
    // Plan changes: a subscription whose plan price changed (upgrades and scheduled downgrades).
    const plans = new Map<string, Set<string>>();
    for (const h of history) {
      const set = plans.get(h.subscriptionId) ?? new Set<string>();
      for (const i of h.items) set.add(i.priceId);
      plans.set(h.subscriptionId, set);
    }
    expect([...plans.values()].filter((s) => s.size > 1).length).toBeGreaterThanOrEqual(2);
    // Cancellations with the survey's reason; a lapsed trial; a reactivation.
    expect(subs.some((s) => s.cancellationFeedback !== null)).toBe(true);
    expect(
      subs.some(
        (s) => s.status === "canceled" && s.trialEnd && s.endedAt && s.endedAt <= s.trialEnd,
      ),
    ).toBe(true);
    const perCustomer = new Map<string, number>();
    for (const s of subs) perCustomer.set(s.customerId, (perCustomer.get(s.customerId) ?? 0) + 1);
    expect([...perCustomer.values()].some((n) => n > 1)).toBe(true);
  });

  it("bills EUR customers through Stripe Tax: 19 % VAT, or reverse charge for a business", async () => {
    const { db } = server;
    const paid = await db
      .select({ total: stripeInvoices.total, raw: stripeInvoices.raw })
      .from(stripeInvoices)
      .where(and(eq(stripeInvoices.currency, "eur"), eq(stripeInvoices.status, "paid")));
    type Tax = { amount: number; taxable_amount: number; taxability_reason: string };
    const taxes = paid.map((i) => ({ total: i.total, taxes: (i.raw.total_taxes ?? []) as Tax[] }));
    const vat = taxes.filter((i) =>
      i.taxes.some((t) => t.taxability_reason === "standard_rated" && t.amount > 0),
    );
    const reverse = taxes.filter((i) =>
      i.taxes.some((t) => t.taxability_reason === "reverse_charge"),
    );
    expect(vat.length).toBeGreaterThan(0);
    expect(reverse.length).toBeGreaterThan(0);
    for (const i of vat) {
      for (const t of i.taxes) expect(t.amount).toBe(Math.round((t.taxable_amount * 19) / 100));
    }
    for (const i of reverse) expect(i.taxes.every((t) => t.amount === 0)).toBe(true);
  });

  it("has orders with shipments, credit packs, refunds and credit grants", async () => {
    const { db } = server;
    expect(await countOf(db.select({ n: count() }).from(orders).get())).toBeGreaterThan(3);
    // The fulfilment queue was worked through by the demo staff: open work in several states.
    const tasks = await db.select({ status: shippingTasks.status }).from(shippingTasks);
    const states = new Set(tasks.map((t) => t.status));
    expect(states.has("pending") && states.has("picking") && states.has("packed")).toBe(true);
    expect(states.has("shipped") || states.has("delivered")).toBe(true);
    expect(
      await countOf(
        db
          .select({ n: count() })
          .from(orderItems)
          .where(sql`${orderItems.creditsGranted} > 0`)
          .get(),
      ),
    ).toBeGreaterThan(0);
    expect(await countOf(db.select({ n: count() }).from(stripeRefunds).get())).toBeGreaterThan(0);
    expect(
      await countOf(
        db
          .select({ n: count() })
          .from(creditLedger)
          .where(sql`${creditLedger.amount} < 0 and ${creditLedger.reason} = 'adjustment'`)
          .get(),
      ),
    ).toBeGreaterThan(1);
    expect(
      await countOf(
        db.select({ n: count() }).from(orders).where(isNotNull(orders.stripeCustomerId)).get(),
      ),
    ).toBeGreaterThan(3);
  });

  it("makes every demo customer a Folio customer, linked by the webhook mirror", async () => {
    const { db } = server;
    const linked = await db
      .select({ metadata: stripeCustomers.metadata, email: users.email, role: users.role })
      .from(stripeCustomers)
      .leftJoin(billingCustomers, eq(billingCustomers.stripeCustomerId, stripeCustomers.id))
      .leftJoin(users, eq(users.id, billingCustomers.userId));
    const demo = linked.filter((c) => c.metadata?.folio_demo === "business");
    expect(demo.map((c) => [c.email, c.role]).sort()).toEqual(
      castFor("tiny", Math.floor(Date.now() / 1000))
        .map((m) => [m.email, "customer"])
        .sort(),
    );
    // Their orders are theirs too (the admin's order list and the customer's portal).
    expect(
      await countOf(db.select({ n: count() }).from(orders).where(isNull(orders.userId)).get()),
    ).toBe(0);
  });

  it("reconciles: Folio's MRR equals Stripe's computation for every customer", async () => {
    const r = await reconcileMrr(
      { db: server.db, clock: systemClock, stripe: server.stripe.stripe },
      {},
    );
    expect(r.differences).toEqual([]);
    expect(r.customers).toBeGreaterThanOrEqual(SIZES.tiny);
  });

  it("gives every demo staff role work on its home page", async () => {
    const { db } = server;
    const home = async (email: string) => {
      const user = await db
        .select({ id: users.id, email: users.email, name: users.name, role: users.role })
        .from(users)
        .where(eq(users.email, email))
        .get();
      return createCaller(createContextInner({ db, clock: systemClock, user })).admin.home();
    };
    const fulfilment = await home("fulfillment@folio.test");
    for (const state of ["pending", "picking", "packed", "shipped"] as const)
      expect(fulfilment.shipping?.[state], state).toBeGreaterThan(0);
    // Support's refund above its limit waits for finance (or an admin) to approve it.
    for (const email of ["finance@folio.test", "admin@folio.test"])
      expect((await home(email)).approvals?.refunds, email).toBeGreaterThan(0);
    for (const email of ["support@folio.test", "finance@folio.test", "admin@folio.test"]) {
      const failed = (await home(email)).failedPayments;
      expect(failed?.pastDue, email).toBeGreaterThan(0);
      expect(failed?.openInvoicesWithFailedAttempts, email).toBeGreaterThan(0);
    }
  });

  it("does nothing when seeded again", async () => {
    const { db } = server;
    const before = await countOf(db.select({ n: count() }).from(webhookEvents).get());
    const clocks = (await server.stripe.stripe.testHelpers.testClocks.list({ limit: 100 })).data
      .length;
    const again = await seedDemoBusiness(
      {
        db,
        stripe: server.stripe.stripe,
        clock: systemClock,
        flushWebhooks: async () => void (await server.stripe.emulator!.flushWebhooks()),
      },
      "tiny",
    );
    expect(again).toEqual({ seeded: false, reason: "already seeded" });
    expect(
      (await server.stripe.stripe.testHelpers.testClocks.list({ limit: 100 })).data,
    ).toHaveLength(clocks);
    expect(await countOf(db.select({ n: count() }).from(webhookEvents).get())).toBe(before);
  });
});
