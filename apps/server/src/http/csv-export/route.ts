import { Readable } from "node:stream";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { FastifyInstance, FastifyReply } from "fastify";
import { readCookie } from "../../auth/cookies.ts";
import { SESSION_COOKIE, validateSessionToken } from "../../auth/session.ts";
import { actorFor } from "../../context.ts";
import { isExpectedError, toTRPCError } from "../../errors.ts";
import { can } from "../../permissions.ts";
import { csvRow } from "./csv.ts";
import type { CsvExport, ExportContext } from "./define.ts";
import { CSV_EXPORTS } from "./registry.ts";

export const EXPORT_PREFIX = "/api/export";

/** Rows fetched per query: big enough that a million rows is 1,000 queries, small enough to
 * hold a page of any list in memory (the only rows an export ever holds). */
export const EXPORT_PAGE_SIZE = 1_000;

// Excel reads a CSV without a byte-order mark as the machine's legacy code page.
const UTF8_BOM = "\uFEFF";

function refuse(reply: FastifyReply, error: TRPCError) {
  return reply
    .code(getHTTPStatusCodeFromError(error))
    .header("cache-control", "no-store")
    .send({ error: { code: error.code, message: error.message } });
}

function parseInput(exp: CsvExport, raw: unknown): { ok: true; value: unknown } | TRPCError {
  let json: unknown = undefined;
  if (typeof raw === "string") {
    try {
      json = JSON.parse(raw);
    } catch {
      return new TRPCError({ code: "BAD_REQUEST", message: "input: is not valid JSON." });
    }
  } else if (raw !== undefined) {
    return new TRPCError({ code: "BAD_REQUEST", message: "input: give it once, as JSON." });
  }
  const parsed = exp.input.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Worded like the tRPC error formatter, so the list and its export refuse alike.
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  return new TRPCError({
    code: "BAD_REQUEST",
    message: first ? `${where}${first.message}` : "Invalid input.",
  });
}

/** Every page after `first`, fetched only as the client reads (Readable.from pulls lazily). */
async function* csvPages(
  exp: CsvExport,
  ctx: ExportContext,
  input: unknown,
  first: Awaited<ReturnType<CsvExport["fetchPage"]>>,
): AsyncGenerator<string> {
  yield UTF8_BOM + csvRow(exp.columns.map((c) => c.header));
  let page = first;
  for (;;) {
    let chunk = "";
    for (const row of page.items) chunk += csvRow(exp.columns.map((c) => c.value(row)));
    if (chunk) yield chunk;
    if (page.nextCursor === null) return;
    page = await exp.fetchPage(ctx, input, { cursor: page.nextCursor, limit: EXPORT_PAGE_SIZE });
  }
}

/**
 * `GET /api/export/<kind>.csv?input=<the list procedure's input as JSON>`: the rows of a staff
 * list matching its filters, streamed as CSV. Checked like the list procedure (session cookie,
 * the export's permission, the same zod schema); refusals are JSON with a 4xx before any CSV is
 * sent. Exports are declared in registry.ts.
 */
export function csvExportRoutes(
  app: FastifyInstance,
  opts: { exports?: readonly CsvExport[] },
  done: (err?: Error) => void,
): void {
  const byKind = new Map((opts.exports ?? CSV_EXPORTS).map((e) => [e.kind, e]));

  app.get<{ Params: { file: string }; Querystring: { input?: unknown } }>(
    "/:file",
    async (req, reply) => {
      const kind = /^([a-z][a-z0-9-]*)\.csv$/.exec(req.params.file)?.[1];
      const exp = kind ? byKind.get(kind) : undefined;
      if (!exp) {
        return refuse(
          reply,
          new TRPCError({ code: "NOT_FOUND", message: `No export named ${req.params.file}.` }),
        );
      }
      // A download is read-only, but another site should not make a signed-in browser run a
      // million-row query: browsers say where a request came from, and only ours may ask.
      const site = req.headers["sec-fetch-site"];
      if (typeof site === "string" && site !== "same-origin" && site !== "none") {
        return refuse(
          reply,
          new TRPCError({ code: "FORBIDDEN", message: "Exports start from Folio's own pages." }),
        );
      }

      const { db, clock, stripe } = app.folio;
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      const session = token ? await validateSessionToken(db, clock, token) : null;
      if (!session) {
        return refuse(
          reply,
          new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." }),
        );
      }
      const { user } = session;
      if (!can(user.role, exp.permission)) {
        return refuse(
          reply,
          new TRPCError({
            code: "FORBIDDEN",
            message: `Your role (${user.role}) does not allow this (needs ${exp.permission}).`,
          }),
        );
      }
      const actor = actorFor(user, req.ip);
      if (actor.type !== "staff") return refuse(reply, new TRPCError({ code: "FORBIDDEN" }));

      const input = parseInput(exp, req.query.input);
      if (input instanceof TRPCError) return refuse(reply, input);

      // The first page is read before answering, so a refused filter or cursor is still a 4xx.
      const ctx: ExportContext = { db, clock, stripe, actor };
      let first;
      try {
        first = await exp.fetchPage(ctx, input.value, {
          cursor: undefined,
          limit: EXPORT_PAGE_SIZE,
        });
      } catch (err) {
        if (isExpectedError(err)) return refuse(reply, toTRPCError(err));
        throw err;
      }

      const day = clock.now().toISOString().slice(0, 10);
      const body = Readable.from(csvPages(exp, ctx, input.value, first), { highWaterMark: 1 });
      // After the headers are sent a failure can only cut the download short; say why in the log.
      body.on("error", (err) => req.log.error({ err, kind: exp.kind }, "CSV export failed midway"));
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${exp.kind}-${day}.csv"`)
        .header("cache-control", "no-store")
        .send(body);
    },
  );
  done();
}
