import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  auditLog,
  webhookDeliveries,
  webhookDeliveryAttempts,
  withTransaction,
  type Db,
} from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { manualClock } from "../clock.ts";
import { scheduleNext } from "../jobs/schedule.ts";
import { startJobWorker } from "../jobs/worker.ts";
import { deliverWebhook, type OutboundJobContext } from "./deliver.ts";
import { deliveryById, listDeliveries, replayDelivery } from "./deliveries.ts";
import { createEndpoint, rotateEndpointSecret, updateEndpoint } from "./endpoints.ts";
import { emitOutboundEvent } from "./events.ts";
import { DELIVERY_RETENTION_MS, pruneWebhookDeliveries } from "./prune.ts";

afterAll(dropTestDatabases);

const T0 = Date.UTC(2026, 0, 1, 12);
const staff = { type: "staff", userId: "usr_admin", role: "admin" } as const;
const silent = { warn: () => {}, error: () => {} };
const MIN = 60_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback answering `status()` (or never, for "hang"). */
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});
async function receiver(status: () => number | "hang") {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      const s = status();
      if (s === "hang") return;
      res.writeHead(s, { "content-type": "text/plain" }).end(s < 300 ? "ok" : "receiver broke");
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/folio`;
  return { url, received, close: () => server.closeAllConnections() };
}

async function setup(opts: { timeoutMs?: number } = {}) {
  const db: Db = await createTestDb();
  const clock = manualClock(T0);
  const ctx: OutboundJobContext = {
    db,
    clock,
    log: silent,
    stripe: null,
    webhookUrls: { allowPrivate: true },
    ...(opts.timeoutMs ? { webhookTimeoutMs: opts.timeoutMs } : {}),
  };
  const worker = startJobWorker(ctx, [deliverWebhook], { autoStart: false });
  const deps = { db, clock, actor: staff, urls: { allowPrivate: true } };
  const emit = (cause: string) =>
    withTransaction(db, (tx) =>
      emitOutboundEvent(
        { db: tx, clock },
        { type: "order.paid", cause, object: { id: cause, object: "order", amount_total: 4200 } },
      ),
    );
  return { db, clock, worker, deps, emit };
}

/** The README's receiver check, written out independently of Folio's own code. */
function verify(header: string, body: string, secret: string, nowSeconds: number): boolean {
  const fields = header.split(",").map((kv) => kv.split("=") as [string, string]);
  const t = Number(fields.find(([k]) => k === "t")?.[1]);
  if (Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return fields.some(([k, v]) => k === "v1" && timingSafeEqual(Buffer.from(v, "hex"), expected));
}

describe("outbound webhook deliveries", () => {
  it("POSTs a signed event that verifies with the documented algorithm, once per event and endpoint", async () => {
    const { db, clock, worker, deps, emit } = await setup();
    const make = await receiver(() => 200);
    const endpoint = await createEndpoint(deps, { url: make.url, eventTypes: ["order.paid"] });
    const other = await createEndpoint(deps, { url: make.url, eventTypes: ["order.shipped"] });
    expect(endpoint.secret).toMatch(/^whsec_/);

    expect(await emit("ord_1")).toBe(1);
    expect(await emit("ord_1")).toBe(0); // the same cause again: nothing new
    expect(await worker.drain()).toMatchObject({ succeeded: 1 });

    expect(make.received).toHaveLength(1);
    const [{ headers, body }] = make.received as [Received];
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(verify(String(headers["folio-signature"]), body, endpoint.secret, now)).toBe(true);
    expect(verify(String(headers["folio-signature"]), body + " ", endpoint.secret, now)).toBe(
      false,
    );
    expect(verify(String(headers["folio-signature"]), body, endpoint.secret, now + 301)).toBe(
      false,
    );
    const event = JSON.parse(body) as { id: string; type: string; data: { object: unknown } };
    expect(event).toMatchObject({ type: "order.paid", data: { object: { id: "ord_1" } } });
    expect(headers["folio-event-id"]).toBe(event.id);

    const log = await listDeliveries(db, { limit: 10 });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      endpointId: endpoint.id,
      status: "succeeded",
      lastStatusCode: 200,
      attempts: 1,
    });
    const detail = await deliveryById(db, log.items[0]!.id);
    expect(detail.attempts).toMatchObject([{ statusCode: 200, error: null, responseBody: "ok" }]);
    expect(detail.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await listDeliveries(db, { endpointId: other.id, limit: 10 })).items).toEqual([]);
    await worker.stop();
  });

  it("signs with both secrets during a rotation's grace period; a replay sends the same event again", async () => {
    const { db, clock, worker, deps, emit } = await setup();
    const make = await receiver(() => 200);
    const { id, secret: old } = await createEndpoint(deps, {
      url: make.url,
      eventTypes: ["order.paid"],
    });
    const rotated = await rotateEndpointSecret(deps, id);
    await emit("ord_2");
    await worker.drain();
    const now = Math.floor(clock.now().getTime() / 1000);
    const first = make.received[0]!;
    expect(verify(String(first.headers["folio-signature"]), first.body, rotated.secret, now)).toBe(
      true,
    );
    expect(verify(String(first.headers["folio-signature"]), first.body, old, now)).toBe(true);

    clock.advance(25 * 3600_000);
    const [delivery] = (await listDeliveries(db, { limit: 1 })).items;
    await replayDelivery(deps, delivery!.id);
    await worker.drain();
    const again = make.received[1]!;
    expect(JSON.parse(again.body)).toEqual(JSON.parse(first.body));
    const later = Math.floor(clock.now().getTime() / 1000);
    expect(verify(String(again.headers["folio-signature"]), again.body, old, later)).toBe(false);
    expect(
      verify(String(again.headers["folio-signature"]), again.body, rotated.secret, later),
    ).toBe(true);
    const actions = (await db.select({ action: auditLog.action }).from(auditLog)).map(
      (a) => a.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "webhook_endpoint.created",
        "webhook_endpoint.secret_rotated",
        "webhook_delivery.replayed",
      ]),
    );
    await worker.stop();
  });

  it("retries an endpoint answering 500 on the documented schedule for three days, then dead-letters", async () => {
    const { db, clock, worker, deps, emit } = await setup();
    const broken = await receiver(() => 500);
    await createEndpoint(deps, { url: broken.url, eventTypes: ["order.paid"] });
    await emit("ord_3");
    const delays: number[] = [];
    for (;;) {
      await worker.drain();
      const [d] = await db.select().from(webhookDeliveries);
      if (d!.status === "dead") break;
      expect(d).toMatchObject({ status: "failing", lastStatusCode: 500 });
      delays.push(d!.nextAttemptAt!.getTime() - clock.now().getTime());
      clock.set(d!.nextAttemptAt!);
    }
    expect(delays.slice(0, 10).map((ms) => ms / MIN)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 480,
    ]);
    expect(delays.slice(9).every((ms) => ms === 480 * MIN)).toBe(true);
    const [dead] = await db.select().from(webhookDeliveries);
    expect(dead!.attempts).toBe(broken.received.length);
    expect(clock.now().getTime() - T0).toBeLessThanOrEqual(3 * 24 * 3600_000);
    expect(clock.now().getTime() + 480 * MIN - T0).toBeGreaterThan(3 * 24 * 3600_000);
    expect(dead!.lastError).toBe("The endpoint answered 500.");
    await worker.stop();
  });

  it("counts a receiver that does not answer in time as a failed attempt", async () => {
    const { db, worker, deps, emit } = await setup({ timeoutMs: 200 });
    const slow = await receiver(() => "hang");
    await createEndpoint(deps, { url: slow.url, eventTypes: ["order.paid"] });
    await emit("ord_4");
    expect(await worker.drain()).toMatchObject({ failed: 1 });
    const [d] = await db.select().from(webhookDeliveries);
    expect(d).toMatchObject({
      status: "failing",
      lastStatusCode: null,
      lastError: "no answer within 200 ms",
    });
    slow.close();
    await worker.stop();
  });

  it("refuses a delivery to a private address when the policy does not allow it, and a disabled endpoint gets nothing", async () => {
    const { db, clock, deps, emit } = await setup();
    const local = await receiver(() => 200);
    const endpoint = await createEndpoint(deps, { url: local.url, eventTypes: ["order.paid"] });
    await emit("ord_5");
    const strict = startJobWorker(
      { db, clock, log: silent, stripe: null, webhookUrls: { allowPrivate: false } },
      [deliverWebhook],
      { autoStart: false },
    );
    expect(await strict.drain()).toMatchObject({ failed: 1 });
    const [d] = await db.select().from(webhookDeliveries);
    expect(d!.lastError).toBe("127.0.0.1 is a private address");
    expect(local.received).toHaveLength(0);
    // A host name is checked as the connection resolves it (a name re-pointed after saving).
    await updateEndpoint(deps, {
      id: endpoint.id,
      url: local.url.replace("127.0.0.1", "localhost"),
    });
    clock.advance(MIN);
    expect(await strict.drain()).toMatchObject({ failed: 1 });
    const [again] = await db.select().from(webhookDeliveries);
    expect(again!.lastError).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a private address$/,
    );
    expect(local.received).toHaveLength(0);

    await updateEndpoint(deps, { id: endpoint.id, enabled: false });
    expect(await emit("ord_6")).toBe(0);
    await strict.stop();
  });

  it("the daily prune deletes finished deliveries past retention with their attempts, keeps the rest", async () => {
    const { db, clock, worker, deps, emit } = await setup();
    const make = await receiver(() => 200);
    await createEndpoint(deps, { url: make.url, eventTypes: ["order.paid"] });
    await emit("ord_old");
    await worker.drain();
    await scheduleNext({ db, clock }, pruneWebhookDeliveries);
    clock.advance(DELIVERY_RETENTION_MS + 60_000);
    await emit("ord_new");
    const ctx: OutboundJobContext = {
      db,
      clock,
      log: silent,
      stripe: null,
      webhookUrls: { allowPrivate: true },
    };
    const daily = startJobWorker(ctx, [deliverWebhook, pruneWebhookDeliveries], {
      autoStart: false,
    });
    await daily.drain();
    const left = await listDeliveries(db, { limit: 10 });
    expect(left.items).toHaveLength(1);
    expect(JSON.stringify(await deliveryById(db, left.items[0]!.id))).toContain("ord_new");
    expect(await db.select().from(webhookDeliveryAttempts)).toHaveLength(1);
    await daily.stop();
    await worker.stop();
  });
});
