import { auditLog, webhookEndpoints } from "@folio/db";
import { dropTestDatabases } from "@folio/db/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { codeOf, insertUser, setup, testEnv } from "../../test/helpers.ts";

afterAll(dropTestDatabases);

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("accepted");
}

describe("admin.outboundWebhooks", () => {
  it("registers an endpoint (secret once, audited) and never lists secrets", async () => {
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const api = caller(admin).admin.outboundWebhooks;
    const created = await api.create({
      url: "http://127.0.0.1:7104/hook",
      eventTypes: ["order.paid", "order.paid", "refund.succeeded"],
    });
    expect(created.secret).toMatch(/^whsec_/);
    const { items } = await api.endpoints({});
    expect(items).toEqual([
      expect.objectContaining({ id: created.id, eventTypes: ["order.paid", "refund.succeeded"] }),
    ]);
    expect(JSON.stringify(items)).not.toContain(created.secret);
    const rotated = await api.rotateSecret({ id: created.id });
    expect(rotated.secret).not.toBe(created.secret);
    const [row] = await db.select().from(webhookEndpoints);
    expect(row!.secret).toBe(rotated.secret);
    const actions = (await db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(["webhook_endpoint.created", "webhook_endpoint.secret_rotated"]);
  });

  it("refuses bad URLs with a 4xx and a clear message, writing nothing", async () => {
    const production = testEnv({ NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_test_123" });
    const { db, caller } = await setup();
    const admin = await insertUser(db, "admin");
    const api = caller(admin, { env: production }).admin.outboundWebhooks;
    expect(
      await refusal(api.create({ url: "ftp://example.com/x", eventTypes: ["order.paid"] })),
    ).toEqual({
      code: "BAD_REQUEST",
      message: "Endpoint URLs must start with https:// (or http://), not ftp://.",
    });
    expect(
      await refusal(
        api.create({ url: "http://169.254.169.254/latest", eventTypes: ["order.paid"] }),
      ),
    ).toEqual({
      code: "BAD_REQUEST",
      message:
        "169.254.169.254 resolves to 169.254.169.254, a private, loopback or link-local address. Endpoints must be reachable on the public internet.",
    });
    expect(await codeOf(api.create({ url: "https://example.com", eventTypes: [] }))).toBe(
      "BAD_REQUEST",
    );
    expect(await db.select().from(webhookEndpoints)).toEqual([]);
  });

  it("is for admins only", async () => {
    const { db, caller } = await setup();
    const support = await insertUser(db, "support");
    expect(await codeOf(caller(support).admin.outboundWebhooks.deliveries({}))).toBe("FORBIDDEN");
    expect(await codeOf(caller(support).admin.jobs.stats())).toBe(null);
    expect(await codeOf(caller(support).admin.jobs.retry({ id: "job_x" }))).toBe("FORBIDDEN");
  });
});
