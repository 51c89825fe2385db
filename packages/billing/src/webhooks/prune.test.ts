import { webhookEvents, type WebhookEventStatus } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { deliver } from "./testing.ts";
import { webhookEventById } from "./admin.ts";
import { PRUNED_PAYLOAD, pruneWebhookInbox } from "./prune.ts";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1, 12);

function body(id: string, type = "customer.updated") {
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(T0 / 1000),
    livemode: false,
    type,
    data: { object: { id: `cus_${id}`, object: "customer", email: `${id}@example.com` } },
  });
}

afterAll(dropTestDatabases);

async function setup() {
  const db = await createTestDb();
  const clock = manualClock(T0);
  /** Receives an event at `at` and leaves it in `status`. */
  const receive = async (id: string, status: WebhookEventStatus, at: number) => {
    clock.set(at);
    const [r] = await deliver({ db, clock }, [body(id)]);
    expect(r).toMatchObject({ ok: true, duplicate: false });
    await db.update(webhookEvents).set({ status }).where(eq(webhookEvents.id, id));
  };
  const row = (id: string) =>
    db
      .select({ status: webhookEvents.status, payload: webhookEvents.payload })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, id))
      .get();
  return { db, clock, receive, row };
}

describe("pruneWebhookInbox", () => {
  it("drops old terminal payloads, deletes very old terminal rows, never touches the rest", async () => {
    const { db, clock, receive, row } = await setup();
    const now = T0 + 100 * DAY;
    const statuses: WebhookEventStatus[] = ["applied", "ignored", "pending", "failed", "dead"];
    for (const s of statuses) await receive(`evt_old_${s}`, s, now - 95 * DAY);
    for (const s of statuses) await receive(`evt_mid_${s}`, s, now - 45 * DAY);
    for (const s of statuses) await receive(`evt_new_${s}`, s, now - 10 * DAY);
    // More than one batch of prunable payloads, some received in the same millisecond.
    for (let i = 0; i < 5; i++)
      await receive(`evt_batch_${i}`, "applied", now - 31 * DAY - (i % 2));
    clock.set(now);

    expect(await pruneWebhookInbox({ db, clock }, { batchSize: 2 })).toEqual({
      payloadsPruned: 2 + 5,
      deleted: 2,
    });

    expect(await row("evt_old_applied")).toBeUndefined();
    expect(await row("evt_old_ignored")).toBeUndefined();
    for (const s of ["pending", "failed", "dead"] as const) {
      expect(await row(`evt_old_${s}`)).toEqual({ status: s, payload: body(`evt_old_${s}`) });
      expect(await row(`evt_mid_${s}`)).toEqual({ status: s, payload: body(`evt_mid_${s}`) });
    }
    expect(await row("evt_mid_applied")).toEqual({ status: "applied", payload: PRUNED_PAYLOAD });
    expect(await row("evt_mid_ignored")).toEqual({ status: "ignored", payload: PRUNED_PAYLOAD });
    for (let i = 0; i < 5; i++) expect((await row(`evt_batch_${i}`))?.payload).toBe(PRUNED_PAYLOAD);
    for (const s of statuses) {
      expect(await row(`evt_new_${s}`)).toEqual({ status: s, payload: body(`evt_new_${s}`) });
    }

    // A second run finds nothing left to do.
    expect(await pruneWebhookInbox({ db, clock }, { batchSize: 2 })).toEqual({
      payloadsPruned: 0,
      deleted: 0,
    });
    // Custom windows: ids of terminal events older than 40 days go too.
    expect(
      await pruneWebhookInbox({ db, clock }, { payloadRetentionDays: 5, idRetentionDays: 40 }),
    ).toEqual({
      payloadsPruned: 2,
      deleted: 2,
    });
    expect(await row("evt_mid_applied")).toBeUndefined();
    expect((await row("evt_new_applied"))?.payload).toBe(PRUNED_PAYLOAD);
    expect((await row("evt_mid_dead"))?.payload).toBe(body("evt_mid_dead"));
  });

  it("still deduplicates a redelivery of an event whose payload was pruned", async () => {
    const { db, clock, receive, row } = await setup();
    await receive("evt_redelivered", "applied", T0);
    clock.set(T0 + 31 * DAY);
    expect(await pruneWebhookInbox({ db, clock })).toEqual({ payloadsPruned: 1, deleted: 0 });

    const [again] = await deliver({ db, clock }, [body("evt_redelivered")]);
    expect(again).toMatchObject({ ok: true, eventId: "evt_redelivered", duplicate: true });
    expect(await row("evt_redelivered")).toEqual({ status: "applied", payload: PRUNED_PAYLOAD });
    expect(await db.select().from(webhookEvents)).toHaveLength(1);
  });

  it("the staff detail says a payload was pruned instead of failing on it", async () => {
    const { db, clock, receive } = await setup();
    await receive("evt_pruned", "applied", T0);
    await receive("evt_kept", "applied", T0 + 20 * DAY);
    clock.set(T0 + 31 * DAY);
    await pruneWebhookInbox({ db, clock });

    expect(await webhookEventById(db, "evt_pruned")).toMatchObject({
      id: "evt_pruned",
      status: "applied",
      payload: null,
      payloadPruned: true,
    });
    expect(await webhookEventById(db, "evt_kept")).toMatchObject({
      payload: JSON.parse(body("evt_kept")) as unknown,
      payloadPruned: false,
    });
  });
});
