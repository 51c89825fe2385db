import { demoCatalog, pushCatalog } from "@folio/billing";
import { auditLog, creditGrants, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { TRPCError } from "@trpc/server";
import { count, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

// Credit grants and debits through the admin router against the emulator, and the approval
// limits admins set.

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-admin-credit" } });
  stripe = emu.stripe();
  await pushCatalog({ stripe }, demoCatalog());
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

type Env = Awaited<ReturnType<typeof setup>>;

async function staff(env: Env, role: "support" | "finance" | "admin") {
  const user = await insertUser(env.db, role);
  return { user, caller: env.caller(user, { stripe }) };
}

async function rowCounts(db: Db) {
  const [g] = await db.select({ n: count() }).from(creditGrants);
  const [a] = await db.select({ n: count() }).from(auditLog);
  return { grants: g!.n, audit: a!.n };
}

const grant = (userId: string, amount: number, currency = "usd") => ({
  attemptId: crypto.randomUUID(),
  userId,
  amount,
  currency,
  reason: "Goodwill for the outage",
});

describe("admin.creditGrants.create", { timeout: 30_000 }, () => {
  it("grants credit once per form; the portal shows it and the next invoice uses it", async () => {
    const env = await setup();
    const customer = await customerWithCard(env, stripe);
    const { caller } = await staff(env, "admin");
    const form = grant(customer.user.id, 700);

    const [first, again] = await Promise.all([
      caller.admin.creditGrants.create(form),
      caller.admin.creditGrants.create(form),
    ]);
    // One grant: whichever call lost the race reports the same request, still in flight or done.
    expect(again.id).toBe(first.id);
    const statuses = [first.status, again.status].sort();
    expect(statuses[1]).toBe("succeeded");
    expect(["processing", "succeeded"]).toContain(statuses[0]);
    expect(first).toMatchObject({ amount: 700, currency: "usd" });
    const txns = await stripe.customers.listBalanceTransactions(customer.customerId);
    expect(txns.data.map((t) => [t.amount, t.description])).toEqual([
      [-700, "Goodwill for the outage"],
    ]);

    const portal = env.caller(customer.user, { stripe });
    expect(await portal.portal.credit.balance()).toMatchObject({ credit: 700, currency: "usd" });
    const ledger = await portal.portal.credit.ledger({});
    expect(ledger.items[0]).toMatchObject({
      creditChange: 700,
      source: "staff_grant",
      description: "Goodwill for the outage",
    });

    // The next invoice is reduced by the credit.
    const draft = await stripe.invoices.create({ customer: customer.customerId });
    await stripe.invoiceItems.create({
      customer: customer.customerId,
      invoice: draft.id,
      amount: 1000,
      currency: "usd",
    });
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized.amount_due).toBe(300);

    expect(await caller.admin.creditGrants.forCustomer({ userId: customer.user.id })).toMatchObject(
      [{ id: first.id, amount: 700, status: "succeeded" }],
    );
  });

  it("refuses a currency the customer's balance cannot hold, writing nothing", async () => {
    const env = await setup();
    const customer = await customerWithCard(env, stripe);
    await stripe.customers.createBalanceTransaction(customer.customerId, {
      amount: -100,
      currency: "eur",
    });
    const { caller } = await staff(env, "admin");
    const before = await rowCounts(env.db);

    let error: unknown;
    await caller.admin.creditGrants.create(grant(customer.user.id, 500, "usd")).catch((e) => {
      error = e;
    });
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toBe(
      "This customer's credit balance is in EUR; Stripe keeps one balance currency per customer, so USD cannot be used. Use EUR.",
    );
    expect(await rowCounts(env.db)).toEqual(before);
    expect((await stripe.customers.listBalanceTransactions(customer.customerId)).data).toHaveLength(
      1,
    );
  });

  it("holds support's grant above the limit for approval; a debit counts by its size", async () => {
    const env = await setup();
    const customer = await customerWithCard(env, stripe);
    const admin = await staff(env, "admin");
    const support = await staff(env, "support");
    await admin.caller.admin.settings.update({
      key: "approvals.support_limits",
      value: { usd: 500 },
    });

    const small = await support.caller.admin.creditGrants.create(grant(customer.user.id, 400));
    expect(small.status).toBe("succeeded");
    const debit = await support.caller.admin.creditGrants.create(grant(customer.user.id, -600));
    expect(debit.status).toBe("awaiting_approval");
    expect((await stripe.customers.listBalanceTransactions(customer.customerId)).data).toHaveLength(
      1,
    );

    expect(
      await codeOf(
        support.caller.admin.approvals.decide({
          kind: "credit_grant",
          id: debit.id,
          decision: "approve",
        }),
      ),
    ).toBe("FORBIDDEN");
    const approved = await admin.caller.admin.approvals.decide({
      kind: "credit_grant",
      id: debit.id,
      decision: "approve",
      note: "Confirmed with the customer",
    });
    expect(approved.status).toBe("succeeded");
    const balance = (await stripe.customers.retrieve(customer.customerId)) as Stripe.Customer;
    expect(balance.balance).toBe(200); // 400 credit, then 600 taken back: owes 200.
    const row = await env.db.select().from(creditGrants).where(eq(creditGrants.id, debit.id)).get();
    expect(row).toMatchObject({
      decidedBy: admin.user.id,
      decisionNote: "Confirmed with the customer",
    });
  });
});

describe("admin.settings", () => {
  it("lets admins change approval limits (validated, audited) and nobody else", async () => {
    const env = await setup();
    const admin = await staff(env, "admin");
    const finance = await staff(env, "finance");

    expect(
      await codeOf(
        finance.caller.admin.settings.update({ key: "approvals.support_limits", value: {} }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        admin.caller.admin.settings.update({
          key: "approvals.support_limits",
          value: { dollars: -5 },
        }),
      ),
    ).toBe("BAD_REQUEST");

    await admin.caller.admin.settings.update({
      key: "approvals.support_limits",
      value: { USD: 2500, eur: 2000 },
      reason: "Holiday season",
    });
    const [setting] = await admin.caller.admin.settings.list();
    expect(setting).toMatchObject({
      key: "approvals.support_limits",
      value: { usd: 2500, eur: 2000 },
      updatedBy: admin.user.id,
    });
    const row = await env.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "setting.updated"))
      .get();
    expect(row).toMatchObject({
      target: "setting:approvals.support_limits",
      after: { value: { usd: 2500, eur: 2000 } },
      reason: "Holiday season",
    });
  });
});
