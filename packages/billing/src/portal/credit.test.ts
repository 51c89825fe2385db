import {
  billingCustomers,
  closeDb,
  creditLedger,
  orderItems,
  orders,
  stripeCustomerBalanceTransactions,
  stripeCustomers,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertAccount } from "../accounts/testing.ts";
import { customerCreditBalance, listCreditLedger } from "./credit.ts";

// Ledger sources the emulator cannot produce (credit notes, credit-pack fulfilment, a voided
// invoice giving credit back), from rows as the sync and record hooks write them. The emulator
// journeys (grants, credit used on an invoice, a negative invoice) are in the server's
// portal/history.test.ts.

let db: Db;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await closeDb(db);
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 12, minute));
const mirror = (id: string, object: string) => ({
  id,
  livemode: false,
  stripeCreated: at(0),
  raw: { id, object },
  versionTs: at(0),
  syncedAt: at(0),
});

async function customer(userId: string, customerId: string, balance: number) {
  await insertAccount(db, userId, "customer");
  await db
    .insert(billingCustomers)
    .values({ userId, stripeCustomerId: customerId, createdAt: at(0) });
  await db
    .insert(stripeCustomers)
    .values({ ...mirror(customerId, "customer"), balance, currency: "eur" });
}

async function creditPackOrder(id: string, userId: string, sessionId: string) {
  await db.insert(orders).values({
    id,
    checkoutSessionId: sessionId,
    userId,
    currency: "eur",
    amountSubtotal: 500,
    amountDiscount: 0,
    amountShipping: 0,
    amountTax: 0,
    amountTotal: 500,
    paymentState: "paid",
    requiresShipping: false,
    livemode: false,
    placedAt: at(1),
    createdAt: at(1),
    updatedAt: at(1),
  });
  await db.insert(orderItems).values({
    orderId: id,
    lineItemId: `li_${id}`,
    description: "100 AI summary credits",
    quantity: 1,
    currency: "eur",
    amountSubtotal: 500,
    amountDiscount: 0,
    amountTax: 0,
    amountTotal: 500,
    requiresShipping: false,
    creditsGranted: 100,
    productKind: "credits",
  });
}

async function entry(
  id: string,
  customerId: string,
  minute: number,
  fields: { amount: number; endingBalance: number; reason: string; invoiceId?: string },
  metadata: Record<string, string> = {},
) {
  await db.insert(stripeCustomerBalanceTransactions).values({
    ...mirror(id, "customer_balance_transaction"),
    customerId,
    type: fields.reason,
    amount: fields.amount,
    currency: "eur",
    endingBalance: fields.endingBalance,
    metadata,
  });
  await db.insert(creditLedger).values({
    balanceTransactionId: id,
    stripeCustomerId: customerId,
    amount: fields.amount,
    currency: "eur",
    endingBalance: fields.endingBalance,
    reason: fields.reason,
    invoiceId: fields.invoiceId ?? null,
    occurredAt: at(minute),
    recordedAt: at(minute),
  });
}

describe("listCreditLedger", () => {
  it("names refunds to credit, credit packs and credit returned from a voided invoice", async () => {
    await customer("usr_a", "cus_a", -1200);
    await customer("usr_b", "cus_b", 0);
    await creditPackOrder("ord_a", "usr_a", "cs_a");
    await creditPackOrder("ord_b", "usr_b", "cs_b");
    await entry(
      "cbtxn_1",
      "cus_a",
      1,
      { amount: -500, endingBalance: -500, reason: "adjustment" },
      {
        folio_order_id: "ord_a",
      },
    );
    await entry("cbtxn_2", "cus_a", 2, {
      amount: -400,
      endingBalance: -900,
      reason: "credit_note",
    });
    await entry("cbtxn_3", "cus_a", 3, {
      amount: -300,
      endingBalance: -1200,
      reason: "unapplied_from_invoice",
      invoiceId: "in_b_not_a",
    });
    // Claims B's order: not A's, so not a credit pack of A's but a plain grant.
    await entry(
      "cbtxn_4",
      "cus_a",
      4,
      { amount: -100, endingBalance: -1300, reason: "adjustment" },
      {
        folio_order_id: "ord_b",
      },
    );
    await entry("cbtxn_5", "cus_a", 5, { amount: 100, endingBalance: -1200, reason: "adjustment" });
    await entry("cbtxn_6", "cus_a", 6, { amount: 0, endingBalance: -1200, reason: "migration" });

    const page = await listCreditLedger(db, "usr_a", { limit: 10 });
    expect(
      page.items.map((e) => [e.id, e.source, e.creditChange, e.creditAfter, e.orderId]),
    ).toEqual([
      ["cbtxn_6", "other", 0, 1200, null],
      ["cbtxn_5", "staff_debit", -100, 1200, null],
      ["cbtxn_4", "staff_grant", 100, 1300, null],
      ["cbtxn_3", "returned_from_invoice", 300, 1200, null],
      ["cbtxn_2", "refund_to_credit", 400, 900, null],
      ["cbtxn_1", "credit_pack", 500, 500, "ord_a"],
    ]);
    // An invoice id the mirror does not hold for A's customer is named, never looked up elsewhere.
    expect(page.items[3]?.invoice).toEqual({
      id: "in_b_not_a",
      number: null,
      hostedInvoiceUrl: null,
    });

    expect(await customerCreditBalance(db, "usr_a")).toEqual({
      credit: 1200,
      owed: 0,
      currency: "eur",
    });
    expect((await listCreditLedger(db, "usr_b", { limit: 10 })).items).toEqual([]);
  });

  it("shows a positive Stripe balance as money owed, not negative credit", async () => {
    await customer("usr_c", "cus_c", 700);
    expect(await customerCreditBalance(db, "usr_c")).toEqual({
      credit: 0,
      owed: 700,
      currency: "eur",
    });
  });
});
