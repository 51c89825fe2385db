import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { manualClock } from "@folio/billing";
import { closeDb } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { testEnv } from "../test/helpers.ts";
import { MAX_API_URL_LENGTH, MAX_TRPC_BATCH_SIZE } from "./limits.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});
afterAll(dropTestDatabases);

async function makeApp(env: Record<string, string> = {}, webDistDir?: string) {
  const db = await createTestDb();
  const app = await buildApp({
    env: testEnv(env),
    db,
    clock: manualClock(Date.UTC(2026, 0, 1)),
    webDistDir,
  });
  cleanups.push(
    () => app.close(),
    () => closeDb(db),
  );
  return app;
}

describe("methods on /api", () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await makeApp();
  });

  it.each(["TRACE", "PUT", "DELETE", "PATCH"] as const)(
    "answers %s with 405 and Allow before tRPC runs",
    async (method) => {
      const res = await app.inject({ method, url: "/api/trpc/auth.me" });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD, POST");
      expect(res.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    },
  );

  it("lists the Stripe webhook's one method", async () => {
    const res = await app.inject({ method: "PUT", url: "/api/stripe/webhook" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("POST");
  });

  it("answers OPTIONS with the allowed methods", async () => {
    const res = await app.inject({ method: "OPTIONS", url: "/api/trpc/auth.me" });
    expect(res.statusCode).toBe(204);
    expect(res.headers.allow).toBe("GET, HEAD, POST");
  });

  it("still answers GET queries", async () => {
    const res = await app.inject({ method: "GET", url: "/api/trpc/auth.me" });
    expect(res.statusCode).toBe(200);
  });

  it("refuses URLs over the limit with 414, and batches over the limit with 400", async () => {
    const long = await app.inject(`/api/trpc/auth.me?input=${"x".repeat(MAX_API_URL_LENGTH)}`);
    expect(long.statusCode).toBe(414);

    // The longest names the SPA batches, so the path segment is well over 100 characters.
    const name = "portal.subscription.overview";
    const calls = Array.from({ length: MAX_TRPC_BATCH_SIZE + 1 }, () => name).join(",");
    const tooMany = await app.inject(`/api/trpc/${calls}?batch=1&input={}`);
    expect(tooMany.statusCode).toBe(400);
    const fits = Array.from({ length: MAX_TRPC_BATCH_SIZE }, () => name).join(",");
    const answered = await app.inject(`/api/trpc/${fits}?batch=1&input={}`);
    // Every call is answered (signed out: each is refused on its own), none is cut off.
    expect(answered.json()).toHaveLength(MAX_TRPC_BATCH_SIZE);
  });
});

describe("compression", () => {
  let dist: string;
  const script = `console.log(${JSON.stringify("folio ".repeat(2000))});`;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), "folio-web-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), `<!doctype html><div id="root"></div>`);
    writeFileSync(join(dist, "auth.html"), `<!doctype html><div id="root"></div>`);
    writeFileSync(join(dist, "assets", "app-abc123.js"), script);
    // What apps/web/build/precompress.ts writes beside each asset at build time.
    writeFileSync(join(dist, "assets", "app-abc123.js.br"), brotliCompressSync(script));
    writeFileSync(join(dist, "assets", "app-abc123.js.gz"), gzipSync(script));
    return () => rmSync(dist, { recursive: true, force: true });
  });

  it("sends the precompressed brotli or gzip asset the browser accepts, varying on it", async () => {
    const app = await makeApp({ NODE_ENV: "production" }, dist);
    const br = await app.inject({
      url: "/assets/app-abc123.js",
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await app.inject({
      url: "/assets/app-abc123.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ url: "/assets/app-abc123.js" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it("compresses API responses for browsers that accept it", async () => {
    const app = await makeApp();
    // A batch of refusals is a few kilobytes of JSON without needing any data.
    const calls = Array.from({ length: MAX_TRPC_BATCH_SIZE }, (_, i) => `no.such${i}`).join(",");
    const big = await app.inject({
      url: `/api/trpc/${calls}?batch=1&input={}`,
      headers: { "accept-encoding": "br" },
    });
    expect(big.headers["content-encoding"]).toBe("br");
    const body = brotliDecompressSync(big.rawPayload).toString();
    expect(body.length).toBeGreaterThan(1024);
    expect(big.rawPayload.length).toBeLessThan(body.length / 2);
  });
});
