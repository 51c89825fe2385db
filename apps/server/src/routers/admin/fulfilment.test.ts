import { seedOrder } from "@folio/billing";
import { auditLog, type Db } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

// Field names that would reveal money, the buyer's e-mail or the payment. Fulfilment responses
// must contain none of them, at any depth.
const FORBIDDEN_KEY =
  /amount|currency|email|payment|charge|refund|dispute|price|total|subtotal|tax|discount|stripe|card/i;

function forbiddenKeys(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => forbiddenKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(FORBIDDEN_KEY.test(k) ? [`${path}.${k}`] : []),
    ...forbiddenKeys(v, `${path}.${k}`),
  ]);
}

async function seeded() {
  const s = await setup();
  const packer = await insertUser(s.db, "fulfillment", { name: "Pat Packer" });
  const a = await seedOrder(s.db, {
    email: "ada@example.com",
    name: "Ada Lovelace",
    task: "packed",
  });
  const b = await seedOrder(s.db, { email: "grace@example.com", name: "Grace Hopper" });
  return { ...s, packer, a, b };
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

const auditsFor = (db: Db, taskId: string) =>
  db
    .select()
    .from(auditLog)
    .where(eq(auditLog.target, `shipping_task:${taskId}`));

describe("admin.fulfilment for the fulfillment role", () => {
  it("answers with items, quantities, ship-to and notes — never amounts, e-mails or payment data", async () => {
    const { caller, packer, a } = await seeded();
    const api = caller(packer).admin.fulfilment;
    await api.setNotes({ taskId: a.taskId!, notes: "Fragile" });
    const responses = {
      list: await api.list({ state: "all" }),
      byId: await api.byId({ taskId: a.taskId! }),
      counts: await api.counts(),
      carriers: await api.carriers(),
      move: await api.move({ taskIds: [a.taskId!], to: "packed" }),
      assign: await api.assign({ taskIds: [a.taskId!], assignee: "me" }),
      ship: await api.ship({
        taskId: a.taskId!,
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
      }),
    };
    expect(forbiddenKeys(responses)).toEqual([]);
    // Nor do the values leak under innocent names.
    const text = JSON.stringify(responses);
    expect(text).not.toContain("ada@example.com");
    expect(text).not.toContain("pi_test");
    expect(text).not.toContain("cus_test");
    expect(text).not.toContain("1500");

    expect(responses.byId).toMatchObject({
      orderId: a.orderId,
      items: [{ description: "Notebook", quantity: 2 }],
      shipTo: { name: "Ada Lovelace", line1: "1 Main Street", country: "US" },
      notes: "Fragile",
    });
    expect(responses.list.items).toHaveLength(2);
  });

  it("the walk itself catches a leak (so the test above can fail)", () => {
    expect(
      forbiddenKeys({ items: [{ description: "x", unitAmount: 1 }], shipTo: { email: "e" } }),
    ).toEqual(["$.items[0].unitAmount", "$.shipTo.email"]);
  });

  it("cannot read orders (amounts and e-mails live there)", async () => {
    const { caller, packer, a } = await seeded();
    expect(await codeOf(caller(packer).admin.orders.byId({ orderId: a.orderId }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(caller(packer).admin.orders.list())).toBe("FORBIDDEN");
  });

  it("support (no orders.fulfill) cannot move tasks, and nothing changes", async () => {
    const { db, caller, a } = await seeded();
    const support = await insertUser(db, "support");
    expect(
      await codeOf(caller(support).admin.fulfilment.move({ taskIds: [a.taskId!], to: "picking" })),
    ).toBe("FORBIDDEN");
    expect(await auditsFor(db, a.taskId!)).toEqual([]);
  });
});

describe("admin.fulfilment moves", () => {
  it("ships only with a carrier and tracking number, as a clear 400", async () => {
    const { caller, packer, a } = await seeded();
    const err = await errorOf(
      caller(packer).admin.fulfilment.ship({
        taskId: a.taskId!,
        carrier: "UPS",
        trackingNumber: "",
      }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/tracking number/);
    const task = await caller(packer).admin.fulfilment.byId({ taskId: a.taskId! });
    expect(task.status).toBe("packed");
  });

  it("bulk moves are all or nothing, with every refused task named (PRECONDITION_FAILED)", async () => {
    const { db, caller, packer, a, b } = await seeded();
    const api = caller(packer).admin.fulfilment;
    await api.ship({ taskId: a.taskId!, carrier: "DHL", trackingNumber: "JD0146000033" });
    const err = await errorOf(api.move({ taskIds: [a.taskId!, b.taskId!], to: "picking" }));
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toContain(`${a.orderId}: it is shipped`);
    expect((await api.byId({ taskId: b.taskId! })).status).toBe("pending");

    expect(await api.move({ taskIds: [b.taskId!], to: "picking" })).toEqual({
      changed: [b.taskId],
      unchanged: [],
    });
    const [row] = await auditsFor(db, b.taskId!);
    expect(row).toMatchObject({
      actorType: "staff",
      actorId: packer.id,
      action: "shipping_task.state_changed",
      before: { status: "pending" },
      after: { status: "picking" },
    });
  });

  it("assign to me, then the 'mine' view", async () => {
    const { caller, packer, b } = await seeded();
    const api = caller(packer).admin.fulfilment;
    await api.assign({ taskIds: [b.taskId!], assignee: "me" });
    const mine = await api.list({ assignee: "me" });
    expect(mine.items.map((t) => [t.id, t.assignee?.name])).toEqual([[b.taskId, "Pat Packer"]]);
    const unassigned = await api.list({ assignee: "unassigned" });
    expect(unassigned.items.map((t) => t.id)).not.toContain(b.taskId);
  });
});

describe("admin.orders", () => {
  it("lists and shows orders to support with amounts, filters by fulfilment state", async () => {
    const { db, caller, a, b } = await seeded();
    const support = await insertUser(db, "support");
    const api = caller(support).admin.orders;
    const all = await api.list();
    expect(all.items.map((o) => o.id)).toEqual([b.orderId, a.orderId]);
    expect(all.items[0]).toMatchObject({
      email: "grace@example.com",
      amountTotal: 3000,
      fulfilmentState: "pending",
    });
    expect((await api.list({ fulfilmentState: "packed" })).items.map((o) => o.id)).toEqual([
      a.orderId,
    ]);
    const order = await api.byId({ orderId: a.orderId });
    expect(order).toMatchObject({
      id: a.orderId,
      totals: { total: 3000, currency: "usd" },
      shipment: { status: "packed" },
    });
    expect(order.placedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await codeOf(api.byId({ orderId: "ord_nope" }))).toBe("NOT_FOUND");
    expect(await codeOf(api.list({ placedFrom: "yesterday" }))).toBe("BAD_REQUEST");
  });
});
