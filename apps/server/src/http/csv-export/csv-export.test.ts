import { manualClock } from "@folio/billing";
import { auditLog, closeDb, ROLES, type Db } from "@folio/db";
import { createTestDb, dropTestDatabases } from "@folio/db/testing";
import { get, type IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildApp } from "../../app.ts";
import { can } from "../../permissions.ts";
import { insertUser, sessionCookieFor, testEnv } from "../../test/helpers.ts";
import { defineCsvExport } from "./define.ts";
import { CSV_EXPORTS } from "./registry.ts";
import { csvExportRoutes, EXPORT_PAGE_SIZE } from "./route.ts";

const NOW = Date.UTC(2026, 11, 7, 9, 30);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(dropTestDatabases);

async function makeApp(register?: (app: FastifyInstance) => PromiseLike<unknown>) {
  const db: Db = await createTestDb();
  cleanups.push(() => closeDb(db));
  const clock = manualClock(NOW);
  const app = await buildApp({ env: testEnv(), db, clock });
  await register?.(app);
  cleanups.push(() => app.close());
  const cookieFor = async (role: (typeof ROLES)[number]) =>
    sessionCookieFor(db, clock, (await insertUser(db, role)).id);
  return { app, db, clock, cookieFor };
}

/** Splits RFC 4180 text into records (quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ",") {
      row.push(cell);
      cell = "";
    } else if (!quoted && ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else {
      cell += ch;
    }
  }
  return rows;
}

const auditUrl = (input?: unknown) =>
  `/api/export/audit.csv${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

describe("GET /api/export/audit.csv", () => {
  it("streams every matching row across pages, escaped, newest first, as a dated attachment", async () => {
    const { app, db, cookieFor } = await makeApp();
    const cookie = await cookieFor("admin");
    const total = EXPORT_PAGE_SIZE * 2 + 7;
    const rows = Array.from({ length: total }, (_, i) => ({
      actorType: "operator" as const,
      actorId: "ops",
      action: "bulk.row",
      target: `row:${i}`,
      reason: null,
      // Pairs share a millisecond: page boundaries must fall between equal times too.
      at: new Date(NOW - 1_000_000 + Math.floor(i / 2)),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db.insert(auditLog).values(rows.slice(i, i + 500));
    await db.insert(auditLog).values({
      actorType: "operator",
      actorId: "ops",
      action: "tricky.row",
      target: "user:=cmd|' /C calc'!A0",
      before: { note: 'say "hi", twice' },
      after: null,
      reason: "line one\nline two, with a comma",
      ip: "@evil",
      at: new Date(NOW),
    });

    const res = await app.inject({ url: auditUrl(), headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="audit-2026-12-07.csv"');
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body.startsWith("\uFEFFTime (UTC),Actor type,")).toBe(true);

    const [header, first, ...rest] = parseCsv(res.body.slice(1));
    expect(header).toHaveLength(11);
    expect(first).toEqual([
      new Date(NOW).toISOString(),
      "operator",
      "ops",
      "",
      "",
      "tricky.row",
      "user:=cmd|' /C calc'!A0",
      '{"note":"say \\"hi\\", twice"}',
      "",
      "line one\nline two, with a comma",
      "'@evil",
    ]);
    // Every bulk row exactly once, in the list's order (time desc, then id desc).
    expect(rest).toHaveLength(total);
    expect(new Set(rest.map((r) => r[6])).size).toBe(total);
    expect(rest[0]![6]).toBe(`row:${total - 1}`);
    expect(rest.at(-1)![6]).toBe("row:0");

    // The same filters as the list.
    const filtered = await app.inject({
      url: auditUrl({ action: "tricky.*" }),
      headers: { cookie },
    });
    expect(parseCsv(filtered.body.slice(1)).map((r) => r[5])).toEqual(["Action", "tricky.row"]);
  });

  it("refuses bad filters with a 400 that says what is wrong, before any CSV", async () => {
    const { app, cookieFor } = await makeApp();
    const cookie = await cookieFor("admin");
    const cases: [string, RegExp][] = [
      [auditUrl({ from: "last week" }), /^from: Use a date like 2026-12-31\.$/],
      [auditUrl({ from: "2026-02-01", to: "2026-01-01" }), /starts \(2026-02-01\) after it ends/],
      [auditUrl({ actorType: "robot" }), /^actorType: /],
      ["/api/export/audit.csv?input=%7Bnot-json", /^input: is not valid JSON\.$/],
      ["/api/export/audit.csv?input=1&input=2", /^input: give it once/],
    ];
    for (const [url, message] of cases) {
      const res = await app.inject({ url, headers: { cookie } });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(message);
    }
    expect(
      (await app.inject({ url: "/api/export/nope.csv", headers: { cookie } })).statusCode,
    ).toBe(404);
  });

  it("needs a session, the export's permission, and a request from Folio's own pages", async () => {
    const { app, cookieFor } = await makeApp();
    expect((await app.inject({ url: auditUrl() })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: auditUrl(), headers: { cookie: "folio_session=a.b" } })).statusCode,
    ).toBe(401);
    const admin = await cookieFor("admin");
    const crossSite = await app.inject({
      url: auditUrl(),
      headers: { cookie: admin, "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.statusCode).toBe(403);
    const typedIn = await app.inject({
      url: auditUrl(),
      headers: { cookie: admin, "sec-fetch-site": "none" },
    });
    expect(typedIn.statusCode).toBe(200);
  });

  // Every registered export, every role, exactly as the one matrix says.
  const cases = CSV_EXPORTS.flatMap((exp) =>
    ROLES.map((role) => ({ kind: exp.kind, role, allowed: can(role, exp.permission) })),
  );
  it.each(cases)("$kind export for $role: allowed $allowed", async ({ kind, role, allowed }) => {
    const { app, cookieFor } = await makeApp();
    const res = await app.inject({
      url: `/api/export/${kind}.csv`,
      headers: { cookie: await cookieFor(role) },
    });
    expect(res.statusCode).toBe(allowed ? 200 : 403);
  });

  it("declares each kind once, with a URL-safe name", () => {
    const kinds = CSV_EXPORTS.map((e) => e.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const kind of kinds) expect(kind).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});

describe("streaming a million rows", () => {
  const TOTAL = 1_000_000;
  // ~80 bytes a row, so the socket's buffers (a few MB) hold a small part of the 80 MB.
  const PAD = " ".repeat(50);
  let fetched = 0;
  // A keyset "table" of TOTAL generated rows: the cursor is the last id shown.
  const million = defineCsvExport<{ limit: number }, { id: number; note: string }>({
    kind: "million",
    permission: "audit.read",
    input: z.object({ limit: z.number().default(25) }).prefault({}),
    columns: [
      { header: "id", value: (r) => r.id },
      { header: "note", value: (r) => r.note },
    ],
    fetchPage: (_ctx, _input, { cursor, limit }) => {
      fetched += 1;
      const start = cursor === undefined ? 0 : Number(cursor) + 1;
      const end = Math.min(TOTAL, start + limit);
      const items = [];
      for (let id = start; id < end; id++) items.push({ id, note: `row ${id}, "quoted"${PAD}` });
      return Promise.resolve({ items, nextCursor: end < TOTAL ? String(end - 1) : null });
    },
  });

  it("fetches pages only as fast as the client reads them, and sends every row", async () => {
    const { app, cookieFor } = await makeApp((app) =>
      app.register(csvExportRoutes, { exports: [million], prefix: "/test-export" }),
    );
    const cookie = await cookieFor("admin");
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    // node:http, not fetch: its response is a plain Readable we can pause.
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${address}/test-export/million.csv`, { headers: { cookie } }, resolve).on(
        "error",
        reject,
      ),
    );
    expect(res.statusCode).toBe(200);
    const decoder = new TextDecoder();
    let lines = 0;
    let lastLine = "";
    let tail = "";
    // Reported, not asserted (GC timing varies): the heap while 80 MB pass through.
    const heapAtStart = process.memoryUsage().heapUsed;
    let heapPeak = heapAtStart;
    const take = (bytes: Buffer) => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      const parts = (tail + decoder.decode(bytes, { stream: true })).split("\r\n");
      tail = parts.pop()!;
      lines += parts.length;
      if (parts.length > 0) lastLine = parts.at(-1)!;
    };
    res.pause();

    // The client stops reading. Once the socket's buffers are full the server stops fetching:
    // wait until the count holds still, then check it is a small part of the whole.
    let last = -1;
    for (let still = 0; still < 5;) {
      await new Promise((r) => setTimeout(r, 50));
      still = fetched === last ? still + 1 : 0;
      last = fetched;
    }
    const pages = TOTAL / EXPORT_PAGE_SIZE;
    console.info(`paused client: ${fetched} of ${pages} pages fetched`);
    expect(fetched).toBeLessThan(pages / 2);

    // Reading on delivers all of it, in order.
    for await (const chunk of res) take(chunk as Buffer);
    console.info(
      `1M rows streamed; heap grew at most ${((heapPeak - heapAtStart) / 2 ** 20).toFixed(1)} MB`,
    );
    expect(fetched).toBe(pages);
    expect(tail).toBe("");
    expect(lines).toBe(TOTAL + 1);
    expect(lastLine).toBe(`${TOTAL - 1},"row ${TOTAL - 1}, ""quoted""${PAD}"`);
  }, 120_000);
});
