import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@folio/billing";
import { closeDb, sessions, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "./app.ts";
import { AUTH_RULES, LoginThrottle } from "./auth/throttle.ts";
import { insertUser, sessionCookieFor, testEnv, TEST_PASSWORD } from "./test/helpers.ts";

const apps: FastifyInstance[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  await Promise.all(dbs.splice(0).map((db) => closeDb(db).catch(() => undefined)));
});
afterAll(dropTestDatabases);

async function testDb(): Promise<Db> {
  const db = await createTestDb();
  dbs.push(db);
  return db;
}

async function makeApp(env: Record<string, string> = {}, webDistDir?: string) {
  const db = await testDb();
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const app = await buildApp({ env: testEnv(env), db, clock, webDistDir });
  apps.push(app);
  return { app, db, clock };
}

const SAME_ORIGIN = { "content-type": "application/json", "sec-fetch-site": "same-origin" };

function post(
  app: FastifyInstance,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: "POST",
    url: `/api/trpc/${path}`,
    headers: { ...SAME_ORIGIN, ...headers },
    payload: JSON.stringify(body),
  });
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith("folio_session="));
  if (!found) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return found;
}

const SIGN_UP = { email: "new@example.com", name: "New Person", password: "long-enough-pw" };

describe("GET /healthz", () => {
  it("answers 200 with db status and version", async () => {
    const { app } = await makeApp();
    const res = await app.inject("/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      db: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown,
    });
  });

  it("answers 503 when the database cannot be queried, and keeps serving", async () => {
    const { app, db } = await makeApp();
    await closeDb(db);
    const res = await app.inject("/healthz");
    expect(res.statusCode).toBe(503);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toMatchObject({ ok: false, db: "down" });
    expect((await app.inject("/api/nope")).statusCode).toBe(404);
  });
});

describe("session cookie over HTTP", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, and not Secure over http", async () => {
    const { app, db } = await makeApp();
    const res = await post(app, "auth.signUp", SIGN_UP);
    expect(res.statusCode).toBe(200);
    const cookie = cookieOf(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^folio_session=[a-z2-7]{32}\.[a-z2-7]{32}; /);
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).toContain("; Path=/");
    expect(cookie).toContain("; Max-Age=2592000");
    expect(cookie).not.toContain("Secure");
    expect(res.headers["cache-control"]).toBe("no-store");

    // The token in the cookie appears nowhere in the database.
    const token = cookie.split(";")[0]?.split("=")[1] ?? "";
    const dump = JSON.stringify(await db.select().from(sessions));
    expect(dump).not.toContain(token.split(".")[1]);
  });

  it("is Secure (and HSTS is sent) when APP_URL is https", async () => {
    const { app } = await makeApp({ APP_URL: "https://billing.example.com" });
    const res = await post(app, "auth.signUp", SIGN_UP);
    expect(cookieOf(res.headers["set-cookie"])).toContain("; Secure");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });

  it("identifies the user, renews when due, and stops working after sign-out", async () => {
    const { app, clock } = await makeApp();
    const signUp = await post(app, "auth.signUp", SIGN_UP);
    const cookie = cookieOf(signUp.headers["set-cookie"]).split(";")[0] ?? "";

    const me = await app.inject({ url: "/api/trpc/auth.me", headers: { cookie } });
    expect(me.json()).toMatchObject({ result: { data: { user: { email: "new@example.com" } } } });
    expect(me.headers["set-cookie"]).toBeUndefined();

    clock.advance(16 * 24 * 60 * 60 * 1000);
    const renewed = await app.inject({ url: "/api/trpc/auth.me", headers: { cookie } });
    expect(cookieOf(renewed.headers["set-cookie"])).toContain(`${cookie};`);
    expect(cookieOf(renewed.headers["set-cookie"])).toContain("Max-Age=2592000");

    const out = await post(app, "auth.signOut", null, { cookie });
    expect(out.statusCode).toBe(200);
    expect(cookieOf(out.headers["set-cookie"])).toMatch(/^folio_session=; .*Max-Age=0/);

    const after = await app.inject({ url: "/api/trpc/auth.me", headers: { cookie } });
    expect(after.json()).toEqual({ result: { data: null } });
    expect(cookieOf(after.headers["set-cookie"])).toContain("Max-Age=0");
  });

  it("treats an expired session as signed out", async () => {
    const { app, db, clock } = await makeApp();
    const user = await insertUser(db, "customer");
    const cookie = await sessionCookieFor(db, clock, user.id);
    clock.advance(31 * 24 * 60 * 60 * 1000);
    const res = await app.inject({ url: "/api/trpc/auth.me", headers: { cookie } });
    expect(res.json()).toEqual({ result: { data: null } });
  });
});

describe("CSRF protection on tRPC", () => {
  it.each([
    ["cross-site Sec-Fetch-Site", { "sec-fetch-site": "cross-site" }],
    ["same-site (sibling subdomain) Sec-Fetch-Site", { "sec-fetch-site": "same-site" }],
    ["a foreign Origin and no Sec-Fetch-Site", { origin: "https://evil.example" }],
    ["neither header", {}],
  ])("refuses a mutation with %s (403, nothing written)", async (_label, headers) => {
    const { app, db } = await makeApp();
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signUp",
      headers: { "content-type": "application/json", ...headers },
      payload: JSON.stringify(SIGN_UP),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { data: { code: "FORBIDDEN", httpStatus: 403 } } });
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("answers batched refusals in tRPC's batch shape", async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signOut,auth.signOut?batch=1",
      headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      payload: JSON.stringify({ 0: null, 1: null }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toHaveLength(2);
  });

  it("answers a cross-site request to a malformed path with 400, not a crash", async () => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signOut%E0%A4%A",
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(res.statusCode).toBe(400);
  });

  it("accepts a matching Origin when Sec-Fetch-Site is absent, and any GET query", async () => {
    const { app } = await makeApp({ APP_URL: "http://localhost:4321" });
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signUp",
      headers: { "content-type": "application/json", origin: "http://localhost:4321" },
      payload: JSON.stringify(SIGN_UP),
    });
    expect(res.statusCode).toBe(200);
    const query = await app.inject({
      url: "/api/trpc/auth.me",
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(query.statusCode).toBe(200);
  });
});

describe("authorization over HTTP", () => {
  it("answers 401 without a session and 403 for a customer on a staff procedure", async () => {
    const { app, db, clock } = await makeApp();
    const admin = await insertUser(db, "admin");
    const customer = await insertUser(db, "customer");
    const input = { userId: admin.id, disabled: true };

    const anonymous = await post(app, "admin.staff.setDisabled", input);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: { data: { code: "UNAUTHORIZED" } } });

    const cookie = await sessionCookieFor(db, clock, customer.id);
    const asCustomer = await post(app, "admin.staff.setDisabled", input, { cookie });
    expect(asCustomer.statusCode).toBe(403);
    expect(asCustomer.json()).toMatchObject({ error: { data: { code: "FORBIDDEN" } } });

    const list = await app.inject({ url: "/api/trpc/admin.staff.list", headers: { cookie } });
    expect(list.statusCode).toBe(403);

    const adminCookie = await sessionCookieFor(db, clock, admin.id);
    const asAdmin = await app.inject({
      url: "/api/trpc/admin.staff.list",
      headers: { cookie: adminCookie },
    });
    expect(asAdmin.statusCode).toBe(200);
  });
});

describe("throttling over HTTP", () => {
  it("answers 429 with Retry-After once one address has guessed 5 times", async () => {
    const { app, db } = await makeApp();
    await insertUser(db, "customer", { email: "victim@example.com" });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await post(app, "auth.signIn", {
        email: "victim@example.com",
        password: `wrong-${i}`,
      });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(last?.headers["retry-after"]).toBe("2");
    expect(last?.json()).toMatchObject({
      error: { data: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 2 } },
    });
    // The right password waits too: it is not checked until the wait is over.
    const right = await post(app, "auth.signIn", {
      email: "victim@example.com",
      password: TEST_PASSWORD,
    });
    expect(right.statusCode).toBe(429);
  });

  it("limits sign-ups per address while each one still takes one step", async () => {
    const { app } = await makeApp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await post(app, "auth.signUp", {
        email: `new${i}@example.com`,
        name: `New ${i}`,
        password: "long-enough-pw",
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe("client IP behind a proxy (TRUST_PROXY)", () => {
  it("keys the per-IP sign-in limit on the address the proxy saw, not one the client wrote", async () => {
    const db = await testDb();
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const loginThrottle = new LoginThrottle(clock, {
      ...AUTH_RULES,
      signInIp: { free: 3, windowMs: 15 * 60_000, firstDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const app = await buildApp({ env: testEnv({ TRUST_PROXY: "true" }), db, clock, loginThrottle });
    apps.push(app);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      // The client sends a made-up X-Forwarded-For; the proxy appends the address it saw.
      const res = await post(
        app,
        "auth.signIn",
        { email: `guess${i}@example.com`, password: "not-the-password" },
        { "x-forwarded-for": `198.51.100.${i}, 203.0.113.9` },
      );
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});

describe("bad input over HTTP", () => {
  it("answers 400 with field errors for invalid fields", async () => {
    const { app } = await makeApp();
    const res = await post(app, "auth.signUp", { email: "nope", name: "", password: "short" });
    expect(res.statusCode).toBe(400);
    const body = res.json<{
      error: { message: string; data: { zodError: { fieldErrors: Record<string, string[]> } } };
    }>();
    expect(Object.keys(body.error.data.zodError.fieldErrors).sort()).toEqual([
      "email",
      "name",
      "password",
    ]);
    expect(body.error.message).toMatch(/^email: /);
  });

  it.each([
    ["a non-object input", "42"],
    ["invalid JSON", "{not json"],
    ["an empty body", ""],
  ])("answers 400 (not 500) for %s", async (_label, payload) => {
    const { app } = await makeApp();
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signIn",
      headers: SAME_ORIGIN,
      payload,
    });
    expect(res.statusCode).toBe(400);
  });

  it.each([
    [
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    ],
    ["application/octet-stream", "abc"],
    ["application/x-www-form-urlencoded", "a=1"],
    ["text/plain", "{}"],
  ])("answers 415 (not 500) for a %s body and runs nothing", async (contentType, payload) => {
    const { app, db, clock } = await makeApp();
    const user = await insertUser(db, "customer");
    const cookie = await sessionCookieFor(db, clock, user.id);
    const res = await app.inject({
      method: "POST",
      url: "/api/trpc/auth.signOut",
      headers: { "sec-fetch-site": "same-origin", "content-type": contentType, cookie },
      payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: { data: { code: "UNSUPPORTED_MEDIA_TYPE" } } });
    expect(await db.select().from(sessions)).toHaveLength(1);
  });

  it("hides an unexpected error's message behind a generic one with the request id", async () => {
    const { app } = await makeApp();
    app.get("/api/test-crash", () => {
      throw new Error("SQLITE_IOERR: disk I/O error at /srv/folio/.data/folio.db");
    });
    app.get("/api/test-refusal", () => {
      throw Object.assign(new Error("That is not allowed here."), { statusCode: 409 });
    });
    const crash = await app.inject("/api/test-crash");
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toMatch(/SQLITE|folio\.db/);
    expect(crash.json()).toEqual({
      error: {
        code: "INTERNAL_SERVER_ERROR",
        message: expect.stringMatching(/request id/) as unknown,
        requestId: crash.headers["x-request-id"],
      },
    });
    const refusal = await app.inject("/api/test-refusal");
    expect(refusal.statusCode).toBe(409);
    expect(refusal.json()).toMatchObject({ message: "That is not allowed here." });
  });

  it("answers 400 for a malformed query input", async () => {
    const { app, db, clock } = await makeApp();
    const admin = await insertUser(db, "admin");
    const res = await app.inject({
      url: `/api/trpc/admin.staff.list?input=${encodeURIComponent("{oops")}`,
      headers: { cookie: await sessionCookieFor(db, clock, admin.id) },
    });
    expect(res.statusCode).toBe(400);
  });

  it("answers JSON 404 for unknown API paths and procedures", async () => {
    const { app } = await makeApp();
    const unknownRoute = await app.inject({ url: "/api/nope", headers: { accept: "text/html" } });
    expect(unknownRoute.statusCode).toBe(404);
    expect(unknownRoute.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const unknownProc = await app.inject("/api/trpc/auth.nothing");
    expect(unknownProc.statusCode).toBe(404);
  });
});

describe("production mode", () => {
  let dist: string;
  const INLINE = "document.documentElement.classList.toggle('dark', false);";

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), "folio-web-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(
      join(dist, "index.html"),
      `<!doctype html><html><head><script>${INLINE}</script><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>`,
    );
    writeFileSync(
      join(dist, "auth.html"),
      `<!doctype html><html><head><script type="module" src="/assets/auth-abc123.js"></script></head><body><div id="root" data-entry="auth"></div></body></html>`,
    );
    writeFileSync(join(dist, "assets", "app-abc123.js"), "console.log('folio');");
    writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  const html = { accept: "text/html,application/xhtml+xml" };

  it("serves the SPA for client routes with security headers", async () => {
    const { app } = await makeApp({ NODE_ENV: "production" }, dist);
    for (const url of ["/", "/admin/orders", "/billing?tab=invoices"]) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain('<div id="root">');
    }
    const res = await app.inject({ url: "/admin", headers: html });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp.match(/script-src[^;]*/)?.[0]).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(res.headers["cache-control"]).toBe("no-cache");
  });

  it("serves the light sign-in entry for the auth pages, and the SPA for the rest", async () => {
    const { app } = await makeApp({ NODE_ENV: "production" }, dist);
    for (const url of ["/sign-in", "/sign-in/", "/sign-up?redirect=%2Fbilling"]) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('data-entry="auth"');
      expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    }
    for (const url of ["/sign-ins", "/billing/sign-in"]) {
      const res = await app.inject({ url, headers: html });
      expect(res.body, url).not.toContain('data-entry="auth"');
    }
  });

  it("serves built files, caching fingerprinted assets for good", async () => {
    const { app } = await makeApp({ NODE_ENV: "production" }, dist);
    const asset = await app.inject("/assets/app-abc123.js");
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe("console.log('folio');");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const icon = await app.inject("/favicon.svg");
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["cache-control"]).toBe("no-cache");
  });

  it("does not answer HTML for API paths, missing assets or non-GET requests", async () => {
    const { app } = await makeApp({ NODE_ENV: "production" }, dist);
    expect((await app.inject("/assets/missing.js")).statusCode).toBe(404);
    const api = await app.inject({ url: "/api/unknown", headers: html });
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-type"]).toMatch(/json/);
    const postPage = await app.inject({ method: "POST", url: "/admin", headers: html });
    expect(postPage.statusCode).toBe(404);
    expect((await app.inject({ url: "/healthz", headers: html })).json()).toMatchObject({
      ok: true,
    });
  });

  it("explains how to build the web app when dist is missing, and keeps the API up", async () => {
    const { app } = await makeApp({ NODE_ENV: "production" }, join(dist, "does-not-exist"));
    const page = await app.inject({ url: "/", headers: html });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain("pnpm --filter @folio/web build");
    expect((await app.inject("/healthz")).statusCode).toBe(200);
  });
});

describe("shutdown", () => {
  it("ends a keep-alive connection whose request was in flight, instead of waiting it out", async () => {
    const { app } = await makeApp();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    app.get("/test/slow", async () => {
      arrived();
      await held;
      return { ok: true };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const answer = new Promise<{ status: number; connection: string | undefined }>((resolve) => {
      http.get({ port, host: "127.0.0.1", path: "/test/slow", agent }, (res) => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode!, connection: res.headers.connection }),
        );
      });
    });
    await inFlight;
    const started = performance.now();
    const closed = app.close();
    // Answered once the server has stopped listening (closing has destroyed idle connections).
    await vi.waitUntil(() => !app.server.listening);
    release();
    expect(await answer).toEqual({ status: 200, connection: "close" });
    await closed;
    // Without "connection: close" the socket stays open and close() waits for the client.
    expect(performance.now() - started).toBeLessThan(5_000);
    agent.destroy();
  });
});
