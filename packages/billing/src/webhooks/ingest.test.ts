import { webhookEvents } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { ingestWebhook } from "./ingest.ts";
import { signStripePayload, verifyStripeSignature } from "./signature.ts";

const SECRET = "whsec_test_current";
const OLD_SECRET = "whsec_test_previous";
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const nowSec = NOW / 1000;

function eventBody(over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: "evt_1",
    object: "event",
    api_version: "2026-10-28.endive",
    created: nowSec - 5,
    livemode: false,
    type: "customer.created",
    data: { object: { id: "cus_1", object: "customer", email: "a@example.com" } },
    ...over,
  });
}

afterAll(dropTestDatabases);

async function setup() {
  const db = await createTestDb();
  const clock = manualClock(NOW);
  const count = async () => (await db.select().from(webhookEvents)).length;
  return { db, clock, count };
}

describe("verifyStripeSignature", () => {
  const body = eventBody();
  it("accepts a valid v1 signature", () => {
    const header = signStripePayload(body, SECRET, nowSec);
    expect(verifyStripeSignature(body, header, [SECRET], NOW)).toEqual({
      ok: true,
      timestamp: nowSec,
    });
  });

  it.each([
    ["wrong secret", () => signStripePayload(body, "whsec_other", nowSec), "signature_mismatch"],
    [
      "flipped byte in the signature",
      () => {
        const h = signStripePayload(body, SECRET, nowSec);
        const last = h.at(-1) === "0" ? "1" : "0";
        return h.slice(0, -1) + last;
      },
      "signature_mismatch",
    ],
    ["missing header", () => undefined, "missing_header"],
    ["empty header", () => "", "missing_header"],
    [
      "only a v0 signature",
      () => signStripePayload(body, SECRET, nowSec).replace("v1=", "v0="),
      "no_v1_signature",
    ],
    [
      "no timestamp",
      () => signStripePayload(body, SECRET, nowSec).replace(/t=\d+,/, ""),
      "malformed_header",
    ],
    ["garbage", () => "hello", "malformed_header"],
    ["stale timestamp", () => signStripePayload(body, SECRET, nowSec - 301), "timestamp_too_old"],
    [
      "future timestamp",
      () => signStripePayload(body, SECRET, nowSec + 301),
      "timestamp_in_future",
    ],
  ])("rejects %s", (_name, header, reason) => {
    expect(verifyStripeSignature(body, header(), [SECRET], NOW)).toEqual({ ok: false, reason });
  });

  it("rejects a flipped byte in the body and re-serialised JSON", () => {
    const header = signStripePayload(body, SECRET, nowSec);
    const flipped = Buffer.from(body);
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyStripeSignature(flipped, header, [SECRET], NOW).ok).toBe(false);
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect(verifyStripeSignature(reserialised, header, [SECRET], NOW).ok).toBe(false);
  });

  it("accepts within tolerance on both sides", () => {
    for (const t of [nowSec - 300, nowSec + 300]) {
      expect(
        verifyStripeSignature(body, signStripePayload(body, SECRET, t), [SECRET], NOW).ok,
      ).toBe(true);
    }
  });

  it("accepts any of several secrets and any of several v1 signatures (rotation)", () => {
    const signedOld = signStripePayload(body, OLD_SECRET, nowSec);
    expect(verifyStripeSignature(body, signedOld, [SECRET, OLD_SECRET], NOW).ok).toBe(true);
    expect(verifyStripeSignature(body, signedOld, [SECRET], NOW).ok).toBe(false);
    // Stripe sends one v1 per active secret while a rolled secret is still valid.
    const both = `${signedOld},v1=${signStripePayload(body, SECRET, nowSec).split("v1=")[1]}`;
    expect(verifyStripeSignature(body, both, [SECRET], NOW).ok).toBe(true);
  });

  it("rejects everything when no secret is configured", () => {
    const header = signStripePayload(body, SECRET, nowSec);
    expect(verifyStripeSignature(body, header, [], NOW)).toEqual({
      ok: false,
      reason: "no_secret_configured",
    });
  });
});

describe("ingestWebhook", () => {
  it("stores a valid event as pending with its envelope", async () => {
    const { db, clock } = await setup();
    const body = eventBody();
    const res = await ingestWebhook(
      { db, clock },
      {
        rawBody: Buffer.from(body),
        signatureHeader: signStripePayload(body, SECRET, nowSec),
        secrets: [SECRET],
      },
    );
    expect(res).toEqual({ ok: true, eventId: "evt_1", status: "pending", duplicate: false });
    const row = await db.select().from(webhookEvents).get();
    expect(row).toMatchObject({
      id: "evt_1",
      type: "customer.created",
      apiVersion: "2026-10-28.endive",
      created: new Date((nowSec - 5) * 1000),
      livemode: false,
      objectId: "cus_1",
      objectType: "customer",
      status: "pending",
      attempts: 0,
      receivedAt: new Date(NOW),
      nextAttemptAt: new Date(NOW),
      appliedAt: null,
    });
    expect(row?.payload).toBe(body);
  });

  it("acknowledges duplicates without a second row", async () => {
    const { db, clock, count } = await setup();
    const body = eventBody();
    for (let i = 0; i < 4; i++) {
      const res = await ingestWebhook(
        { db, clock },
        // A redelivery is signed afresh: different timestamp, same event.
        {
          rawBody: body,
          signatureHeader: signStripePayload(body, SECRET, nowSec - i),
          secrets: [SECRET],
        },
      );
      expect(res).toMatchObject({ ok: true, duplicate: i > 0 });
    }
    expect(await count()).toBe(1);
  });

  it("records unknown and thin v1 events as ignored", async () => {
    const { db, clock } = await setup();
    const unknown = eventBody({ id: "evt_u", type: "issuing_card.created" });
    const thin = JSON.stringify({
      id: "evt_thin",
      object: "v2.core.event",
      type: "v1.billing.meter.error_report_triggered",
      created: new Date(NOW - 1000).toISOString(),
      livemode: false,
      related_object: { id: "mtr_1", type: "billing.meter", url: "/v1/billing/meters/mtr_1" },
    });
    const lookalike = eventBody({ id: "evt_v1", type: "v1.customer.created" });
    for (const body of [unknown, thin, lookalike]) {
      const res = await ingestWebhook(
        { db, clock },
        {
          rawBody: body,
          signatureHeader: signStripePayload(body, SECRET, nowSec),
          secrets: [SECRET],
        },
      );
      expect(res).toMatchObject({ ok: true, status: "ignored" });
    }
    const rows = await db.select().from(webhookEvents);
    expect(rows.map((r) => [r.id, r.status, r.objectId])).toEqual([
      ["evt_u", "ignored", "cus_1"],
      ["evt_thin", "ignored", "mtr_1"],
      ["evt_v1", "ignored", "cus_1"],
    ]);
    expect(rows[1]?.created).toEqual(new Date(NOW - 1000));
  });

  it("writes nothing for a bad signature, a stale or a future timestamp, or invalid JSON", async () => {
    const { db, clock, count } = await setup();
    const body = eventBody();
    const bad = [
      signStripePayload(body, "whsec_wrong", nowSec),
      signStripePayload(body, SECRET, nowSec - 3600),
      signStripePayload(body, SECRET, nowSec + 3600),
      undefined,
    ];
    for (const header of bad) {
      const res = await ingestWebhook(
        { db, clock },
        { rawBody: body, signatureHeader: header, secrets: [SECRET] },
      );
      expect(res.ok).toBe(false);
    }
    for (const junk of ["not json", "[]", JSON.stringify({ id: "evt_x" })]) {
      const res = await ingestWebhook(
        { db, clock },
        {
          rawBody: junk,
          signatureHeader: signStripePayload(junk, SECRET, nowSec),
          secrets: [SECRET],
        },
      );
      expect(res).toEqual({ ok: false, reason: "invalid_payload" });
    }
    expect(await count()).toBe(0);
  });
});
