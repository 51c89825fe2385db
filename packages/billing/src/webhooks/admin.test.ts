import { auditLog, webhookEvents } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Actor } from "../audit/actor.ts";
import { manualClock } from "../clock.ts";
import {
  listWebhookEvents,
  retryDeadWebhookEvents,
  retryWebhookEvent,
  webhookStats,
} from "./admin.ts";
import { deliver } from "./testing.ts";

afterAll(dropTestDatabases);

const T0 = Date.UTC(2026, 2, 1, 9);
const staff: Actor = { type: "staff", userId: "usr_ops", role: "admin" };

function body(id: string, type: string) {
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: T0 / 1000 - 60,
    livemode: false,
    type,
    data: { object: { id: `obj_${id}`, object: type.split(".")[0] } },
  });
}

async function inbox() {
  const db = await createTestDb();
  const clock = manualClock(T0);
  const types = [
    "invoice.paid",
    "invoice.payment_failed",
    "payment_intent.succeeded",
    "paymentXintent.created",
    "customer.updated",
  ];
  for (const [i, type] of types.entries()) {
    clock.set(T0 + i * 1000);
    await deliver({ db, clock }, [body(`evt_${i}`, type)]);
  }
  return { db, clock };
}

const types = (page: { items: Array<{ type: string | null }> }) => page.items.map((e) => e.type);

describe("listWebhookEvents", () => {
  it("filters by type or prefix ignoring case, with LIKE wildcards taken literally", async () => {
    const { db } = await inbox();
    const list = (type: string) => listWebhookEvents(db, { limit: 10, type });
    expect(types(await list("Invoice.*"))).toEqual(["invoice.payment_failed", "invoice.paid"]);
    expect(types(await list("INVOICE.PAID"))).toEqual(["invoice.paid"]);
    expect(types(await list("payment_intent.*"))).toEqual(["payment_intent.succeeded"]);
    expect(types(await list("Payment_Intent.*"))).toEqual(["payment_intent.succeeded"]);
    expect(types(await list("*"))).toHaveLength(5);
  });

  it("pages newest first with an opaque cursor", async () => {
    const { db } = await inbox();
    const first = await listWebhookEvents(db, { limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual(["evt_4", "evt_3"]);
    const second = await listWebhookEvents(db, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.id)).toEqual(["evt_2", "evt_1"]);
    const last = await listWebhookEvents(db, { limit: 2, cursor: second.nextCursor! });
    expect(last.items.map((e) => e.id)).toEqual(["evt_0"]);
    expect(last.nextCursor).toBeNull();
  });
});

describe("retries", () => {
  it("re-queue failed and dead events with a fresh budget, audited when staff did it", async () => {
    const { db, clock } = await inbox();
    await db
      .update(webhookEvents)
      .set({ status: "dead", attempts: 8 })
      .where(eq(webhookEvents.id, "evt_0"));
    await db
      .update(webhookEvents)
      .set({ status: "dead", attempts: 8 })
      .where(eq(webhookEvents.id, "evt_1"));
    await db
      .update(webhookEvents)
      .set({ status: "failed", attempts: 2 })
      .where(eq(webhookEvents.id, "evt_2"));
    expect((await webhookStats(db, clock)).byStatus).toMatchObject({ dead: 2, failed: 1 });

    await expect(retryWebhookEvent(db, clock, "evt_3", staff)).rejects.toThrow(/only failed/);
    expect(await retryWebhookEvent(db, clock, "evt_2", staff)).toEqual({
      id: "evt_2",
      status: "pending",
    });
    expect(await retryDeadWebhookEvents(db, clock, staff)).toEqual({ requeued: 2 });
    const rows = await db
      .select()
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, ["evt_0", "evt_1", "evt_2"]));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
      ["pending", 0],
    ]);
    expect(
      (await db.select().from(auditLog).orderBy(asc(auditLog.id))).map((a) => [
        a.actorId,
        a.action,
        a.target,
        a.after,
      ]),
    ).toEqual([
      ["usr_ops", "webhook_event.retried", "webhook_event:evt_2", { status: "pending" }],
      ["usr_ops", "webhook_event.dead_retried", "webhook_inbox:dead", { requeued: 2 }],
    ]);
  });
});
