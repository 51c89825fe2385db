import {
  billingCustomers,
  stripeSubscriptionItems,
  stripeSubscriptions,
  users,
  type Db,
} from "@folio/db";
import { eq } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { CatalogPushReport } from "../catalog/push.ts";
import { parseCatalog, type Catalog } from "../catalog/schema.ts";
import { syncUsageCatalog } from "../catalog/usage.ts";

// Usage test setup without Stripe: a small catalog whose plans cover every overage mode, stored
// as if pushed (product `prod_<key>`), and subscriptions written straight into the mirror.

export const usageTestCatalog: Catalog = parseCatalog({
  version: 1,
  name: "usage tests",
  currency: "usd",
  meters: [
    { key: "tokens", name: "Tokens", unitLabel: "token", aggregation: "sum" },
    { key: "calls", name: "Calls", unitLabel: "call", aggregation: "count" },
  ],
  products: [
    ...(
      [
        ["blocked", 10, "blocked"],
        ["credits", 10, "credits"],
        ["metered", 10, "metered"],
        ["unlimited", "unlimited", "blocked"],
      ] as const
    ).map(([key, included, overage]) => ({
      key: `plan_${key}`,
      name: `Plan ${key}`,
      kind: "plan",
      planTier: key,
      allowances: [
        {
          meter: "tokens",
          included,
          overage,
          ...(overage === "metered" && { overageUnitAmount: "0.5" }),
        },
      ],
      prices: [
        { lookupKey: `plan_${key}_monthly`, unitAmount: 1000, recurring: { interval: "month" } },
      ],
    })),
  ],
});

/** Stores the test catalog's meters and allowances as if pushed to Stripe. */
export async function seedUsageCatalog(db: Db, clock: Clock, catalog = usageTestCatalog) {
  const report: CatalogPushReport = {
    dryRun: false,
    summary: { created: 0, updated: 0, archived: 0, unchanged: 0 },
    changes: catalog.products.map((p) => ({
      object: "product",
      action: "created",
      key: p.key,
      id: `prod_${p.key}`,
      changes: [],
    })),
  };
  return syncUsageCatalog({ db, clock }, catalog, report);
}

let seq = 0;

/** A customer user (with an external id `ext_<id>`). */
export async function addUsageCustomer(
  db: Db,
  clock: Clock,
  id = `usr_usage${++seq}`,
): Promise<string> {
  const at = clock.now();
  await db.insert(users).values({
    id,
    email: `${id}@example.test`,
    name: id,
    passwordHash: "x",
    externalId: `ext_${id}`,
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

/**
 * Puts the customer on plan `plan_<key>` in the mirror: an active monthly subscription whose
 * current period is [start, start + 1 month). Calling it again moves the same subscription.
 */
export async function subscribeInMirror(
  db: Db,
  userId: string,
  plan: string,
  start: Date,
  status = "active",
): Promise<string> {
  const customerId = `cus_${userId}`;
  const subId = `sub_${userId}`;
  const end = new Date(
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()),
  );
  const mirror = { livemode: false, versionTs: start, syncedAt: start };
  await db
    .insert(billingCustomers)
    .values({ userId, stripeCustomerId: customerId, createdAt: start })
    .onConflictDoNothing();
  await db.delete(stripeSubscriptionItems).where(eq(stripeSubscriptionItems.subscriptionId, subId));
  await db.delete(stripeSubscriptions).where(eq(stripeSubscriptions.id, subId));
  await db.insert(stripeSubscriptions).values({
    ...mirror,
    id: subId,
    raw: { id: subId, object: "subscription" },
    customerId,
    status,
    currency: "usd",
    cancelAtPeriodEnd: false,
  });
  await db.insert(stripeSubscriptionItems).values({
    ...mirror,
    id: `si_${userId}`,
    raw: { id: `si_${userId}`, object: "subscription_item" },
    subscriptionId: subId,
    priceId: `price_plan_${plan}_monthly`,
    productId: `prod_plan_${plan}`,
    quantity: 1,
    currency: "usd",
    interval: "month",
    intervalCount: 1,
    currentPeriodStart: start,
    currentPeriodEnd: end,
  });
  return subId;
}
