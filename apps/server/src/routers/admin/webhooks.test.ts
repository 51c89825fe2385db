import { ingestEvent } from "@folio/billing";
import { webhookEvents, type Db } from "@folio/db";
import { eq } from "drizzle-orm";
import { dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

async function event(db: Db, clock: { now(): Date }, id: string, type: string, objectId = "cus_1") {
  await ingestEvent(
    { db, clock },
    JSON.stringify({
      id,
      object: "event",
      type,
      created: Math.floor(clock.now().getTime() / 1000) - 1,
      livemode: false,
      api_version: "2026-10-28.endive",
      data: { object: { id: objectId, object: type.split(".")[0] } },
    }),
  );
}

async function setStatus(
  db: Db,
  id: string,
  status: "failed" | "dead" | "applied",
  error?: string,
) {
  await db
    .update(webhookEvents)
    .set({
      status,
      attempts: status === "dead" ? 8 : 1,
      lastError: error ?? null,
      ...(status === "applied" ? { appliedAt: new Date(Date.UTC(2026, 0, 1)) } : {}),
    })
    .where(eq(webhookEvents.id, id));
}

describe("webhooks router", () => {
  it("lists newest first with filters and an opaque cursor, without leaking the payload", async () => {
    const { db, clock, caller } = await setup();
    const support = await insertUser(db, "support");
    // Three in the same millisecond: the cursor must not skip or repeat any.
    await event(db, clock, "evt_a", "customer.created");
    await event(db, clock, "evt_b", "invoice.paid", "in_1");
    await event(db, clock, "evt_c", "invoice.finalized", "in_1");
    clock.advance(60_000);
    await event(db, clock, "evt_d", "radar.early_fraud_warning.created", "issfr_1");
    await setStatus(db, "evt_b", "dead", "Error: boom");

    const api = caller(support).admin.webhooks;
    const first = await api.list({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(["evt_d", "evt_c"]);
    expect(Object.keys(first.items[0]!).sort()).toEqual(
      [
        "appliedAt",
        "attempts",
        "created",
        "id",
        "lastError",
        "nextAttemptAt",
        "objectId",
        "objectType",
        "receivedAt",
        "status",
        "type",
      ].sort(),
    );
    const second = await api.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((i) => i.id)).toEqual(["evt_b", "evt_a"]);
    expect(second.nextCursor).toBeNull();

    expect((await api.list({ status: "ignored" })).items.map((i) => i.id)).toEqual(["evt_d"]);
    expect((await api.list({ type: "invoice.*" })).items.map((i) => i.id)).toEqual([
      "evt_c",
      "evt_b",
    ]);
    expect((await api.list({ type: "invoice.paid" })).items[0]).toMatchObject({
      id: "evt_b",
      status: "dead",
      attempts: 8,
      lastError: "Error: boom",
    });
    const from = new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toISOString();
    expect((await api.list({ from })).items.map((i) => i.id)).toEqual(["evt_d"]);
    expect((await api.list({ to: from })).items).toHaveLength(3);
    expect(await codeOf(api.list({ cursor: "garbage" }))).toBe("BAD_REQUEST");
    expect(await codeOf(api.list({ type: "in%" }))).toBe("BAD_REQUEST");
  });

  it("filters by a type prefix with underscores (payment_intent.*, invoice_payment.*)", async () => {
    const { db, clock, caller } = await setup();
    const support = await insertUser(db, "support");
    await event(db, clock, "evt_pi", "payment_intent.succeeded", "pi_1");
    await event(db, clock, "evt_ip", "invoice_payment.paid", "inpay_1");
    await event(db, clock, "evt_in", "invoice.paid", "in_1");
    const api = caller(support).admin.webhooks;
    expect((await api.list({ type: "payment_intent.*" })).items.map((i) => i.id)).toEqual([
      "evt_pi",
    ]);
    expect((await api.list({ type: "invoice_*" })).items.map((i) => i.id)).toEqual(["evt_ip"]);
  });

  it("shows one event in detail and 404s an unknown one", async () => {
    const { db, clock, caller } = await setup();
    const admin = await insertUser(db, "admin");
    await event(db, clock, "evt_x", "customer.updated");
    const detail = await caller(admin).admin.webhooks.byId({ id: "evt_x" });
    expect(detail).toMatchObject({
      id: "evt_x",
      type: "customer.updated",
      status: "pending",
      attempts: 0,
      lastError: null,
      apiVersion: "2026-10-28.endive",
      payload: { id: "evt_x", data: { object: { id: "cus_1" } } },
    });
    expect(await codeOf(caller(admin).admin.webhooks.byId({ id: "evt_missing" }))).toBe(
      "NOT_FOUND",
    );
  });

  it("retries one failed or dead event, refuses others, and re-queues all dead ones", async () => {
    const { db, clock, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const support = await insertUser(db, "support");
    for (const id of ["evt_1", "evt_2", "evt_3", "evt_4"])
      await event(db, clock, id, "customer.updated");
    await setStatus(db, "evt_1", "dead");
    await setStatus(db, "evt_2", "dead");
    await setStatus(db, "evt_3", "applied");
    await setStatus(db, "evt_4", "failed");

    expect(await codeOf(caller(support).admin.webhooks.retry({ id: "evt_1" }))).toBe("FORBIDDEN");
    const api = caller(admin).admin.webhooks;
    expect(await api.retry({ id: "evt_1" })).toEqual({ id: "evt_1", status: "pending" });
    expect(await codeOf(api.retry({ id: "evt_3" }))).toBe("PRECONDITION_FAILED");
    expect(await codeOf(api.retry({ id: "evt_nope" }))).toBe("NOT_FOUND");
    expect(await api.retry({ id: "evt_4" })).toEqual({ id: "evt_4", status: "pending" });
    expect(await caller(admin, { ip: "198.51.100.4" }).admin.webhooks.retryDead()).toEqual({
      requeued: 1,
    });
    // Each retry is on the audit log as the admin who asked, read back through admin.audit.
    const log = await caller(admin, { ip: "198.51.100.4" }).admin.audit.list({
      actor: admin.id,
    });
    expect(log.items.map((e) => [e.actorType, e.action, e.target, e.ip])).toEqual([
      ["staff", "webhook_event.dead_retried", "webhook_inbox:dead", "198.51.100.4"],
      ["staff", "webhook_event.retried", "webhook_event:evt_4", null],
      ["staff", "webhook_event.retried", "webhook_event:evt_1", null],
    ]);
    const rows = await db.select().from(webhookEvents).orderBy(webhookEvents.id);
    expect(rows.map((r) => [r.id, r.status, r.attempts])).toEqual([
      ["evt_1", "pending", 0],
      ["evt_2", "pending", 0],
      ["evt_3", "applied", 1],
      ["evt_4", "pending", 0],
    ]);
    expect(
      rows.every(
        (r) => r.status !== "pending" || r.nextAttemptAt?.getTime() === clock.now().getTime(),
      ),
    ).toBe(true);
  });

  it("reports counts per status, lag and failures in the last 24 hours", async () => {
    const { db, clock, caller } = await setup();
    const support = await insertUser(db, "support");
    await event(db, clock, "evt_old", "customer.updated");
    clock.advance(90_000);
    await event(db, clock, "evt_new", "customer.updated");
    await event(db, clock, "evt_ign", "issuing_card.created", "ic_1");
    await event(db, clock, "evt_done", "customer.updated");
    await setStatus(db, "evt_done", "applied");
    await db
      .update(webhookEvents)
      .set({ lastFailedAt: new Date(clock.now().getTime() - 25 * 3600_000) })
      .where(eq(webhookEvents.id, "evt_done"));
    await db
      .update(webhookEvents)
      .set({ lastFailedAt: clock.now() })
      .where(eq(webhookEvents.id, "evt_old"));

    const stats = await caller(support).admin.webhooks.stats();
    expect(stats).toEqual({
      byStatus: { pending: 2, applied: 1, ignored: 1, failed: 0, dead: 0 },
      oldestDueAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      lagSeconds: 90,
      waiting: 2,
      oldestUnappliedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      unappliedLagSeconds: 90,
      failedLast24h: 1,
      stripeUnreachableSince: null,
    });

    // An older event backing off after a failure is not due, but it is the lag: it waits too.
    await event(db, clock, "evt_retrying", "customer.updated", "cus_9");
    await db
      .update(webhookEvents)
      .set({
        status: "failed",
        receivedAt: new Date(Date.UTC(2025, 11, 31, 23, 59)),
        nextAttemptAt: new Date(clock.now().getTime() + 3600_000),
      })
      .where(eq(webhookEvents.id, "evt_retrying"));
    const later = await caller(support).admin.webhooks.stats();
    expect(later).toMatchObject({ lagSeconds: 90, waiting: 3, unappliedLagSeconds: 150 });
    expect(later.oldestUnappliedAt).toBe(new Date(Date.UTC(2025, 11, 31, 23, 59)).toISOString());
  });

  it("says since when Stripe has been unreachable while events wait on it", async () => {
    const { db, clock, caller } = await setup();
    const support = await insertUser(db, "support");
    await event(db, clock, "evt_late", "invoice.paid", "in_1");
    await event(db, clock, "evt_early", "invoice.paid", "in_2");
    await event(db, clock, "evt_bug", "customer.updated");
    const since = (iso: string) =>
      `Stripe unreachable since ${iso}: StripeConnectionError: An error occurred with our connection to Stripe.`;
    await setStatus(db, "evt_late", "failed", since("2026-01-01T00:10:00.000Z"));
    await setStatus(db, "evt_early", "failed", since("2026-01-01T00:02:30.000Z"));
    await setStatus(db, "evt_bug", "failed", "Error: ledger unavailable");
    expect((await caller(support).admin.webhooks.stats()).stripeUnreachableSince).toBe(
      "2026-01-01T00:02:30.000Z",
    );
    // Applied since (Stripe answered again): no longer waiting on it.
    await setStatus(db, "evt_early", "applied");
    await setStatus(db, "evt_late", "applied");
    expect((await caller(support).admin.webhooks.stats()).stripeUnreachableSince).toBeNull();
  });
});
