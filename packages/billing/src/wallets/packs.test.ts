import { closeDb, jobs, users, walletEntries, wallets, type Db } from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { asc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pushCatalog } from "../catalog/push.ts";
import { demoCatalog } from "../catalog/schema.ts";
import { syncUsageCatalog } from "../catalog/usage.ts";
import { manualClock } from "../clock.ts";
import { ensureStripeCustomer } from "../customers.ts";
import { runHook } from "../records/fixtures.ts";
import { recordHooks } from "../records/index.ts";
import { recordEvents } from "../sync/testing.ts";
import { recordUsage } from "../usage/record.ts";
import { deliverShuffledAndApply } from "../webhooks/testing.ts";
import { walletOf } from "./ledger.ts";
import { walletTopUpHook } from "./packs.ts";

// Credit packs bought through the emulator's hosted Checkout become wallet balance once, however
// often and in whatever order their webhooks arrive; refunds take back only unspent credits.

let emulator: EmulatorHandle;
let stripe: Stripe;
let db: Db;
const clock = manualClock(Date.UTC(2026, 0, 1));
const seen = new Set<string>();

beforeAll(async () => {
  emulator = await startEmulator({ deterministic: { seed: "wallet-packs" } });
  stripe = emulator.stripe();
});
afterAll(() => emulator.stop());
beforeEach(async () => {
  await emulator.reset();
  seen.clear();
  db = await createTestDb();
  clock.set(emulator.now() * 1000);
  const catalog = demoCatalog();
  await syncUsageCatalog({ db, clock }, catalog, await pushCatalog({ stripe }, catalog));
});
afterEach(() => closeDb(db));

/** Delivers every new event two or three times, shuffled, then applies them all. */
async function syncNewEvents(seed: number) {
  await emulator.flushWebhooks();
  const fresh = (await recordEvents(stripe)).filter((e) => !seen.has(e.id));
  for (const e of fresh) seen.add(e.id);
  const result = await deliverShuffledAndApply(
    { db, stripe, clock, hooks: recordHooks },
    fresh,
    seed,
    2,
  );
  expect(result.failed + result.dead).toBe(0);
  emulator.advanceClock(2);
}

async function buyPacks(userId: string, quantity: number) {
  const at = clock.now();
  await db.insert(users).values({
    id: userId,
    email: `${userId}@example.test`,
    name: userId,
    passwordHash: "x",
    createdAt: at,
    updatedAt: at,
  });
  const customer = await ensureStripeCustomer(
    { db, stripe, clock },
    {
      id: userId,
      email: `${userId}@example.test`,
      name: userId,
    },
  );
  const { data } = await stripe.prices.list({ lookup_keys: ["ai_credits_100"] });
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [{ price: data[0]!.id, quantity }],
    success_url: "http://localhost:3000/orders",
    cancel_url: "http://localhost:3000/shop",
  });
  const res = await payCheckoutPage(session.url!, { email: `${userId}@example.test` });
  expect(res.status, res.html).toBeLessThan(400);
  await syncNewEvents(1);
  return (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
}

const balance = async (userId: string) =>
  (await db.select().from(wallets).where(eq(wallets.userId, userId)).get())?.balance;
const entries = (userId: string) =>
  db
    .select({
      type: walletEntries.type,
      units: walletEntries.units,
      balanceAfter: walletEntries.balanceAfter,
    })
    .from(walletEntries)
    .where(eq(walletEntries.userId, userId))
    .orderBy(asc(walletEntries.id));

describe("credit packs", () => {
  it("a pack bought in Checkout credits the wallet once under duplicated webhooks", async () => {
    // Applied an hour after Stripe's events (a late webhook): the entry keeps Stripe's time.
    clock.set(emulator.now() * 1000 + 3_600_000);
    const pi = await buyPacks("usr_packs", 3);
    expect(await balance("usr_packs")).toBe(300);
    expect((await walletOf(db, "usr_packs")).lastAdded).toBe(300);
    expect(await entries("usr_packs")).toEqual([{ type: "top_up", units: 300, balanceAfter: 300 }]);
    const completed = (await stripe.events.list({ type: "checkout.session.completed" })).data;
    const topUp = await db
      .select({ at: walletEntries.at })
      .from(walletEntries)
      .where(eq(walletEntries.userId, "usr_packs"))
      .get();
    expect(topUp!.at.getTime()).toBe(completed[0]!.created * 1000);
    // The inbox drops duplicate event ids; run the hook itself again, as a backfill or a retried
    // apply would: still one top-up.
    const [session] = (await stripe.checkout.sessions.list({ payment_intent: pi })).data;
    await runHook(db, stripe, walletTopUpHook, "checkout.session", session!);
    await runHook(db, stripe, walletTopUpHook, "checkout.session", session!);
    expect(await entries("usr_packs")).toHaveLength(1);
  });

  it("a refund takes back only the unspent credits, once", async () => {
    const pi = await buyPacks("usr_refund", 1);
    const used = await recordUsage({ db, clock }, [
      { customer: "usr_refund", meter: "ai_summaries", quantity: 60, idempotencyKey: "u1" },
    ]);
    expect(used[0]).toMatchObject({ status: "recorded", credits: 60 });
    await stripe.refunds.create({ payment_intent: pi, amount: 250 }); // half of $5.00
    await syncNewEvents(3);
    // Half the pack is 50 credits, and 40 are unspent: 40 come back.
    expect(await balance("usr_refund")).toBe(0);
    await stripe.refunds.create({ payment_intent: pi });
    await syncNewEvents(4);
    expect(await entries("usr_refund")).toEqual([
      { type: "top_up", units: 100, balanceAfter: 100 },
      { type: "usage", units: -60, balanceAfter: 40 },
      { type: "pack_refund", units: -40, balanceAfter: 0 },
    ]);
    // Below the low threshold (20 of the 100 added) by the refund the customer asked for: no
    // low-balance e-mail.
    expect(await db.select().from(jobs).where(eq(jobs.kind, "email.low_balance"))).toEqual([]);
  });
});
