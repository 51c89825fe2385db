import {
  auditLog,
  closeDb,
  orders,
  shippingTasks,
  users,
  withTransaction,
  type Db,
} from "@folio/db";
import { createTestDb } from "@folio/db/testing";
import { asc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../audit/actor.ts";
import { manualClock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { refreshOrderPayment } from "../../records/orders.ts";
import { seedOrder } from "../orders/testing.ts";
import { assignShippingTasks } from "./assign.ts";
import { cancelFulfilment } from "./cancel.ts";
import { listShippingTasks } from "./list.ts";
import { moveShippingTasks } from "./move.ts";
import { setShippingTaskNotes } from "./notes.ts";
import { shipTask } from "./ship.ts";

let db: Db;
const clock = manualClock(Date.UTC(2026, 1, 1));
const packer: Actor = { type: "staff", userId: "usr_packer", role: "fulfillment" };
const deps = () => ({ db, clock, actor: packer });

beforeEach(async () => {
  db = await createTestDb();
  const at = new Date(Date.UTC(2026, 0, 1));
  await db.insert(users).values({
    id: "usr_packer",
    email: "packer@example.com",
    name: "Pat Packer",
    role: "fulfillment",
    passwordHash: "x",
    createdAt: at,
    updatedAt: at,
  });
});
afterEach(async () => {
  await closeDb(db);
});

const taskOf = (id: string) =>
  db.select().from(shippingTasks).where(eq(shippingTasks.id, id)).get();
const orderState = async (orderId: string) =>
  (await db.select({ s: orders.fulfilmentState }).from(orders).where(eq(orders.id, orderId)).get())
    ?.s;
const audits = (target: string) =>
  db
    .select({
      action: auditLog.action,
      actorId: auditLog.actorId,
      before: auditLog.before,
      after: auditLog.after,
      reason: auditLog.reason,
    })
    .from(auditLog)
    .where(eq(auditLog.target, target))
    .orderBy(asc(auditLog.id));

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a DomainError");
}

describe("orders.fulfilment_state", () => {
  it("follows the shipping task's status whoever writes it, and is null when nothing ships", async () => {
    const physical = await seedOrder(db);
    const digital = await seedOrder(db, {
      items: [{ description: "E-book", quantity: 1, unitAmount: 900 }],
    });
    expect(await orderState(physical.orderId)).toBe("pending");
    expect(await orderState(digital.orderId)).toBeNull();
    await db
      .update(shippingTasks)
      .set({ status: "packed" })
      .where(eq(shippingTasks.orderId, physical.orderId));
    expect(await orderState(physical.orderId)).toBe("packed");
  });
});

describe("moving tasks", () => {
  it("moves along the queue, stamps the time and audits before and after", async () => {
    const { orderId, taskId } = await seedOrder(db);
    const id = taskId!;
    expect(await moveShippingTasks(deps(), { taskIds: [id], to: "picking" })).toEqual({
      changed: [id],
      unchanged: [],
    });
    expect(await taskOf(id)).toMatchObject({ status: "picking", pickingAt: clock.now() });
    expect(await orderState(orderId)).toBe("picking");
    // The same click again changes nothing and writes no second audit row.
    expect(await moveShippingTasks(deps(), { taskIds: [id], to: "picking" })).toEqual({
      changed: [],
      unchanged: [id],
    });
    await moveShippingTasks(deps(), { taskIds: [id], to: "packed" });
    expect(await audits(`shipping_task:${id}`)).toEqual([
      {
        action: "shipping_task.state_changed",
        actorId: "usr_packer",
        before: { status: "pending", orderId },
        after: { status: "picking", orderId },
        reason: null,
      },
      {
        action: "shipping_task.state_changed",
        actorId: "usr_packer",
        before: { status: "picking", orderId },
        after: { status: "packed", orderId },
        reason: null,
      },
    ]);
  });

  it("changes nothing in a batch when any task cannot move, and names each one and why", async () => {
    const a = await seedOrder(db);
    const b = await seedOrder(db, { task: "shipped" });
    const c = await seedOrder(db, { task: "canceled" });
    const err = await failure(
      moveShippingTasks(deps(), { taskIds: [a.taskId!, b.taskId!, c.taskId!], to: "packed" }),
    );
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toContain("Nothing was changed: 2 of 3 tasks cannot be marked packed");
    expect(err.message).toContain(`${b.orderId}: it is shipped; next can only be delivered`);
    expect(err.message).toContain(`${c.orderId}: its fulfilment was canceled`);
    expect(err.details?.["invalid"]).toEqual([
      { taskId: b.taskId, orderId: b.orderId, reason: "it is shipped; next can only be delivered" },
      { taskId: c.taskId, orderId: c.orderId, reason: "its fulfilment was canceled" },
    ]);
    expect((await taskOf(a.taskId!))?.status).toBe("pending");
    expect(await audits(`shipping_task:${a.taskId}`)).toEqual([]);
  });

  it("moves a batch together when every move is allowed", async () => {
    const tasks = await Promise.all([
      seedOrder(db),
      seedOrder(db),
      seedOrder(db, { task: "picking" }),
    ]);
    const ids = tasks.map((t) => t.taskId!);
    const result = await moveShippingTasks(deps(), { taskIds: ids, to: "packed" });
    expect(result.changed.sort()).toEqual([...ids].sort());
    for (const t of tasks) expect(await orderState(t.orderId)).toBe("packed");
  });

  it("answers NOT_FOUND for unknown tasks and refuses shipping without tracking", async () => {
    expect(
      (await failure(moveShippingTasks(deps(), { taskIds: ["shp_nope"], to: "packed" }))).code,
    ).toBe("NOT_FOUND");
    await expect(
      moveShippingTasks(deps(), { taskIds: ["shp_x"], to: "shipped" as never }),
    ).rejects.toThrow(/shipping needs a tracking number/);
  });
});

describe("shipping", () => {
  it("requires a carrier and a tracking number", async () => {
    const { taskId } = await seedOrder(db, { task: "packed" });
    await expect(
      shipTask(deps(), { taskId: taskId!, carrier: "", trackingNumber: "1Z999" }),
    ).rejects.toThrow(/Choose the carrier/);
    await expect(
      shipTask(deps(), { taskId: taskId!, carrier: "UPS", trackingNumber: " " }),
    ).rejects.toThrow(/Enter the tracking number/);
    expect((await taskOf(taskId!))?.status).toBe("packed");
  });

  it("ships a packed task with the link built for a known carrier, once", async () => {
    const { orderId, taskId } = await seedOrder(db, { task: "packed" });
    const shipped = await shipTask(deps(), {
      taskId: taskId!,
      carrier: "ups",
      trackingNumber: "1Z 999 AA1",
    });
    expect(shipped).toEqual({
      taskId,
      changed: true,
      carrier: "UPS",
      trackingNumber: "1Z 999 AA1",
      trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA1",
    });
    expect(await taskOf(taskId!)).toMatchObject({
      status: "shipped",
      carrier: "UPS",
      trackingNumber: "1Z 999 AA1",
      shippedAt: clock.now(),
    });
    expect(await orderState(orderId)).toBe("shipped");
    // A double click ships nothing twice; other tracking for a shipped parcel is a conflict.
    expect(
      (await shipTask(deps(), { taskId: taskId!, carrier: "UPS", trackingNumber: "1Z 999 AA1" }))
        .changed,
    ).toBe(false);
    expect(
      (
        await failure(
          shipTask(deps(), { taskId: taskId!, carrier: "DHL", trackingNumber: "123456" }),
        )
      ).code,
    ).toBe("CONFLICT");
    expect((await audits(`shipping_task:${taskId}`)).map((a) => a.action)).toEqual([
      "shipping_task.shipped",
    ]);
  });

  it("keeps another carrier's name and link as given, and refuses non-http links", async () => {
    const { taskId } = await seedOrder(db, { task: "packed" });
    await expect(
      shipTask(deps(), {
        taskId: taskId!,
        carrier: "Bike Courier Co",
        trackingNumber: "BC-1234",
        trackingUrl: "javascript:alert(1)",
      }),
    ).rejects.toThrow(/http\(s\)/);
    const shipped = await shipTask(deps(), {
      taskId: taskId!,
      carrier: "Bike Courier Co",
      trackingNumber: "BC-1234",
      trackingUrl: "https://couriers.example/t/BC-1234",
    });
    expect(shipped).toMatchObject({
      carrier: "Bike Courier Co",
      trackingUrl: "https://couriers.example/t/BC-1234",
    });
  });

  it("refuses to ship what is not packed yet", async () => {
    const { taskId } = await seedOrder(db, { task: "picking" });
    const err = await failure(
      shipTask(deps(), { taskId: taskId!, carrier: "UPS", trackingNumber: "1Z999AA1" }),
    );
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toContain("Pack it first.");
  });
});

describe("assigning and notes", () => {
  it("assigns tasks to the caller and back to nobody, audited", async () => {
    const { taskId } = await seedOrder(db);
    await assignShippingTasks(deps(), { taskIds: [taskId!], assignee: "me" });
    expect(await taskOf(taskId!)).toMatchObject({
      assignedTo: "usr_packer",
      assignedAt: clock.now(),
    });
    const mine = await listShippingTasks(db, "usr_packer", { limit: 10, assignee: "me" });
    expect(mine.items.map((t) => [t.id, t.assignee])).toEqual([
      [taskId, { id: "usr_packer", name: "Pat Packer" }],
    ]);
    await assignShippingTasks(deps(), { taskIds: [taskId!], assignee: "nobody" });
    expect((await taskOf(taskId!))?.assignedTo).toBeNull();
    expect((await audits(`shipping_task:${taskId}`)).map((a) => a.action)).toEqual([
      "shipping_task.assigned",
      "shipping_task.unassigned",
    ]);
  });

  it("keeps notes for the packer and audits the change", async () => {
    const { orderId, taskId } = await seedOrder(db);
    await setShippingTaskNotes(deps(), { taskId: taskId!, notes: "Gift wrap, please" });
    expect((await taskOf(taskId!))?.notes).toBe("Gift wrap, please");
    await setShippingTaskNotes(deps(), { taskId: taskId!, notes: "" });
    expect((await taskOf(taskId!))?.notes).toBeNull();
    expect((await audits(`shipping_task:${taskId}`)).map((a) => a.after)).toEqual([
      { notes: "Gift wrap, please", orderId },
      { notes: null, orderId },
    ]);
  });
});

describe("the queue", () => {
  it("lists open tasks oldest first with items and ship-to, filters by state and searches", async () => {
    const first = await seedOrder(db, { name: "Ada Lovelace" });
    const second = await seedOrder(db, {
      name: "Grace Hopper",
      task: "packed",
      items: [
        { description: "Mug", quantity: 3, unitAmount: 1200, ships: true },
        { description: "Download", quantity: 1, unitAmount: 500 },
      ],
    });
    await seedOrder(db, { task: "shipped" });
    const open = await listShippingTasks(db, "usr_packer", { limit: 10 });
    expect(open.items.map((t) => t.orderId)).toEqual([first.orderId, second.orderId]);
    // Only what goes in the box.
    expect(open.items[1]?.items).toEqual([{ description: "Mug", quantity: 3 }]);
    expect(open.items[1]?.shipTo).toMatchObject({ name: "Grace Hopper", city: "Springfield" });

    const page1 = await listShippingTasks(db, "usr_packer", { limit: 1 });
    const page2 = await listShippingTasks(db, "usr_packer", {
      limit: 1,
      cursor: page1.nextCursor!,
    });
    expect([...page1.items, ...page2.items].map((t) => t.orderId)).toEqual([
      first.orderId,
      second.orderId,
    ]);
    expect(page2.nextCursor).toBeNull();

    const packed = await listShippingTasks(db, "usr_packer", { limit: 10, state: "packed" });
    expect(packed.items.map((t) => t.orderId)).toEqual([second.orderId]);
    const all = await listShippingTasks(db, "usr_packer", { limit: 10, state: "all" });
    expect(all.items).toHaveLength(3);
    const byName = await listShippingTasks(db, "usr_packer", { limit: 10, search: "grace h" });
    expect(byName.items.map((t) => t.orderId)).toEqual([second.orderId]);
    const byId = await listShippingTasks(db, "usr_packer", { limit: 10, search: first.orderId });
    expect(byId.items.map((t) => t.orderId)).toEqual([first.orderId]);
  });
});

describe("canceling fulfilment (linked to refunds)", () => {
  it("cancels an unshipped order's task with the reason, once", async () => {
    const { orderId, taskId } = await seedOrder(db, { task: "packed" });
    expect(await cancelFulfilment(deps(), { orderId, reason: "Refunded on request" })).toEqual({
      orderId,
      taskId,
      outcome: "canceled",
    });
    expect(await taskOf(taskId!)).toMatchObject({
      status: "canceled",
      canceledAt: clock.now(),
      cancelReason: "Refunded on request",
    });
    expect(await orderState(orderId)).toBe("canceled");
    expect((await cancelFulfilment(deps(), { orderId, reason: "again" })).outcome).toBe(
      "already_canceled",
    );
    expect(await audits(`shipping_task:${taskId}`)).toEqual([
      {
        action: "shipping_task.canceled",
        actorId: "usr_packer",
        before: { status: "packed", orderId },
        after: { status: "canceled", orderId },
        reason: "Refunded on request",
      },
    ]);
  });

  it("refuses once the goods have shipped, and has nothing to cancel for digital orders", async () => {
    const shipped = await seedOrder(db, { task: "shipped" });
    const err = await failure(cancelFulfilment(deps(), { orderId: shipped.orderId, reason: "x" }));
    expect(err.code).toBe("PRECONDITION_FAILED");
    expect(err.message).toContain("has shipped");
    const digital = await seedOrder(db, {
      items: [{ description: "E-book", quantity: 1, unitAmount: 900 }],
    });
    expect(
      (await cancelFulfilment(deps(), { orderId: digital.orderId, reason: "x" })).outcome,
    ).toBe("nothing_to_ship");
  });

  it("cancels the task when Stripe reports the order refunded in full before it shipped", async () => {
    const unshipped = await seedOrder(db, { task: "picking", amountTotal: 3000 });
    const shipped = await seedOrder(db, { task: "shipped", amountTotal: 3000 });
    const sync: Actor = { type: "sync", eventId: "evt_1", source: "refund.created" };
    for (const o of [unshipped, shipped]) {
      const pi = `pi_test_${o.orderId.slice(4, 10)}`;
      await withTransaction(db, (tx) =>
        refreshOrderPayment(tx, pi, clock.now(), sync, {
          refund: { id: `re_${o.orderId}`, amount: 3000, status: "succeeded" } as Stripe.Refund,
        }),
      );
    }
    expect((await taskOf(unshipped.taskId!))?.status).toBe("canceled");
    expect((await taskOf(shipped.taskId!))?.status).toBe("shipped");
    expect(await audits(`shipping_task:${unshipped.taskId}`)).toEqual([
      expect.objectContaining({
        action: "shipping_task.canceled",
        actorId: "evt_1",
        reason: "Refunded in full before it shipped.",
      }),
    ]);
  });
});
