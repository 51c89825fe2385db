import {
  createApiKey,
  grantCredits,
  parseCatalog,
  seedUsageCatalog,
  subscribeInMirror,
  systemClock,
} from "@folio/billing";
import { users, type Db } from "@folio/db";

// The bench account: API plans like the demo's (Pro 10K calls/month with credits past it, Team
// 100K billed as overage, Enterprise unlimited) and customers spread over them, each with credits.

export const benchCatalog = parseCatalog({
  version: 1,
  name: "usage bench",
  currency: "usd",
  meters: [{ key: "api_calls", name: "API calls", unitLabel: "call", aggregation: "count" }],
  products: (
    [
      ["pro", 10_000, "credits"],
      ["team", 100_000, "metered"],
      ["enterprise", "unlimited", "blocked"],
    ] as const
  ).map(([key, included, overage]) => ({
    key: `plan_${key}`,
    name: `API ${key}`,
    kind: "plan",
    planTier: key,
    allowances: [
      {
        meter: "api_calls",
        included,
        overage,
        ...(overage === "metered" && { overageUnitAmount: "0.1" }),
      },
    ],
    prices: [
      { lookupKey: `plan_${key}_monthly`, unitAmount: 1000, recurring: { interval: "month" } },
    ],
  })),
});

const PLANS = ["pro", "team", "enterprise", null] as const;

/** Customers `usr_bench_<n>` (external id `ext_<n>`); every fourth has no plan and pays in credits. */
export async function seedBench(
  db: Db,
  customers: number,
): Promise<{ key: string; ids: string[] }> {
  const clock = systemClock;
  const now = clock.now();
  await seedUsageCatalog(db, clock, benchCatalog);
  const adminId = "usr_bench_admin";
  await db.insert(users).values({
    id: adminId,
    email: "admin@bench.test",
    name: "Bench admin",
    passwordHash: "x",
    role: "admin",
    createdAt: now,
    updatedAt: now,
  });
  const actor = { type: "staff", userId: adminId, role: "admin" } as const;
  const ids: string[] = [];
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  for (let n = 0; n < customers; n++) {
    const id = `usr_bench_${n}`;
    ids.push(id);
    await db.insert(users).values({
      id,
      email: `${id}@bench.test`,
      name: id,
      passwordHash: "x",
      externalId: `ext_${n}`,
      createdAt: now,
      updatedAt: now,
    });
    const plan = PLANS[n % PLANS.length]!;
    if (plan) await subscribeInMirror(db, id, plan, start);
    await grantCredits(
      { db, clock, actor },
      { attemptId: crypto.randomUUID(), userId: id, units: 10_000_000, reason: "bench credits" },
    );
  }
  const { key } = await createApiKey(
    { db, clock, actor },
    { name: "bench", scopes: ["usage:write", "entitlements:read"] },
  );
  return { key, ids };
}
