import {
  createUsers,
  demoCatalog,
  ensureStripeCustomer,
  isDomainError,
  pushCatalog,
  setupOverageBilling,
  syncUsageCatalog,
  type CatalogPushReport,
  type Clock,
} from "@folio/billing";
import { users, type Db, type Role } from "@folio/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import { ensureDemoPurchases } from "./demo-purchases.ts";
import { ensureDemoUsage } from "./demo-usage.ts";
import type { Env } from "./env.ts";

export const DEMO_PASSWORD = "folio-demo";

export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: "admin@folio.test", name: "Ada Admin", role: "admin" },
  { email: "support@folio.test", name: "Sam Support", role: "support" },
  { email: "fulfillment@folio.test", name: "Fern Fulfillment", role: "fulfillment" },
  { email: "finance@folio.test", name: "Finn Finance", role: "finance" },
  { email: "customer@folio.test", name: "Casey Customer", role: "customer" },
];

/** Demo mode means no real Stripe account is configured; only then is demo data seeded. */
export function isDemoMode(env: Env): boolean {
  return !env.STRIPE_SECRET_KEY;
}

export interface DemoSeedResult {
  /** False when the database already had users, so nothing was written. */
  seeded: boolean;
  /** Demo accounts present in the database now. */
  accounts: { email: string; name: string; role: Role }[];
}

/** Who seeds the demo accounts, in the audit log. */
export const DEMO_SEED_ACTOR = { type: "job", name: "demo-seed" } as const;

/** Seeds the demo accounts into a database that has no users yet; otherwise leaves it alone. */
export async function seedDemo({ db, clock }: { db: Db; clock: Clock }): Promise<DemoSeedResult> {
  const anyUser = await db.select({ id: users.id }).from(users).limit(1).get();
  let seeded = false;
  if (!anyUser) {
    // All or nothing, in one transaction (createUsers hashes first, outside it): a failure part-way
    // leaves no users, so the next start seeds every account instead of finding "some users" and
    // skipping the rest. Of several instances starting together on one empty database, one
    // seeds; the others find the addresses taken.
    try {
      await createUsers(
        { db, clock, actor: DEMO_SEED_ACTOR },
        DEMO_ACCOUNTS.map((account) => ({ ...account, password: DEMO_PASSWORD })),
      );
      seeded = true;
    } catch (err) {
      if (!(isDomainError(err) && err.code === "CONFLICT")) throw err;
    }
  }
  const present = await db
    .select({ email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_ACCOUNTS.map((a) => a.email),
      ),
    );
  const order = DEMO_ACCOUNTS.map((a) => a.email);
  present.sort((a, b) => order.indexOf(a.email) - order.indexOf(b.email));
  return { seeded, accounts: present };
}

export const DEMO_CUSTOMER_EMAIL = "customer@folio.test";
export const DEMO_CUSTOMER_EXTERNAL_ID = "quire-demo-customer";

export interface DemoStripeSeedResult {
  catalog: CatalogPushReport;
  /** The demo customer's Stripe customer id, when that account exists. */
  customerId: string | null;
  /** The demo customer's subscription (Pro monthly with two shared seats). */
  subscriptionId: string | null;
}

/**
 * The Stripe side of the demo, run once the server listens (so the emulator's webhooks reach it
 * at once): the demo catalog pushed, and the demo customer linked to a Stripe customer with a
 * subscription, a credit and an order (demo-purchases.ts). Each step is idempotent, so it runs on every demo start and only fills in what is missing.
 */
export async function seedDemoStripe({
  db,
  stripe,
  clock,
}: {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}): Promise<DemoStripeSeedResult> {
  const demo = demoCatalog();
  const catalog = await pushCatalog({ stripe }, demo);
  await syncUsageCatalog({ db, clock }, demo, catalog);
  await setupOverageBilling({ db, stripe, clock }, demo);
  const customer = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.email, DEMO_CUSTOMER_EMAIL))
    .get();
  const customerId = customer ? await ensureStripeCustomer({ db, stripe, clock }, customer) : null;
  // The id the README's usage API example reports for (as a merchant's backend would know it).
  if (customer) {
    await db
      .update(users)
      .set({ externalId: DEMO_CUSTOMER_EXTERNAL_ID })
      .where(and(eq(users.id, customer.id), isNull(users.externalId)));
  }
  const subscriptionId = customerId ? await ensureDemoSubscription(stripe, customerId) : null;
  if (customerId) await ensureDemoPurchases(stripe, customerId);
  if (customer && customerId) {
    await ensureDemoUsage(
      { db, stripe, clock },
      { userId: customer.id, stripeCustomerId: customerId },
    );
  }
  return { catalog, customerId, subscriptionId };
}

/**
 * Gives the demo customer a real subscription (so the store has synced billing data from the
 * first start): a test Visa card as default payment method, Pro monthly plus two seats. Skipped
 * when the customer already has any subscription, and keyed per customer for retries.
 */
async function ensureDemoSubscription(stripe: Stripe, customerId: string): Promise<string> {
  const existing = await stripe.subscriptions.list({
    customer: customerId,
    status: "all",
    limit: 1,
  });
  if (existing.data[0]) return existing.data[0].id;
  const prices = await stripe.prices.list({
    lookup_keys: ["quire_pro_monthly", "quire_seat_monthly"],
  });
  const price = (key: string) => {
    const found = prices.data.find((p) => p.lookup_key === key);
    if (!found) throw new Error(`The demo catalog has no price ${key}.`);
    return found.id;
  };
  const card = await stripe.paymentMethods.attach("pm_card_visa", { customer: customerId });
  await stripe.customers.update(customerId, {
    invoice_settings: { default_payment_method: card.id },
  });
  const subscription = await stripe.subscriptions.create(
    {
      customer: customerId,
      items: [
        { price: price("quire_pro_monthly"), quantity: 1 },
        { price: price("quire_seat_monthly"), quantity: 2 },
      ],
      metadata: { folio_demo: "true" },
    },
    { idempotencyKey: `folio-demo-subscription-${customerId}` },
  );
  return subscription.id;
}

/** The sign-in table printed at start in demo mode. */
export function formatDemoAccounts(result: DemoSeedResult): string {
  if (result.accounts.length === 0) return "";
  const rows = result.accounts.map((a) => [a.email, a.role, DEMO_PASSWORD]);
  const header = ["email", "role", "password"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    result.seeded
      ? "Demo mode: seeded these accounts (no STRIPE_SECRET_KEY set):"
      : "Demo mode: demo accounts (no STRIPE_SECRET_KEY set):",
    `  ${line(header)}`,
    `  ${line(widths.map((w) => "-".repeat(w)))}`,
    ...rows.map((r) => `  ${line(r)}`),
  ].join("\n");
}
