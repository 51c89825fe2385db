import { z } from "zod";
import { invalidParam } from "./errors.ts";
import { int, obj, parseParams } from "./params.ts";

/**
 * Stripe's search query language, the common subset: clauses `field:value`,
 * `field~"substr"`, `field>n` / `<` / `>=` / `<=`, `-field:value` (negation),
 * `metadata['key']:value`, `field:null`, joined by all-AND or all-OR (Stripe forbids
 * mixing). Values may be quoted with ' or ". Fields are top-level object fields.
 */
interface Clause {
  negate: boolean;
  field: string;
  metadataKey: string | null;
  op: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string;
}

const CLAUSE =
  /^(-)?(metadata\[(?:'([^']+)'|"([^"]+)")\]|[a-z_][a-z0-9_.]*)\s*(>=|<=|:|~|>|<)\s*(?:'([^']*)'|"([^"]*)"|([^\s'"]+))$/i;

export function parseQuery(query: string): { clauses: Clause[]; join: "AND" | "OR" } {
  const parts = query.trim().split(/\s+(AND|OR)\s+/i);
  const joins = new Set(parts.filter((_, i) => i % 2 === 1).map((j) => j.toUpperCase()));
  if (joins.size > 1) {
    throw invalidParam("query", "Search queries cannot mix AND and OR.");
  }
  const clauses = parts
    .filter((_, i) => i % 2 === 0)
    .map((text) => {
      const m = CLAUSE.exec(text.trim());
      if (!m) throw invalidParam("query", `Could not parse the search query near: ${text}`);
      const metadataKey = m[3] ?? m[4] ?? null;
      return {
        negate: m[1] === "-",
        field: metadataKey !== null ? "metadata" : (m[2] ?? ""),
        metadataKey,
        op: (m[5] ?? ":") as Clause["op"],
        value: m[6] ?? m[7] ?? m[8] ?? "",
      };
    });
  return { clauses, join: joins.has("OR") ? "OR" : "AND" };
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function test(object: Record<string, unknown>, c: Clause): boolean {
  let actual: unknown;
  if (c.metadataKey !== null) {
    actual = (object.metadata as Record<string, unknown> | null | undefined)?.[c.metadataKey];
  } else {
    actual = c.field.split(".").reduce<unknown>((cur, key) => {
      if (cur && typeof cur === "object") return (cur as Record<string, unknown>)[key];
      return undefined;
    }, object);
    if (
      actual &&
      typeof actual === "object" &&
      typeof (actual as { id?: unknown }).id === "string"
    ) {
      actual = (actual as { id: string }).id;
    }
  }
  let result: boolean;
  if (c.op === ":") {
    result =
      c.value === "null"
        ? actual === null || actual === undefined
        : asText(actual).toLowerCase() === c.value.toLowerCase();
  } else if (c.op === "~") {
    result = asText(actual).toLowerCase().includes(c.value.toLowerCase());
  } else {
    const a = Number(actual);
    const b = Number(c.value);
    result =
      Number.isFinite(a) &&
      Number.isFinite(b) &&
      (c.op === ">" ? a > b : c.op === "<" ? a < b : c.op === ">=" ? a >= b : a <= b);
  }
  return c.negate ? !result : result;
}

export function matchesQuery(object: object, query: ReturnType<typeof parseQuery>): boolean {
  const record = object as Record<string, unknown>;
  return query.join === "AND"
    ? query.clauses.every((c) => test(record, c))
    : query.clauses.some((c) => test(record, c));
}

const searchSchema = obj({
  query: z.string(),
  limit: int({ min: 1, max: 100 }).optional(),
  page: z.string().optional(),
});

/**
 * A search endpoint over `candidates` (newest first): `search_result` with an opaque
 * `next_page` token.
 */
export function search<T extends object>(
  raw: Record<string, unknown>,
  candidates: (query: ReturnType<typeof parseQuery>) => T[],
  url: string,
): {
  object: "search_result";
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
} {
  const p = parseParams(searchSchema, raw);
  const query = parseQuery(p.query);
  const all = candidates(query).filter((o) => matchesQuery(o, query));
  const offset = p.page ? Number(Buffer.from(p.page, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidParam("page", "Invalid page token.");
  const limit = p.limit ?? 10;
  const data = all.slice(offset, offset + limit);
  const hasMore = offset + limit < all.length;
  return {
    object: "search_result",
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString("base64url") : null,
    url,
  };
}
