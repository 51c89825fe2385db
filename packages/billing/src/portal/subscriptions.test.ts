import {
  billingCustomers,
  closeDb,
  stripePrices,
  stripeProducts,
  stripeSubscriptionItems,
  stripeSubscriptions,
  users,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock, systemClock } from "../clock.ts";
import { syncAll } from "../sync/backfill.ts";
import { listCustomerSubscriptions } from "./subscriptions.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);

async function insertUser(db: Db, id: string, stripeCustomerId?: string) {
  const at = new Date(NOW);
  await db.insert(users).values({
    id,
    email: `${id}@example.com`,
    name: id,
    passwordHash: "x",
    createdAt: at,
    updatedAt: at,
  });
  if (stripeCustomerId) {
    await db.insert(billingCustomers).values({ userId: id, stripeCustomerId, createdAt: at });
  }
}

// Mirror rows as the sync engine writes them (typed columns plus the version columns).
function mirrorCols(
  id: string,
  object: string,
  created: number,
  raw: Record<string, unknown> = {},
) {
  return {
    id,
    livemode: false,
    stripeCreated: new Date(created),
    raw: { id, object, ...raw },
    versionTs: new Date(created),
    versionEventId: null,
    syncedAt: new Date(created),
  };
}

async function seedCatalog(db: Db) {
  await db.insert(stripeProducts).values([
    { ...mirrorCols("prod_pro", "product", NOW - 400 * DAY), name: "Pro", active: true },
    {
      ...mirrorCols("prod_seat", "product", NOW - 400 * DAY, { unit_label: "seat" }),
      name: "Seat",
      active: true,
    },
  ]);
  await db.insert(stripePrices).values([
    {
      ...mirrorCols("price_pro", "price", NOW - 400 * DAY),
      productId: "prod_pro",
      active: true,
      currency: "usd",
      unitAmount: 1500,
      type: "recurring",
      recurringInterval: "month",
      recurringIntervalCount: 1,
      lookupKey: "pro_monthly",
      nickname: "Pro monthly",
    },
    {
      ...mirrorCols("price_seat", "price", NOW - 400 * DAY),
      productId: "prod_seat",
      active: true,
      currency: "usd",
      unitAmount: 400,
      type: "recurring",
      recurringInterval: "month",
      recurringIntervalCount: 1,
      lookupKey: "seat_monthly",
      nickname: null,
    },
  ]);
}

async function seedSubscription(
  db: Db,
  id: string,
  customerId: string,
  created: number,
  fields: Partial<typeof stripeSubscriptions.$inferInsert> = {},
  items: Array<{ id: string; price: "pro" | "seat"; quantity: number; deleted?: boolean }> = [
    { id: `${id}_item`, price: "pro", quantity: 1 },
  ],
) {
  await db.insert(stripeSubscriptions).values({
    ...mirrorCols(id, "subscription", created, {
      items: { object: "list", data: items.filter((i) => !i.deleted).map((i) => ({ id: i.id })) },
    }),
    customerId,
    status: "active",
    currency: "usd",
    cancelAtPeriodEnd: false,
    ...fields,
  });
  for (const item of items) {
    await db.insert(stripeSubscriptionItems).values({
      ...mirrorCols(item.id, "subscription_item", created),
      subscriptionId: id,
      priceId: `price_${item.price}`,
      productId: `prod_${item.price}`,
      quantity: item.quantity,
      unitAmount: item.price === "pro" ? 1500 : 400,
      currency: "usd",
      interval: "month",
      intervalCount: 1,
      currentPeriodStart: new Date(NOW - 10 * DAY),
      currentPeriodEnd: new Date(NOW + 20 * DAY),
      deletedAt: item.deleted ? new Date(NOW - DAY) : null,
    });
  }
}

describe("listCustomerSubscriptions (mirror rows)", () => {
  const clock = manualClock(NOW);
  let db: Db;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(async () => {
    await closeDb(db);
  });

  it("returns an empty list for a user with no Stripe customer", async () => {
    await insertUser(db, "nolink");
    await seedSubscription(db, "sub_other", "cus_other", NOW - DAY);
    expect(await listCustomerSubscriptions({ db, clock }, "nolink")).toEqual([]);
  });

  it("lists only the user's own live subscriptions, newest first, with their items", async () => {
    await seedCatalog(db);
    await insertUser(db, "ada", "cus_ada");
    await insertUser(db, "bob", "cus_bob");
    await seedSubscription(db, "sub_old", "cus_ada", NOW - 60 * DAY);
    await seedSubscription(
      db,
      "sub_new",
      "cus_ada",
      NOW - 5 * DAY,
      { status: "trialing", trialEnd: new Date(NOW + 9 * DAY) },
      [
        // Stripe's list order (plan first) wins over the ids' order.
        { id: "si_plan", price: "pro", quantity: 1 },
        { id: "si_addon", price: "seat", quantity: 2 },
        { id: "si_gone", price: "seat", quantity: 9, deleted: true },
      ],
    );
    await seedSubscription(db, "sub_bob", "cus_bob", NOW - DAY);
    await seedSubscription(db, "sub_tombstoned", "cus_ada", NOW - 2 * DAY, {
      deletedAt: new Date(NOW - DAY),
    });
    await seedSubscription(db, "sub_expired", "cus_ada", NOW - 3 * DAY, {
      status: "incomplete_expired",
    });

    const list = await listCustomerSubscriptions({ db, clock }, "ada");
    expect(list.map((s) => s.id)).toEqual(["sub_new", "sub_old"]);
    expect(list[0]).toEqual({
      id: "sub_new",
      status: "trialing",
      ended: false,
      currency: "usd",
      currentPeriodEnd: new Date(NOW + 20 * DAY),
      trialEnd: new Date(NOW + 9 * DAY),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      canceledAt: null,
      endedAt: null,
      createdAt: new Date(NOW - 5 * DAY),
      items: [
        {
          id: "si_plan",
          productName: "Pro",
          unitLabel: null,
          priceNickname: "Pro monthly",
          priceLookupKey: "pro_monthly",
          unitAmount: 1500,
          currency: "usd",
          interval: "month",
          intervalCount: 1,
          quantity: 1,
        },
        {
          id: "si_addon",
          productName: "Seat",
          unitLabel: "seat",
          priceNickname: null,
          priceLookupKey: "seat_monthly",
          unitAmount: 400,
          currency: "usd",
          interval: "month",
          intervalCount: 1,
          quantity: 2,
        },
      ],
    });
    expect((await listCustomerSubscriptions({ db, clock }, "bob")).map((s) => s.id)).toEqual([
      "sub_bob",
    ]);
  });

  it("keeps canceled subscriptions for 90 days after they ended, labelled as ended", async () => {
    await seedCatalog(db);
    await insertUser(db, "ada", "cus_ada");
    const ended = (daysAgo: number) => ({
      status: "canceled",
      canceledAt: new Date(NOW - daysAgo * DAY),
      endedAt: new Date(NOW - daysAgo * DAY),
    });
    await seedSubscription(db, "sub_recent", "cus_ada", NOW - 200 * DAY, ended(10));
    await seedSubscription(db, "sub_edge", "cus_ada", NOW - 300 * DAY, ended(90));
    await seedSubscription(db, "sub_long_gone", "cus_ada", NOW - 350 * DAY, ended(91));
    await seedSubscription(db, "sub_canceling", "cus_ada", NOW - 30 * DAY, {
      cancelAtPeriodEnd: true,
      cancelAt: new Date(NOW + 20 * DAY),
      canceledAt: new Date(NOW - DAY),
    });

    const list = await listCustomerSubscriptions({ db, clock }, "ada");
    expect(list.map((s) => [s.id, s.status, s.ended])).toEqual([
      ["sub_canceling", "active", false],
      ["sub_recent", "canceled", true],
      ["sub_edge", "canceled", true],
    ]);
    expect(list[0]).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelAt: new Date(NOW + 20 * DAY),
    });
  });
});

describe("listCustomerSubscriptions (synced from the emulator)", () => {
  let emu: EmulatorHandle;
  beforeAll(async () => {
    emu = await startEmulator({ deterministic: { seed: "folio-portal-subscriptions" } });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it("reads what the sync engine stored for a real subscription", async () => {
    const stripe = emu.stripe();
    const plan = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1200,
      recurring: { interval: "month" },
      lookup_key: "team_monthly",
      nickname: "Team monthly",
      product_data: { name: "Team", unit_label: "seat" },
    });
    const customer = await stripe.customers.create({ email: "sync@example.com" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: plan.id, quantity: 2 }],
      trial_period_days: 14,
    });

    const db = await createTestDb();
    await syncAll({ db, stripe, clock: systemClock });
    await insertUser(db, "sync", customer.id);

    const list = await listCustomerSubscriptions({ db, clock: systemClock }, "sync");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: sub.id,
      status: "trialing",
      ended: false,
      trialEnd: new Date(sub.trial_end! * 1000),
      currentPeriodEnd: new Date(sub.items.data[0]!.current_period_end * 1000),
      items: [
        {
          productName: "Team",
          unitLabel: "seat",
          priceNickname: "Team monthly",
          priceLookupKey: "team_monthly",
          unitAmount: 1200,
          currency: "usd",
          interval: "month",
          intervalCount: 1,
          quantity: 2,
        },
      ],
    });
    await closeDb(db);
  });
});
