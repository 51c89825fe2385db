import { ensureStripeCustomer, syncAll, systemClock } from "@folio/billing";
import {
  auditLog,
  billingCustomers,
  creditLedger,
  orders,
  refunds,
  shippingTasks,
  stripeCustomers,
  stripeRefunds,
  stripeSubscriptions,
  subscriptionHistory,
  webhookEvents,
  type Db,
} from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator } from "@folio/stripe-emulator";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app.ts";
import { codeOf, insertUser, sessionCookieFor, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

const day = (d: number, ms = 0) => new Date(Date.UTC(2026, 0, d) + ms);
const mirror = (id: string, object: string, at: Date) => ({
  id,
  livemode: false,
  stripeCreated: at,
  raw: { id, object },
  versionTs: at,
  syncedAt: at,
});

/** A customer account linked to a mirrored Stripe customer with `balance`. */
async function customer(
  db: Db,
  fields: { email: string; name: string; created: number; balance?: number; cus?: string },
) {
  const user = await insertUser(db, "customer", {
    email: fields.email,
    name: fields.name,
    createdAt: day(fields.created),
  });
  const cus = fields.cus ?? `cus_${fields.email.split("@")[0]!.replace(/\W/g, "")}`;
  await db
    .insert(billingCustomers)
    .values({ userId: user.id, stripeCustomerId: cus, createdAt: day(1) });
  await db.insert(stripeCustomers).values({
    ...mirror(cus, "customer", day(1)),
    email: fields.email,
    name: fields.name,
    balance: fields.balance ?? 0,
    currency: "usd",
  });
  return { user, cus };
}

async function subscription(db: Db, cus: string, id: string, status: string, created: number) {
  await db.insert(stripeSubscriptions).values({
    ...mirror(id, "subscription", day(created)),
    customerId: cus,
    status,
    currency: "usd",
    cancelAtPeriodEnd: false,
  });
}

describe("admin.customers.list", () => {
  async function fixture() {
    const env = await setup();
    const { db } = env;
    const support = await insertUser(db, "support", { email: "ann.support@folio.test" });
    const ann = await customer(db, {
      email: "ann@example.com",
      name: "Ann Lee",
      created: 2,
      balance: -500,
    });
    const bob = await customer(db, { email: "bob@example.com", name: "Bob Annan", created: 3 });
    const cy = await customer(db, {
      email: "cy_%@example.com",
      name: "Cy",
      created: 4,
      cus: "cus_CY9",
    });
    const dee = await insertUser(db, "customer", {
      email: "dee@example.com",
      name: "Dee",
      createdAt: day(5),
    });
    await subscription(db, ann.cus, "sub_ann_old", "canceled", 2);
    await subscription(db, ann.cus, "sub_ann", "active", 3);
    await subscription(db, bob.cus, "sub_bob", "past_due", 3);
    return { ...env, api: env.caller(support).admin.customers, ann, bob, cy, dee };
  }

  it("lists customers only (no staff), newest first, with Stripe id, credit and current subscription", async () => {
    const { api, ann, bob, cy, dee } = await fixture();
    const page = await api.list();
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((c) => c.id)).toEqual([dee.id, cy.user.id, bob.user.id, ann.user.id]);
    expect(page.items[3]).toEqual({
      id: ann.user.id,
      email: "ann@example.com",
      name: "Ann Lee",
      createdAt: "2026-01-02T00:00:00.000Z",
      disabled: false,
      stripeCustomerId: "cus_ann",
      credit: 500,
      owed: 0,
      currency: "usd",
      delinquent: false,
      // A live subscription is the current one even when an ended one exists.
      subscriptionStatus: "active",
    });
    expect(page.items[0]).toMatchObject({
      stripeCustomerId: null,
      subscriptionStatus: null,
      credit: 0,
    });
  });

  it("searches by Stripe id, e-mail start or name start (any case, wildcards literal)", async () => {
    const { api, ann, bob, cy } = await fixture();
    const ids = async (search: string) => (await api.list({ search })).items.map((c) => c.id);
    expect(await ids("cus_CY9")).toEqual([cy.user.id]);
    expect(await ids("ANN")).toEqual([ann.user.id]);
    expect(await ids("ann@")).toEqual([ann.user.id]);
    expect(await ids("bob annan")).toEqual([bob.user.id]);
    expect(await ids("cy_%")).toEqual([cy.user.id]);
    expect(await ids("c%")).toEqual([]);
    expect(await ids("nobody")).toEqual([]);
    // The start, not anywhere: "lee" is inside Ann Lee's name.
    expect(await ids("lee")).toEqual([]);
  });

  it("filters by subscription status (or none) and credit", async () => {
    const { api, ann, bob, cy, dee } = await fixture();
    const ids = async (input: Parameters<typeof api.list>[0]) =>
      (await api.list(input)).items.map((c) => c.id);
    expect(await ids({ subscription: "active" })).toEqual([ann.user.id]);
    expect(await ids({ subscription: "canceled" })).toEqual([ann.user.id]);
    expect(await ids({ subscription: "past_due" })).toEqual([bob.user.id]);
    expect(await ids({ subscription: "none" })).toEqual([dee.id, cy.user.id]);
    expect(await ids({ hasCredit: true })).toEqual([ann.user.id]);
    expect(await ids({ hasCredit: false, subscription: "none" })).toEqual([dee.id, cy.user.id]);
  });

  it("sorts by e-mail and pages with a cursor that belongs to its order", async () => {
    const { api, ann, bob, cy, dee } = await fixture();
    const sort = { by: "email", direction: "asc" } as const;
    const first = await api.list({ sort, limit: 3 });
    expect(first.items.map((c) => c.id)).toEqual([ann.user.id, bob.user.id, cy.user.id]);
    const second = await api.list({ sort, limit: 3, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [{ id: dee.id }], nextCursor: null });
    // A cursor made under another order is refused, not misread.
    expect(await codeOf(api.list({ limit: 3, cursor: first.nextCursor! }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
  });
});

describe("admin.customers.timeline", () => {
  it("merges every kind of entry newest first, and pages through them exactly once", async () => {
    const env = await setup();
    const { db } = env;
    const finance = await insertUser(db, "finance", { name: "Fay Finance" });
    const { user, cus } = await customer(db, { email: "tim@example.com", name: "Tim", created: 1 });
    const other = await customer(db, { email: "oth@example.com", name: "Oth", created: 1 });

    await db.insert(orders).values({
      id: "ord_1",
      checkoutSessionId: "cs_1",
      paymentIntentId: "pi_1",
      stripeCustomerId: cus,
      userId: user.id,
      email: "tim@example.com",
      currency: "usd",
      amountSubtotal: 3000,
      amountDiscount: 0,
      amountShipping: 0,
      amountTax: 0,
      amountTotal: 3000,
      paymentState: "partially_refunded",
      requiresShipping: true,
      livemode: false,
      placedAt: day(2),
      createdAt: day(2),
      updatedAt: day(2),
    });
    await db.insert(shippingTasks).values({
      id: "st_1",
      orderId: "ord_1",
      status: "shipped",
      carrier: "UPS",
      trackingNumber: "1Z1",
      packedAt: day(3),
      shippedAt: day(4),
      createdAt: day(2),
      updatedAt: day(4),
    });
    await db.insert(stripeRefunds).values({
      ...mirror("re_1", "refund", day(5)),
      paymentIntentId: "pi_1",
      status: "succeeded",
      amount: 1000,
      currency: "usd",
      reason: "requested_by_customer",
    });
    // A refund Folio made (shown once, as Folio's) beside one made in Stripe's dashboard.
    await db.insert(stripeRefunds).values({
      ...mirror("re_2", "refund", day(5, 1)),
      paymentIntentId: "pi_1",
      status: "succeeded",
      amount: 500,
      currency: "usd",
    });
    await db.insert(refunds).values({
      id: "rf_1",
      idempotencyKey: "k1",
      orderId: "ord_1",
      paymentIntentId: "pi_1",
      stripeCustomerId: cus,
      amount: 500,
      currency: "usd",
      destination: "card",
      reason: "requested_by_customer",
      note: "Box arrived damaged",
      status: "succeeded",
      stripeRefundId: "re_2",
      requestedBy: finance.id,
      createdAt: day(5, 2),
      updatedAt: day(5, 2),
    });
    await db.insert(creditLedger).values({
      balanceTransactionId: "cbtxn_1",
      stripeCustomerId: cus,
      userId: user.id,
      amount: -700,
      currency: "usd",
      endingBalance: -700,
      reason: "adjustment",
      description: "Goodwill",
      occurredAt: day(6),
      recordedAt: day(6),
    });
    await db.insert(subscriptionHistory).values({
      subscriptionId: "sub_1",
      stripeCustomerId: cus,
      eventId: "evt_sub",
      eventType: "customer.subscription.created",
      status: "active",
      currency: "usd",
      items: [],
      discounts: [],
      cancelAtPeriodEnd: false,
      paused: false,
      fingerprint: "f",
      effectiveAt: day(1),
      recordedAt: day(1),
    });
    await subscription(db, cus, "sub_1", "active", 1);
    const event = (id: string, objectId: string, created: Date) => ({
      id,
      type: "customer.subscription.created",
      created,
      livemode: false,
      objectId,
      objectType: "subscription",
      payload: "{}",
      status: "applied" as const,
      receivedAt: created,
    });
    await db
      .insert(webhookEvents)
      .values([event("evt_sub", "sub_1", day(1)), event("evt_other", other.cus, day(1))]);
    // Same millisecond as the credit entry: the order between kinds is still fixed.
    await db.insert(auditLog).values([
      {
        actorType: "staff",
        actorId: finance.id,
        action: "credit.granted",
        target: `customer:${cus}`,
        after: { amount: 700, currency: "usd" },
        reason: "Late delivery",
        at: day(6),
      },
      // A sync row repeats a record shown already: left out.
      {
        actorType: "sync",
        actorId: "evt_x",
        action: "order.created",
        target: "order:ord_1",
        at: day(2),
      },
      {
        actorType: "staff",
        actorId: finance.id,
        action: "x",
        target: `user:${other.user.id}`,
        at: day(6),
      },
    ]);

    const api = env.caller(finance).admin.customers;
    const all = await api.timeline({ customerId: user.id, limit: 100 });
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((e) => [e.kind, e.at.slice(0, 10)])).toEqual([
      ["credit", "2026-01-06"],
      ["action", "2026-01-06"],
      ["refund", "2026-01-05"],
      ["refund", "2026-01-05"],
      ["shipment", "2026-01-04"],
      ["shipment", "2026-01-03"],
      ["order", "2026-01-02"],
      ["subscription_change", "2026-01-01"],
      ["stripe_event", "2026-01-01"],
    ]);
    expect(all.items[1]).toMatchObject({
      kind: "action",
      action: "credit.granted",
      actor: { type: "staff", id: finance.id, name: "Fay Finance" },
      reason: "Late delivery",
      money: { amount: 700, currency: "usd" },
    });
    expect(all.items[0]).toMatchObject({
      money: { amount: 700, currency: "usd" },
      creditAfter: 700,
    });
    expect(all.items[2]).toMatchObject({
      refundId: "rf_1",
      origin: "folio",
      note: "Box arrived damaged",
      money: { amount: -500, currency: "usd" },
    });
    expect(all.items[3]).toMatchObject({
      refundId: "re_1",
      origin: "stripe",
      money: { amount: -1000, currency: "usd" },
    });
    expect(all.items[4]).toMatchObject({ state: "shipped", carrier: "UPS", trackingNumber: "1Z1" });

    // Pages of every size list the same entries once each, in the same order.
    for (const limit of [1, 2, 3]) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.timeline({ customerId: user.id, limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        keys.push(...page.items.map((e) => e.key));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(keys).toEqual(all.items.map((e) => e.key));
    }
  });

  it("answers NOT_FOUND for staff ids and unknown ids, BAD_REQUEST for a foreign cursor", async () => {
    const env = await setup();
    const support = await insertUser(env.db, "support");
    const api = env.caller(support).admin.customers;
    expect(await codeOf(api.timeline({ customerId: support.id }))).toBe("NOT_FOUND");
    expect(await codeOf(api.byId({ customerId: "nope" }))).toBe("NOT_FOUND");
    const c = await customer(env.db, { email: "x@example.com", name: "X", created: 1 });
    expect(await codeOf(api.timeline({ customerId: c.user.id, cursor: "bm9wZQ" }))).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("admin.customers.resync", () => {
  it("stores the customer's Stripe objects through the write path and reports the fields it changed, audited", async () => {
    const emu = await startEmulator({ deterministic: { seed: "folio-admin-customers" } });
    try {
      const stripe = emu.stripe();
      const env = await setup();
      const { db } = env;
      const support = await insertUser(db, "support");
      const user = await insertUser(db, "customer", { email: "rs@example.com", name: "Re Sync" });
      const cus = await ensureStripeCustomer({ db, stripe, clock: env.clock }, user);
      await syncAll({ db, stripe, clock: systemClock });
      // Changes Folio never heard of (no webhook endpoint here): the mirror is stale.
      await stripe.customers.update(cus, {
        name: "Renamed In Dashboard",
        metadata: { vip: "yes" },
      });
      await stripe.customers.createBalanceTransaction(cus, { amount: -300, currency: "usd" });

      const api = env.caller(support, { stripe }).admin.customers;
      const result = await api.resync({
        customerId: user.id,
        reason: "Dashboard shows another name",
      });
      expect(result.stripeCustomerId).toBe(cus);
      expect(result.changes.map((c) => [c.kind, c.change])).toEqual([
        ["customer", "updated"],
        ["customer_balance_transaction", "created"],
      ]);
      expect(result.changes[0]!.id).toBe(cus);
      expect(result.changes[0]!.fields).toEqual(
        expect.arrayContaining(["balance", "metadata", "name"]),
      );
      expect(result.changes[1]!.id).toMatch(/^cbtxn_/);
      const page = await api.byId({ customerId: user.id });
      expect(page.stripe?.name).toBe("Renamed In Dashboard");
      expect(page.credit).toMatchObject({ credit: 300, currency: "usd" });

      const timeline = await api.timeline({ customerId: user.id });
      const resynced = timeline.items.find((e) => e.kind === "action");
      expect(resynced).toMatchObject({
        action: "customer.resynced",
        reason: "Dashboard shows another name",
        actor: { type: "staff", id: support.id },
      });
      expect(timeline.items).toContainEqual(
        expect.objectContaining({ kind: "credit", money: { amount: 300, currency: "usd" } }),
      );

      // Nothing left to change the second time.
      expect((await api.resync({ customerId: user.id })).changes).toEqual([]);
    } finally {
      await emu.stop();
    }
  });

  it("refuses a customer who has no Stripe customer, with a reason", async () => {
    const env = await setup();
    const admin = await insertUser(env.db, "admin");
    const user = await insertUser(env.db, "customer");
    const emu = await startEmulator({ deterministic: { seed: "folio-admin-customers-2" } });
    try {
      const api = env.caller(admin, { stripe: emu.stripe() }).admin.customers;
      expect(await codeOf(api.resync({ customerId: user.id }))).toBe("PRECONDITION_FAILED");
      await expect(api.resync({ customerId: user.id })).rejects.toThrow(/no Stripe customer/);
    } finally {
      await emu.stop();
    }
  });
});

describe("customers CSV export", () => {
  it("streams every customer matching the list's filters, in its order; fulfilment is refused", async () => {
    const env = await setup();
    const { db, clock } = env;
    await customer(db, { email: "a@example.com", name: "A", created: 2, balance: -250 });
    await customer(db, { email: "b@example.com", name: "B", created: 3 });
    await customer(db, { email: "c@example.com", name: "C, Jr.", created: 4, balance: -10 });
    const app = await buildApp({ env: env.env, db, clock });
    try {
      const support = await sessionCookieFor(db, clock, (await insertUser(db, "support")).id);
      const input = encodeURIComponent(JSON.stringify({ hasCredit: true }));
      const res = await app.inject({
        url: `/api/export/customers.csv?input=${input}`,
        headers: { cookie: support },
      });
      expect(res.statusCode).toBe(200);
      const lines = res.body.trim().split(/\r?\n/);
      expect(lines[0]).toContain("E-mail");
      // Newest first, like the list; the comma in a name is quoted.
      expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual([
        "c@example.com",
        "a@example.com",
      ]);
      expect(lines[1]).toContain('"C, Jr."');
      expect(lines[2]).toContain(",250,");

      const packer = await sessionCookieFor(db, clock, (await insertUser(db, "fulfillment")).id);
      const refused = await app.inject({
        url: "/api/export/customers.csv",
        headers: { cookie: packer },
      });
      expect(refused.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
