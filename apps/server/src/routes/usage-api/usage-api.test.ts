import { readFileSync } from "node:fs";
import {
  addUsageCustomer,
  createApiKey,
  manualClock,
  revokeApiKey,
  seedUsageCatalog,
  subscribeInMirror,
} from "@folio/billing";
import { closeDb, usageEvents, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../../app.ts";
import { insertUser, testEnv } from "../../test/helpers.ts";
import { USAGE_API_BODY_LIMIT } from "./route.ts";
import { OPENAPI_FILE } from "./write-openapi.ts";

const START = new Date(Date.UTC(2026, 4, 1));

let db: Db;
let app: FastifyInstance;
let clock: ReturnType<typeof manualClock>;
let key: string;
let customer: string;
let admin: { type: "staff"; userId: string; role: "admin" };

afterAll(dropTestDatabases);
beforeEach(async () => {
  db = await createTestDb();
  clock = manualClock(START.getTime() + 3_600_000);
  app = await buildApp({ env: testEnv(), db, clock });
  await seedUsageCatalog(db, clock);
  admin = { type: "staff", userId: (await insertUser(db, "admin")).id, role: "admin" };
  customer = await addUsageCustomer(db, clock);
  await subscribeInMirror(db, customer, "blocked", START);
  ({ key } = await createApiKey(
    { db, clock, actor: admin },
    { name: "backend", scopes: ["usage:write", "entitlements:read"] },
  ));
});
afterEach(async () => {
  await app.close();
  await closeDb(db);
});

let n = 0;
const event = (over: Record<string, unknown> = {}) => ({
  customer,
  meter: "tokens",
  quantity: 1,
  idempotencyKey: `i${++n}`,
  ...over,
});
const post = (url: string, payload: unknown, auth: string | null = key) =>
  app.inject({
    method: "POST",
    url,
    payload: payload as object,
    headers: auth === null ? {} : { authorization: `Bearer ${auth}` },
  });
const recorded = async () => (await db.select().from(usageEvents)).length;

describe("POST /api/v1/usage", () => {
  it("records an event once, however often it is sent", async () => {
    const e = event({ quantity: 4, idempotencyKey: "order-1" });
    const first = await post("/api/v1/usage", e);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: "recorded", included: 4, credits: 0, overage: 0 });
    const again = await post("/api/v1/usage", e);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      status: "duplicate",
      eventId: first.json<{ eventId: string }>().eventId,
    });
    expect(await recorded()).toBe(1);
  });

  it("accepts the merchant's external id for the customer", async () => {
    const res = await post("/api/v1/usage", event({ customer: `ext_${customer}` }));
    expect(res.json()).toMatchObject({ status: "recorded", customer });
  });

  const refusals: [string, () => unknown, number, string, string][] = [
    ["unknown customer", () => event({ customer: "nobody" }), 404, "unknown_customer", "customer"],
    ["unknown meter", () => event({ meter: "nope" }), 404, "unknown_meter", "meter"],
    ["negative quantity", () => event({ quantity: -2 }), 400, "invalid", "quantity"],
    ["non-integer quantity", () => event({ quantity: 0.5 }), 400, "invalid", "quantity"],
    [
      "old timestamp",
      () => event({ timestamp: "2026-03-01T00:00:00Z" }),
      400,
      "invalid",
      "timestamp",
    ],
    [
      "future timestamp",
      () => event({ timestamp: "2026-06-01T00:00:00Z" }),
      400,
      "invalid",
      "timestamp",
    ],
    ["over the allowance", () => event({ quantity: 11 }), 402, "limit_reached", "quantity"],
    ["an array body", () => [event()], 400, "invalid", "body"],
  ];
  it.each(refusals)(
    "refuses %s with a clear 4xx naming the field",
    async (_, body, status, code, field) => {
      const res = await post("/api/v1/usage", body());
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ error: { code, field } });
      expect(await recorded()).toBe(0);
    },
  );

  it("refuses a missing, wrong or revoked key, and a key without the scope", async () => {
    expect((await post("/api/v1/usage", event(), null)).statusCode).toBe(401);
    const wrong = await post("/api/v1/usage", event(), "folio_sk_guess");
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({
      error: { field: "authorization", message: "The API key is not valid." },
    });
    const reader = await createApiKey(
      { db, clock, actor: admin },
      { name: "reader", scopes: ["entitlements:read"] },
    );
    expect((await post("/api/v1/usage", event(), reader.key)).statusCode).toBe(403);
    await revokeApiKey({ db, clock, actor: admin }, reader.apiKey.id);
    const revoked = await app.inject({
      method: "GET",
      url: `/api/v1/entitlements/${customer}`,
      headers: { authorization: `Bearer ${reader.key}` },
    });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json<{ error: { message: string } }>().error.message).toMatch(/revoked/);
    expect(await recorded()).toBe(0);
  });

  it("refuses a body over the limit and a body that is not JSON", async () => {
    const big = await post("/api/v1/usage/batch", {
      events: [event({ idempotencyKey: "x".repeat(USAGE_API_BODY_LIMIT) })],
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: { code: "body_too_large", field: "body" } });
    const broken = await app.inject({
      method: "POST",
      url: "/api/v1/usage",
      payload: "{ not json",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: "invalid_json", field: "body" } });
    expect(await recorded()).toBe(0);
  });
});

describe("POST /api/v1/usage/batch", () => {
  it("records the good events and reports each bad one", async () => {
    const res = await post("/api/v1/usage/batch", {
      events: [
        event({ quantity: 3 }),
        event({ meter: "nope" }),
        event({ quantity: -1 }),
        event({ quantity: 2 }),
      ],
    });
    expect(res.statusCode).toBe(200);
    type Result = { status: string; error?: { field: string } };
    const body = res.json<{ results: Result[] }>();
    expect(body).toMatchObject({ recorded: 2, duplicates: 0, rejected: 2 });
    expect(body.results.map((r) => r.error?.field ?? r.status)).toEqual([
      "recorded",
      "meter",
      "quantity",
      "recorded",
    ]);
    expect(await recorded()).toBe(2);
  });

  it("refuses an envelope without events", async () => {
    const res = await post("/api/v1/usage/batch", { events: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { field: "events" } });
  });
});

describe("GET /api/v1/entitlements/:customer", () => {
  it("answers what is left this period and in credits", async () => {
    await post("/api/v1/usage", event({ quantity: 7 }));
    const res = await app.inject({
      method: "GET",
      url: `/api/v1/entitlements/ext_${customer}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ credits: unknown; meters: { meter: string }[] }>();
    const tokens = body.meters.find((m) => m.meter === "tokens");
    expect(body.credits).toEqual({ balance: 0 });
    expect(tokens).toMatchObject({
      included: 10,
      used: 7,
      includedRemaining: 3,
      overage: "blocked",
      periodStart: START.toISOString(),
    });
  });

  it("answers 404 for an unknown customer", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/api/v1/entitlements/nobody",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: "unknown_customer", field: "customer" } });
  });
});

it("serves the OpenAPI document that is committed", async () => {
  const res = await app.inject({ method: "GET", url: "/api/v1/openapi.json" });
  expect(res.statusCode).toBe(200);
  const committed: unknown = JSON.parse(readFileSync(OPENAPI_FILE, "utf8"));
  expect(res.json(), "docs/usage-api.openapi.json is stale: rewrite it (see openapi.ts)").toEqual(
    committed,
  );
});
