import { ingestEvent } from "@folio/billing";
import { creditGrants, orders, refunds, shippingTasks, type Db, type Role } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

const AT = new Date(Date.UTC(2026, 0, 1));

async function order(db: Db, id: string) {
  await db.insert(orders).values({
    id,
    checkoutSessionId: `cs_${id}`,
    currency: "eur",
    amountSubtotal: 4200,
    amountDiscount: 0,
    amountShipping: 0,
    amountTax: 0,
    amountTotal: 4200,
    paymentState: "paid",
    requiresShipping: true,
    livemode: false,
    placedAt: AT,
    createdAt: AT,
    updatedAt: AT,
  });
}

async function seed(db: Db) {
  const requester = await insertUser(db, "support");
  const statuses = ["pending", "pending", "picking", "shipped", "delivered", "canceled"] as const;
  for (const [i, status] of statuses.entries()) {
    await order(db, `ord_${i}`);
    await db
      .insert(shippingTasks)
      .values({ id: `st_${i}`, orderId: `ord_${i}`, status, createdAt: AT, updatedAt: AT });
  }
  const request = { currency: "eur", requestedBy: requester.id, createdAt: AT, updatedAt: AT };
  await db.insert(refunds).values([
    {
      ...request,
      id: "rf_1",
      idempotencyKey: "k1",
      orderId: "ord_0",
      amount: 4200,
      destination: "card",
      reason: "requested_by_customer",
      status: "awaiting_approval",
    },
  ]);
  await db.insert(creditGrants).values([
    {
      ...request,
      id: "cg_1",
      idempotencyKey: "k2",
      stripeCustomerId: "cus_1",
      amount: 500,
      reason: "goodwill",
      status: "awaiting_approval",
    },
  ]);
  await ingestEvent(
    { db, clock: { now: () => AT } },
    JSON.stringify({
      id: "evt_waiting",
      object: "event",
      type: "customer.updated",
      created: AT.getTime() / 1000 - 1,
      livemode: false,
      api_version: "2026-10-28.endive",
      data: { object: { id: "cus_1", object: "customer" } },
    }),
  );
}

describe("admin.home", () => {
  // What each role's home shows: only the cards for pages it can act on.
  const visible: Record<Exclude<Role, "customer">, string[]> = {
    fulfillment: ["shipping"],
    support: ["shipping", "failedPayments", "webhooks"],
    finance: ["shipping", "approvals", "failedPayments"],
    admin: ["shipping", "approvals", "failedPayments", "webhooks"],
  };

  it.each(Object.entries(visible))("gives %s only its cards", async (role, cards) => {
    const { db, clock, caller } = await setup();
    await seed(db);
    clock.advance(120_000);
    const user = await insertUser(db, role as Role);
    const home = await caller(user).admin.home();
    const shown = Object.entries(home)
      .filter(([, card]) => card !== null)
      .map(([name]) => name);
    expect(shown).toEqual(cards);
    if (home.shipping) {
      expect(home.shipping).toEqual({ pending: 2, picking: 1, packed: 0, shipped: 1 });
    }
    if (home.approvals) expect(home.approvals).toEqual({ refunds: 1, creditGrants: 1 });
    if (home.failedPayments) {
      expect(home.failedPayments).toEqual({
        pastDue: 0,
        unpaid: 0,
        openInvoicesWithFailedAttempts: 0,
      });
    }
    if (home.webhooks) {
      expect(home.webhooks).toEqual({
        waiting: 1,
        oldestUnappliedAt: AT.toISOString(),
        lagSeconds: 120,
        failed: 0,
        dead: 0,
      });
    }
    // Fulfilment's home carries counts of tasks and nothing about money or people.
    if (role === "fulfillment") {
      expect(JSON.stringify(home)).not.toMatch(/amount|email|currency|eur|4200|cus_/i);
    }
  });
});
