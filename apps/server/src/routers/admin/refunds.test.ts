import { demoCatalog, pushCatalog, recordHooks, syncAll, systemClock } from "@folio/billing";
import { auditLog, orders, refunds, shippingTasks, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { payCheckoutPage, startEmulator, type EmulatorHandle } from "@folio/stripe-emulator";
import { TRPCError } from "@trpc/server";
import { count, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../auth/session.ts";
import { insertUser, setup } from "../../test/helpers.ts";
import { customerWithCard } from "../../test/portal.ts";

// Refunds through the admin router against the emulator: exactly one Stripe refund per form,
// never more refunded than paid however requests race, and clear refusals that write nothing.

let emu: EmulatorHandle;
let stripe: Stripe;

beforeAll(async () => {
  emu = await startEmulator({ deterministic: { seed: "folio-admin-refunds" } });
  stripe = emu.stripe();
  await pushCatalog({ stripe }, demoCatalog());
});
afterAll(async () => {
  await emu.stop();
  await dropTestDatabases();
});

type Env = Awaited<ReturnType<typeof setup>>;

const sync = (db: Db) => syncAll({ db, stripe, clock: systemClock, hooks: recordHooks });

/** A customer who bought a digital product (no shipping); the order synced into the store. */
async function paidOrder(env: Env) {
  const customer = await customerWithCard(env, stripe);
  const { data } = await stripe.prices.list({ lookup_keys: ["template_pack_quarterly"] });
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer: customer.customerId,
    line_items: [{ price: data[0]!.id, quantity: 2 }],
    success_url: "http://localhost/billing/orders",
  });
  const paid = await payCheckoutPage(session.url!, { shipping: false });
  expect(paid.status, paid.html).toBe(303);
  await sync(env.db);
  const order = (await env.db
    .select()
    .from(orders)
    .where(eq(orders.checkoutSessionId, session.id))
    .get())!;
  return { ...customer, order };
}

async function staff(env: Env, role: "support" | "finance" | "admin") {
  const user = await insertUser(env.db, role);
  return { user, caller: env.caller(user, { stripe }) };
}

async function stripeRefundsOf(paymentIntentId: string) {
  return (await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })).data;
}

async function rowCounts(db: Db) {
  const [r] = await db.select({ n: count() }).from(refunds);
  const [a] = await db.select({ n: count() }).from(auditLog);
  return { refunds: r!.n, audit: a!.n };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

const form = (orderId: string, amount: number, attemptId = crypto.randomUUID()) => ({
  attemptId,
  target: { orderId },
  amount,
  reason: "requested_by_customer" as const,
  note: "Customer asked",
});

// Each test buys an order through the emulator first: seconds on a loaded PostgreSQL run.
describe("admin.refunds.create", { timeout: 30_000 }, () => {
  it("refunds part of an order once, and the order reads partially refunded", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "support");

    const result = await caller.admin.refunds.create(form(order.id, 300));
    expect(result).toMatchObject({ status: "succeeded", amount: 300, destination: "card" });
    const atStripe = await stripeRefundsOf(order.paymentIntentId!);
    expect(atStripe.map((r) => [r.id, r.amount, r.metadata?.folio_refund_id])).toEqual([
      [result.stripeRefundId, 300, result.id],
    ]);
    const after = await env.db.select().from(orders).where(eq(orders.id, order.id)).get();
    expect(after).toMatchObject({ paymentState: "partially_refunded", amountRefunded: 300 });
    expect(await caller.admin.refunds.options({ orderId: order.id })).toMatchObject({
      paid: order.amountTotal,
      refundable: order.amountTotal - 300,
    });
  });

  it("makes one Stripe refund from 50 simultaneous submissions of the same form", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "admin");
    const same = form(order.id, 250);

    const results = await Promise.all(
      Array.from({ length: 50 }, () => caller.admin.refunds.create(same)),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const atStripe = await stripeRefundsOf(order.paymentIntentId!);
    expect(atStripe).toHaveLength(1);
    expect((await rowCounts(env.db)).refunds).toBe(1);
    // Repeats that came while the first send was in flight report it; none made another.
    expect(
      results.every((r) => r.stripeRefundId === null || r.stripeRefundId === atStripe[0]!.id),
    ).toBe(true);
    expect(await caller.admin.refunds.forTarget({ orderId: order.id })).toMatchObject([
      { status: "succeeded", stripeRefundId: atStripe[0]!.id, amount: 250 },
    ]);
  });

  it("sends a request Stripe never confirmed again, with the same key, on a later repeat", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { user, caller } = await staff(env, "admin");
    const attempt = form(order.id, 400);
    // As if the server died after reserving the refund and sending it: Stripe made the refund,
    // Folio never stored the answer.
    const made = await stripe.refunds.create(
      {
        payment_intent: order.paymentIntentId!,
        amount: 400,
        reason: "requested_by_customer",
        metadata: { folio_refund_id: "rfd_stalled", folio_order_id: order.id },
      },
      { idempotencyKey: `folio-refund-${attempt.attemptId}` },
    );
    await env.db.insert(refunds).values({
      id: "rfd_stalled",
      idempotencyKey: attempt.attemptId,
      orderId: order.id,
      paymentIntentId: order.paymentIntentId,
      amount: 400,
      currency: order.currency,
      destination: "card",
      reason: "requested_by_customer",
      status: "processing",
      requestedBy: user.id,
      createdAt: env.clock.now(),
      updatedAt: env.clock.now(),
    });

    // While the send may still be in flight, a repeat only reports it.
    expect(await caller.admin.refunds.create(attempt)).toMatchObject({ status: "processing" });
    env.clock.advance(10_000);
    expect(await caller.admin.refunds.create(attempt)).toMatchObject({
      id: "rfd_stalled",
      status: "succeeded",
      stripeRefundId: made.id,
    });
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(1);
  });

  it("never refunds more than was paid when different partial refunds race", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const a = await staff(env, "admin");
    const b = await staff(env, "finance");
    const share = Math.ceil(order.amountTotal * 0.3);

    // Ten different 30% refunds at once: three fit, the rest are refused.
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).caller.admin.refunds.create(form(order.id, share)),
      ),
    );
    const ok = settled.filter((s) => s.status === "fulfilled");
    expect(ok).toHaveLength(Math.floor(order.amountTotal / share));
    for (const s of settled) {
      if (s.status === "rejected") {
        expect(s.reason).toBeInstanceOf(TRPCError);
        expect((s.reason as TRPCError).code).toBe("PRECONDITION_FAILED");
        expect((s.reason as TRPCError).message).toMatch(/can still be refunded/);
      }
    }
    const atStripe = await stripeRefundsOf(order.paymentIntentId!);
    expect(atStripe).toHaveLength(ok.length);
    expect(atStripe.reduce((sum, r) => sum + r.amount, 0)).toBeLessThanOrEqual(order.amountTotal);
  });

  it("refuses an over-refund, an unknown order and a disputed payment, writing nothing", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "finance");
    await caller.admin.refunds.create(form(order.id, 100));
    const before = await rowCounts(env.db);

    const over = await failure(caller.admin.refunds.create(form(order.id, order.amountTotal)));
    expect(over.code).toBe("PRECONDITION_FAILED");
    expect(over.message).toContain(`Only $${((order.amountTotal - 100) / 100).toFixed(2)}`);

    const unknown = await failure(caller.admin.refunds.create(form("ord_missing", 100)));
    expect(unknown).toEqual({ code: "NOT_FOUND", message: "No such order." });

    await env.db.update(orders).set({ paymentState: "disputed" }).where(eq(orders.id, order.id));
    expect((await failure(caller.admin.refunds.create(form(order.id, 50)))).code).toBe(
      "PRECONDITION_FAILED",
    );

    expect(await rowCounts(env.db)).toEqual(before);
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(1);
  });

  it("marks a refund Stripe refuses failed, audited, and frees its amount", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "admin");
    // Refunded in full from Stripe's dashboard; Folio has not heard of it yet.
    await stripe.refunds.create({ payment_intent: order.paymentIntentId! });

    const refused = await failure(caller.admin.refunds.create(form(order.id, 100)));
    expect(refused.code).toBe("PRECONDITION_FAILED");
    expect(refused.message).toMatch(/^Stripe refused to refund: /);
    const [row] = await caller.admin.refunds.forTarget({ orderId: order.id });
    expect(row).toMatchObject({ status: "failed", amount: 100 });
    expect(row!.failureReason).toBeTruthy();
    const actions = await env.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.target, `refund:${row!.id}`));
    expect(actions.map((a) => a.action).sort()).toEqual(["refund.created", "refund.failed"]);
    // A failed request reserves nothing: the full amount is refundable as far as Folio knows.
    expect(await caller.admin.refunds.options({ orderId: order.id })).toMatchObject({
      refundable: order.amountTotal,
    });
  });

  it("refuses to refund an invoice that is not paid", async () => {
    const env = await setup();
    const { customerId } = await customerWithCard(env, stripe);
    const { caller } = await staff(env, "admin");
    const draft = await stripe.invoices.create({
      customer: customerId,
      collection_method: "send_invoice",
      days_until_due: 30,
    });
    await stripe.invoiceItems.create({
      customer: customerId,
      invoice: draft.id,
      amount: 900,
      currency: "usd",
    });
    await stripe.invoices.finalizeInvoice(draft.id);
    await sync(env.db);
    const before = await rowCounts(env.db);

    const err = await failure(
      caller.admin.refunds.create({
        ...form("x", 100),
        target: { invoiceId: draft.id },
      }),
    );
    expect(err).toEqual({
      code: "PRECONDITION_FAILED",
      message: "This invoice is open, not paid: there is nothing to refund.",
    });
    expect(await rowCounts(env.db)).toEqual(before);
  });

  it("refunds a paid invoice to the customer's credit balance", async () => {
    const env = await setup();
    const { customerId, user } = await customerWithCard(env, stripe);
    const { caller } = await staff(env, "admin");
    const draft = await stripe.invoices.create({ customer: customerId, auto_advance: false });
    await stripe.invoiceItems.create({
      customer: customerId,
      invoice: draft.id,
      amount: 1500,
      currency: "usd",
    });
    await stripe.invoices.finalizeInvoice(draft.id);
    await stripe.invoices.pay(draft.id);
    await sync(env.db);

    const result = await caller.admin.refunds.create({
      ...form("x", 500),
      target: { invoiceId: draft.id },
      destination: "customer_balance",
    });
    expect(result).toMatchObject({ status: "succeeded", destination: "customer_balance" });
    expect((await stripe.customers.retrieve(customerId)) as Stripe.Customer).toMatchObject({
      balance: -500,
    });
    // The customer's portal shows the credit at once (the write path stored the ledger row).
    const portal = env.caller(
      { id: user.id, email: user.email, name: user.name, role: "customer" },
      { stripe },
    );
    expect(await portal.portal.credit.balance()).toMatchObject({ credit: 500, currency: "usd" });
    // What went to credit is no longer refundable to the card.
    expect(await caller.admin.refunds.options({ invoiceId: draft.id })).toMatchObject({
      refundable: 1000,
    });
  });

  it("asks whether a shipped order's goods came back", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "admin");
    await env.db.insert(shippingTasks).values({
      id: `shp_${order.id}`,
      orderId: order.id,
      status: "shipped",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const err = await failure(caller.admin.refunds.create(form(order.id, 100)));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/shipped: say whether the goods came back/);
    const ok = await caller.admin.refunds.create({ ...form(order.id, 100), goodsReturned: true });
    const row = await env.db.select().from(refunds).where(eq(refunds.id, ok.id)).get();
    expect(row?.goodsReturned).toBe(true);
    // Its fulfilment cannot be canceled any more.
    expect(
      (
        await failure(
          caller.admin.refunds.create({
            ...form(order.id, 100),
            goodsReturned: false,
            cancelFulfilment: true,
          }),
        )
      ).code,
    ).toBe("BAD_REQUEST");
  });

  it("cancels an unshipped order's fulfilment with its refund", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { caller } = await staff(env, "admin");
    await env.db.insert(shippingTasks).values({
      id: `shp_${order.id}`,
      orderId: order.id,
      status: "pending",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await caller.admin.refunds.create({ ...form(order.id, 500), cancelFulfilment: true });
    const task = await env.db
      .select()
      .from(shippingTasks)
      .where(eq(shippingTasks.orderId, order.id))
      .get();
    expect(task?.status).toBe("canceled");
  });
});

describe("approvals", { timeout: 30_000 }, () => {
  async function limitedSupport(env: Env, limit: number) {
    const admin = await staff(env, "admin");
    await admin.caller.admin.settings.update({
      key: "approvals.support_limits",
      value: { usd: limit },
    });
    return { admin, support: await staff(env, "support") };
  }

  it("holds support's refund above the limit until finance approves it, once", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const { support, admin } = await limitedSupport(env, 200);
    const finance = await staff(env, "finance");

    const request = await support.caller.admin.refunds.create(form(order.id, 450));
    expect(request.status).toBe("awaiting_approval");
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(0);
    // The request reserves its amount: another refund cannot take it meanwhile.
    expect((await finance.caller.admin.refunds.options({ orderId: order.id })).refundable).toBe(
      order.amountTotal - 450,
    );

    const queue = await finance.caller.admin.approvals.list();
    expect(queue).toMatchObject([{ kind: "refund", id: request.id, amount: 450, mine: false }]);

    // Two approvers at once: one approves, the other is told it was decided.
    const decisions = await Promise.allSettled([
      finance.caller.admin.approvals.decide({
        kind: "refund",
        id: request.id,
        decision: "approve",
      }),
      admin.caller.admin.approvals.decide({ kind: "refund", id: request.id, decision: "approve" }),
    ]);
    const won = decisions.filter((d) => d.status === "fulfilled");
    expect(won).toHaveLength(1);
    const lost = decisions.find((d) => d.status === "rejected") as PromiseRejectedResult;
    expect((lost.reason as TRPCError).code).toBe("CONFLICT");
    expect((lost.reason as TRPCError).message).toMatch(/already decided/);
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(1);
    expect(await finance.caller.admin.approvals.list()).toEqual([]);
  });

  it("never lets the requester approve their own request", async () => {
    const env = await setup();
    const { order } = await paidOrder(env);
    const finance = await staff(env, "finance");
    const admin = await staff(env, "admin");
    await admin.caller.admin.settings.update({
      key: "approvals.support_limits",
      value: { usd: 100 },
    });
    // A support member promoted to finance after asking still cannot approve what they asked.
    const support = await staff(env, "support");
    const request = await support.caller.admin.refunds.create(form(order.id, 300));
    const promoted: SessionUser = { ...support.user, role: "finance" };
    const before = await rowCounts(env.db);
    const err = await failure(
      env.caller(promoted, { stripe }).admin.approvals.decide({
        kind: "refund",
        id: request.id,
        decision: "approve",
      }),
    );
    expect(err.code).toBe("FORBIDDEN");
    expect(err.message).toMatch(/another finance member or admin/);
    expect(await rowCounts(env.db)).toEqual(before);
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(0);

    // Support cannot decide at all; rejecting needs a reason, and then nothing reaches Stripe.
    expect(
      (
        await failure(
          support.caller.admin.approvals.decide({
            kind: "refund",
            id: request.id,
            decision: "reject",
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const rejected = await finance.caller.admin.approvals.decide({
      kind: "refund",
      id: request.id,
      decision: "reject",
      note: "Outside the return window",
    });
    expect(rejected.status).toBe("rejected");
    expect(await stripeRefundsOf(order.paymentIntentId!)).toHaveLength(0);
    expect((await finance.caller.admin.refunds.options({ orderId: order.id })).refundable).toBe(
      order.amountTotal,
    );
  });
});
