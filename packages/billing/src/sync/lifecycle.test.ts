import {
  closeDb,
  creditLedger,
  dialectOf,
  orderItems,
  orders,
  shippingTasks,
  stripeCheckoutSessions,
  stripeCustomers,
  stripeInvoices,
  stripeSubscriptions,
  subscriptionHistory,
  webhookEvents,
  schema,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import {
  payCheckoutPage,
  startEmulator,
  type CheckoutShippingAddress,
  type EmulatorHandle,
} from "@folio/stripe-emulator";
import { asc, eq, getTableColumns, getTableName, is, sql } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { recordHooks } from "../records/index.ts";
import { snapshotSubscription } from "../records/subscription-history.ts";
import { retryDeadWebhookEvents } from "../webhooks/admin.ts";
import { deliver } from "../webhooks/testing.ts";
import { startWebhookWorker } from "../webhooks/worker.ts";
import { resyncCustomer, syncAll } from "./backfill.ts";
import type { SyncHooks } from "./hooks.ts";
import type { StripeObject } from "./kinds.ts";
import {
  convergenceProblems,
  frozenAccountClient,
  prng,
  recordEvents,
  shuffle,
} from "./testing.ts";

// One recorded lifecycle — subscription checkout with a trial → a shipped one-time order → trial
// ends and is paid → upgrade with proration → partial refund of the order → a lost dispute on the
// upgrade's charge → store credit → cancel — replayed into fresh in-memory stores in many orders. Recorded once; the emulator is
// left untouched afterwards so every run is compared with the same final state.

let emu: EmulatorHandle;
let stripe: Stripe;
let events: Stripe.Event[];
const cache = new Map<string, StripeObject | null>();
const ids = {} as {
  customer: string;
  subscription: string;
  orderSession: string;
  subscriptionSession: string;
};

async function pay(url: string, shipping?: CheckoutShippingAddress) {
  const res = await payCheckoutPage(url, {
    name: "Ada Lovelace",
    email: "ada@example.com",
    ...(shipping && { shipping }),
  });
  if (res.status !== 303) throw new Error(`checkout failed: ${res.status} ${res.html}`);
}

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-lifecycle" } });
  stripe = emu.stripe();
  const pro = await stripe.prices.create({
    currency: "usd",
    unit_amount: 1500,
    recurring: { interval: "month" },
    lookup_key: "pro_monthly",
    product_data: { name: "Pro", metadata: { folio_kind: "plan", folio_plan: "pro" } },
  });
  const business = await stripe.prices.create({
    currency: "usd",
    unit_amount: 4000,
    recurring: { interval: "month" },
    lookup_key: "business_monthly",
    product_data: { name: "Business", metadata: { folio_kind: "plan", folio_plan: "business" } },
  });
  const notebook = await stripe.products.create({
    name: "A5 Notebook",
    shippable: true,
    metadata: { folio_kind: "physical", folio_requires_shipping: "true" },
  });
  const notebookPrice = await stripe.prices.create({
    currency: "usd",
    unit_amount: 2400,
    product: notebook.id,
  });
  emu.advanceClock(5);

  const subSession = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: pro.id, quantity: 1 }],
    subscription_data: { trial_period_days: 14 },
    success_url: "https://folio.example/welcome",
  });
  await pay(subSession.url ?? "");
  const done = await stripe.checkout.sessions.retrieve(subSession.id);
  ids.subscriptionSession = subSession.id;
  ids.customer = done.customer as string;
  ids.subscription = done.subscription as string;
  emu.advanceClock(60);

  const orderSession = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: ids.customer,
    line_items: [{ price: notebookPrice.id, quantity: 2 }],
    shipping_address_collection: { allowed_countries: ["US"] },
    success_url: "https://folio.example/thanks",
  });
  await pay(orderSession.url ?? "", {
    line1: "1 Analytical Way",
    city: "London",
    postal_code: "10001",
    country: "US",
  });
  ids.orderSession = orderSession.id;
  emu.advanceClock(60);

  // The trial ends and the first real invoice is paid.
  const sub = await stripe.subscriptions.retrieve(ids.subscription);
  emu.setClock((sub.trial_end ?? 0) + 3600);
  emu.advanceClock(60);

  const item = sub.items.data[0]!;
  await stripe.subscriptions.update(ids.subscription, {
    items: [{ id: item.id, price: business.id }],
    proration_behavior: "always_invoice",
  });
  emu.advanceClock(60);

  const order = await stripe.checkout.sessions.retrieve(ids.orderSession);
  await stripe.refunds.create({ payment_intent: order.payment_intent as string, amount: 1000 });
  emu.advanceClock(60);

  // The customer disputes the upgrade's charge, and the dispute is lost.
  const charges = await stripe.charges.list({ customer: ids.customer });
  const subCharge = charges.data.find((c) => c.payment_intent !== order.payment_intent)!;
  const control = (path: string, body: object) =>
    fetch(`${emu.url}/_emulator/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ id: string }>);
  const dispute = await control(`charges/${subCharge.id}/dispute`, { reason: "fraudulent" });
  emu.advanceClock(60);
  await control(`disputes/${dispute.id}/close`, { outcome: "lost" });
  emu.advanceClock(60);

  await stripe.customers.createBalanceTransaction(ids.customer, {
    amount: -700,
    currency: "usd",
    description: "Goodwill credit",
  });
  emu.advanceClock(60);

  await stripe.subscriptions.cancel(ids.subscription);
  events = await recordEvents(stripe);
  // From here on the account is frozen: replays may answer repeated GETs from memory.
  stripe = frozenAccountClient((config) => emu.stripe(undefined, config)).stripe;
}, 60_000);

afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
}, 120_000);
const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDb(db).catch(() => undefined);
});

const TABLES_TO_DUMP = [
  "stripe_customers",
  "stripe_products",
  "stripe_prices",
  "stripe_subscriptions",
  "stripe_subscription_items",
  "stripe_invoices",
  "stripe_invoice_line_items",
  "stripe_invoice_payments",
  "stripe_payment_intents",
  "stripe_charges",
  "stripe_refunds",
  "stripe_disputes",
  "stripe_checkout_sessions",
  "stripe_customer_balance_transactions",
  "orders",
  "order_items",
  "shipping_tasks",
  "credit_ledger",
  "subscription_history",
  "billing_customers",
];

const TABLES_BY_NAME = new Map<string, SQLiteTable>(
  (Object.values(schema) as unknown[])
    .filter((t): t is SQLiteTable => is(t, SQLiteTable))
    .map((t) => [getTableName(t), t]),
);

/** Every mirror and record row, by table, in id order (bookkeeping timestamps included). */
async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of TABLES_TO_DUMP) {
    const t = TABLES_BY_NAME.get(name) as typeof schema.stripeCustomers;
    const first = Object.values(getTableColumns(t))[0]!;
    out[name] = await db.select().from(t).orderBy(first);
  }
  return out;
}

/** The same without when/why each row was last written (a replay may re-touch versions). */
function stripWrites(d: Record<string, unknown[]>) {
  return Object.fromEntries(
    Object.entries(d).map(([t, rows]) => [
      t,
      rows.map((r) => {
        const {
          syncedAt: _s,
          versionTs: _v,
          versionEventId: _e,
          recordedAt: _r,
          ...rest
        } = r as Record<string, unknown>;
        return rest;
      }),
    ]),
  );
}

/**
 * Makes every insert into stripe_invoice_line_items fail like a disk error (a trigger), until
 * `stop`. Fault injection, so the only dialect-specific SQL outside @folio/db.
 */
async function failInvoiceLineInserts(db: Db): Promise<{ stop(): Promise<void> }> {
  const run = (text: string) => db.run(sql.raw(text));
  await run("create table fail_switch (on_ integer)");
  await run("insert into fail_switch values (1)");
  if (dialectOf(db) === "postgres") {
    await run(`create function fail_lines() returns trigger language plpgsql as $$
      begin
        if (select on_ from fail_switch) = 1 then raise exception 'disk I/O error (simulated)'; end if;
        return new;
      end $$`);
    await run(
      "create trigger fail_lines before insert on stripe_invoice_line_items for each row execute function fail_lines()",
    );
  } else {
    await run(`create trigger fail_lines before insert on stripe_invoice_line_items
      when (select on_ from fail_switch) = 1
      begin select raise(abort, 'disk I/O error (simulated)'); end`);
  }
  return { stop: async () => void (await run("update fail_switch set on_ = 0")) };
}

async function fresh(hooks: SyncHooks = recordHooks) {
  const db = await createTestDb();
  opened.push(db);
  const clock = manualClock(Date.now());
  const worker = startWebhookWorker({ db, stripe, clock, hooks }, { autoStart: false });
  return { db, clock, worker, deps: { db, stripe, clock } };
}

/** Folio's own records exist exactly once and match the final state. */
async function recordProblems(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const allOrders = await db.select().from(orders);
  if (allOrders.length !== 1) problems.push(`expected 1 order, got ${allOrders.length}`);
  const order = allOrders[0];
  if (order) {
    if (order.checkoutSessionId !== ids.orderSession) problems.push("order for the wrong session");
    if (order.amountTotal !== 4800) problems.push(`order total ${order.amountTotal}`);
    if (order.amountRefunded !== 1000) problems.push(`order refunded ${order.amountRefunded}`);
    if (order.paymentState !== "partially_refunded")
      problems.push(`order payment state ${order.paymentState}`);
    if (!order.requiresShipping || order.shippingLine1 !== "1 Analytical Way")
      problems.push("order shipping address missing");
  }
  const items = await db.select().from(orderItems);
  if (items.length !== 1 || items[0]?.quantity !== 2) problems.push(`order items ${items.length}`);
  const tasks = await db.select().from(shippingTasks);
  if (tasks.length !== 1) problems.push(`expected 1 shipping task, got ${tasks.length}`);

  const ledger = await db.select().from(creditLedger);
  const txns: Stripe.CustomerBalanceTransaction[] = [];
  for await (const t of stripe.customers.listBalanceTransactions(ids.customer)) txns.push(t);
  const ledgerIds = ledger.map((l) => l.balanceTransactionId).sort();
  const txnIds = txns.map((t) => t.id).sort();
  if (JSON.stringify(ledgerIds) !== JSON.stringify(txnIds))
    problems.push(`ledger ${JSON.stringify(ledgerIds)} vs Stripe ${JSON.stringify(txnIds)}`);

  const history = await db
    .select()
    .from(subscriptionHistory)
    .where(eq(subscriptionHistory.subscriptionId, ids.subscription))
    .orderBy(asc(subscriptionHistory.effectiveAt), asc(subscriptionHistory.id));
  const finalSub = cache.get(`subscription:${ids.subscription}`) as unknown as Stripe.Subscription;
  const last = history.at(-1);
  if (!last) problems.push("no subscription history");
  else if (last.fingerprint !== snapshotSubscription(finalSub).fingerprint)
    problems.push(`latest history row is ${last.status}, not the final state`);
  const eventIds = history.map((h) => h.eventId).filter((e) => e !== null);
  if (new Set(eventIds).size !== eventIds.length)
    problems.push("history row repeated for an event");
  return problems;
}

// Fresh PostgreSQL databases are cloned from a template (a few hundred ms each): allow for it.
describe("full lifecycle delivered in any order", { timeout: 60_000 }, () => {
  it("recorded a lifecycle with same-second events", () => {
    const types = events.map((e) => e.type);
    for (const t of [
      "checkout.session.completed",
      "customer.subscription.created",
      "customer.subscription.updated",
      "customer.subscription.deleted",
      "invoice.paid",
      "charge.refunded",
      "charge.dispute.created",
      "charge.dispute.closed",
      "customer.updated",
    ]) {
      expect(types).toContain(t);
    }
    const perSecond = new Map<number, number>();
    for (const e of events) perSecond.set(e.created, (perSecond.get(e.created) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeGreaterThan(3);
  });

  it("in order, every event applies and the store converges", async () => {
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, events);
    const result = await worker.drain();
    expect(result.failed + result.dead).toBe(0);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
    const sub = await db.select().from(stripeSubscriptions).get();
    expect(sub).toMatchObject({ status: "canceled", customerId: ids.customer });
    expect((await db.select().from(stripeInvoices)).length).toBeGreaterThanOrEqual(3);
  });

  it("converges for 100 seeds of shuffled deliveries, each event 1–3 times", async () => {
    const runSeed = async (seed: number) => {
      const random = prng(seed);
      const { db, clock, worker } = await fresh();
      try {
        const copies = events.flatMap((e) =>
          Array.from({ length: 1 + Math.floor(random() * 3) }, () => e),
        );
        await deliver({ db, clock }, shuffle(copies, random));
        const result = await worker.drain();
        expect(result.failed + result.dead, `seed ${seed}`).toBe(0);
        expect(await convergenceProblems(db, stripe, { cache }), `seed ${seed}`).toEqual([]);
        expect(await recordProblems(db), `seed ${seed}`).toEqual([]);
        const statuses = await db.select({ s: webhookEvents.status }).from(webhookEvents);
        expect(new Set(statuses.map((s) => s.s)), `seed ${seed}`).toEqual(
          new Set(statuses.some((s) => s.s === "ignored") ? ["applied", "ignored"] : ["applied"]),
        );
      } finally {
        opened.splice(opened.indexOf(db), 1);
        await closeDb(db);
      }
    };
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 5 }, (_, i) => runSeed(batch * 5 + i + 1)));
    }
  }, 600_000);

  it("delivers every event 2–5 times, some concurrently, through the worker's own loop", async () => {
    const { db, clock } = await fresh();
    const worker = startWebhookWorker(
      { db, stripe, clock, hooks: recordHooks },
      { pollMs: 1, batchSize: 3 },
    );
    const random = prng(7);
    const copies = shuffle(
      events.flatMap((e) => Array.from({ length: 2 + Math.floor(random() * 4) }, () => e)),
      random,
    );
    // Deliveries arrive in small bursts while the worker is applying.
    for (let i = 0; i < copies.length; i += 7) {
      await deliver({ db, clock }, copies.slice(i, i + 7));
      worker.wake();
      await new Promise((r) => setTimeout(r, 1));
    }
    await worker.drain();
    await worker.stop();
    expect(await db.select().from(webhookEvents)).toHaveLength(events.length);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
  });

  it("same-second events with the stale one last: ties are settled by the API", async () => {
    // In order across seconds, but newest first within each second.
    const bySecond = new Map<number, Stripe.Event[]>();
    for (const e of events) bySecond.set(e.created, [...(bySecond.get(e.created) ?? []), e]);
    const staleLast = [...bySecond.values()].flatMap((group) => [...group].reverse());
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, staleLast);
    expect((await worker.drain()).failed).toBe(0);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
  });

  it("redelivery after commit (crash before the ack) and replays of old events change nothing", async () => {
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, events);
    await worker.drain();
    const before = await dump(db);
    // Stripe never saw our 200: it redelivers everything, freshly signed.
    expect((await deliver({ db, clock }, events)).every((r) => r.ok && r.duplicate)).toBe(true);
    expect(await worker.drain()).toEqual({ applied: 0, ignored: 0, failed: 0, dead: 0 });
    expect(await dump(db)).toEqual(before);
    // Even with the inbox emptied, old snapshots cannot regress anything.
    await db.delete(webhookEvents);
    await deliver({ db, clock }, shuffle(events, prng(99)));
    await worker.drain();
    expect(stripWrites(await dump(db))).toEqual(stripWrites(before));
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
  });

  it("the database failing mid-apply rolls the event back; the retry converges", async () => {
    const { db, clock, worker } = await fresh();
    // Simulated I/O failure on invoice lines: the invoice row written just before must vanish too.
    const failing = await failInvoiceLineInserts(db);
    await deliver({ db, clock }, events);
    const first = await worker.drain();
    expect(first.failed).toBeGreaterThan(0);
    expect(await db.select().from(stripeInvoices)).toEqual([]);
    const failed = await db.select().from(webhookEvents).where(eq(webhookEvents.status, "failed"));
    expect(failed.every((e) => e.attempts === 1 && /disk I\/O error/.test(e.lastError ?? ""))).toBe(
      true,
    );
    await failing.stop();
    // Not due yet: backoff — and the failed objects' later events wait behind them.
    expect((await worker.drain()).applied).toBe(0);
    const waiting = (await db.select().from(webhookEvents)).filter(
      (e) => e.status === "failed" || e.status === "pending",
    );
    expect(waiting.length).toBeGreaterThanOrEqual(first.failed);
    clock.advance(60_000);
    const second = await worker.drain();
    expect(second).toMatchObject({ applied: waiting.length, failed: 0, dead: 0 });
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
  });

  it("dead-letters after the attempt budget; a staff retry applies it", async () => {
    let broken = true;
    const flaky: SyncHooks = [
      {
        types: ["checkout.session"],
        write: () => {
          if (broken) throw new Error("hook exploded");
          return Promise.resolve();
        },
      },
    ];
    const { db, clock } = await fresh();
    const worker = startWebhookWorker(
      { db, stripe, clock, hooks: [...recordHooks, ...flaky] },
      { autoStart: false, maxAttempts: 3, baseBackoffMs: 1000 },
    );
    await deliver({ db, clock }, events);
    await worker.drain();
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      await worker.drain();
    }
    const dead = await db.select().from(webhookEvents).where(eq(webhookEvents.status, "dead"));
    expect(dead.length).toBeGreaterThan(0);
    expect(dead.every((e) => e.attempts === 3 && e.lastError === "Error: hook exploded")).toBe(
      true,
    );
    expect(await db.select().from(orders)).toHaveLength(0);
    broken = false;
    expect((await retryDeadWebhookEvents(db, clock)).requeued).toBe(dead.length);
    expect((await worker.drain()).applied).toBe(dead.length);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await recordProblems(db)).toEqual([]);
  });

  it("invoice.paid before its customer and subscription exist fetches the parents", async () => {
    const paid = events.find(
      (e) => e.type === "invoice.paid" && e.data.object.parent?.subscription_details !== null,
    )!;
    const { db, clock, worker } = await fresh();
    await deliver({ db, clock }, [paid]);
    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 0 });
    expect((await db.select().from(stripeCustomers)).map((c) => c.id)).toEqual([ids.customer]);
    expect((await db.select().from(stripeSubscriptions)).map((s) => s.id)).toEqual([
      ids.subscription,
    ]);
    expect((await db.select().from(stripeInvoices)).map((i) => i.id)).toEqual([
      (paid.data.object as Stripe.Invoice).id,
    ]);
    // The parents are today's truth (canceled), the invoice is the event's snapshot.
    expect((await db.select().from(stripeSubscriptions).get())?.status).toBe("canceled");
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    // Derived records for the fetched parents, once: the subscription's history ends at the
    // state fetched, preceded by the states Stripe's recorded times imply (no created event was
    // seen: records/subscription-history-backfill.ts), and a redelivery adds nothing.
    const rows = await db
      .select()
      .from(subscriptionHistory)
      .orderBy(subscriptionHistory.effectiveAt);
    expect(rows.at(-1)).toMatchObject({ status: "canceled", eventType: "sync" });
    expect(rows.slice(0, -1).every((r) => r.eventType === "inferred")).toBe(true);
    await deliver({ db, clock }, [paid]);
    await worker.drain();
    expect(await db.select().from(subscriptionHistory)).toHaveLength(rows.length);
  });

  it("a dropped customer.subscription.updated is repaired by syncAll", async () => {
    // Its own account, so the lifecycle's final state stays fixed.
    const other = await startEmulator({ deterministic: { seed: "folio-dropped-update" } });
    try {
      const s = other.stripe();
      const customer = await s.customers.create({ email: "drop@example.com" });
      const price = await s.prices.create({
        currency: "usd",
        unit_amount: 900,
        recurring: { interval: "month" },
        product_data: { name: "Seat" },
      });
      const sub = await s.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id, quantity: 2 }],
        trial_period_days: 30,
      });
      const db = await createTestDb();
      opened.push(db);
      const clock = manualClock(Date.now());
      const deps = { db, stripe: s, clock };
      const worker = startWebhookWorker({ ...deps, hooks: recordHooks }, { autoStart: false });
      // Live: what happened so far is delivered and applied before the update happens.
      const before = await recordEvents(s);
      await deliver({ db, clock }, before);
      await worker.drain();

      other.advanceClock(5);
      await s.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0]!.id, quantity: 5 }],
        proration_behavior: "none",
      });
      const seen = new Set(before.map((e) => e.id));
      const after = (await recordEvents(s)).filter((e) => !seen.has(e.id));
      const dropped = after.find((e) => e.type === "customer.subscription.updated")!;
      await deliver(
        { db, clock },
        after.filter((e) => e !== dropped),
      );
      await worker.drain();
      const items = async () =>
        ((await db.select().from(stripeSubscriptions).get())?.raw as unknown as Stripe.Subscription)
          .items.data[0]?.quantity;
      expect(await items()).toBe(2);

      const summary = await syncAll({ ...deps, hooks: recordHooks });
      expect(summary.subscription).toEqual({ created: 0, updated: 1, unchanged: 0, tombstoned: 0 });
      expect(await items()).toBe(5);
      expect(await convergenceProblems(db, s)).toEqual([]);
      const history = await db.select().from(subscriptionHistory);
      expect(history.at(-1)?.items[0]?.quantity).toBe(5);
      // The late delivery of the dropped event is now older than what sync stored.
      await deliver({ db, clock }, [dropped]);
      await worker.drain();
      expect(await items()).toBe(5);
      expect(await db.select().from(subscriptionHistory)).toHaveLength(history.length);
      // Nothing left to do on a second pass.
      const again = await syncAll({ ...deps, hooks: recordHooks });
      for (const [kind, c] of Object.entries(again)) {
        expect({ kind, ...c }).toMatchObject({ kind, created: 0, updated: 0, tombstoned: 0 });
      }
    } finally {
      await other.stop();
    }
  });

  it("resyncCustomer pulls one customer's objects fresh, and is idempotent", async () => {
    const { db, deps } = await fresh();
    const summary = await resyncCustomer({ ...deps, hooks: recordHooks }, ids.customer);
    for (const [kind, c] of Object.entries(summary)) expect(c.error, kind).toBeUndefined();
    expect(summary).toMatchObject({
      customer: { created: 1 },
      subscription: { created: 1 },
      checkout_session: { created: 2 },
      customer_balance_transaction: { created: 1 },
    });
    expect(summary.invoice?.created).toBeGreaterThanOrEqual(3);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await db.select().from(orders)).toHaveLength(1);
    const again = await resyncCustomer({ ...deps, hooks: recordHooks }, ids.customer);
    for (const c of Object.values(again)) expect(c.created + c.updated + c.tombstoned).toBe(0);
  });

  it("resyncCustomer also pulls the refunds and disputes of the customer's charges", async () => {
    const { deps } = await fresh();
    const summary = await resyncCustomer({ ...deps, hooks: recordHooks }, ids.customer);
    expect(summary.refund).toMatchObject({ created: 1 });
    expect(summary.dispute).toMatchObject({ created: 1 });
  });

  it("an event recorded under another API version is not trusted: the object is fetched", async () => {
    const e = events.find((x) => x.type === "customer.subscription.created")!;
    const foreign = { ...e, api_version: "2020-08-27" };
    const { db, clock, worker } = await fresh([]);
    await deliver({ db, clock }, [foreign]);
    await worker.drain();
    // The stored subscription is the API's current one (canceled), not the old-shaped snapshot.
    const row = await db.select().from(stripeSubscriptions).get();
    expect(row?.status).toBe("canceled");
    expect(row?.versionEventId).toBeNull();
  });

  it("a full backfill into an empty store matches the webhook-fed store", async () => {
    const { db, deps } = await fresh();
    const summary = await syncAll({ ...deps, hooks: recordHooks });
    for (const [kind, c] of Object.entries(summary)) {
      expect(c.error, kind).toBeUndefined();
    }
    expect(summary.subscription?.created).toBe(1);
    expect(await convergenceProblems(db, stripe, { cache })).toEqual([]);
    expect(await db.select().from(stripeCheckoutSessions)).toHaveLength(2);
    expect(await db.select().from(orders)).toHaveLength(1);
  });
});
