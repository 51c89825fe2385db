import { InvalidCursorError } from "@folio/db";
import { sql, type AnyColumn } from "drizzle-orm";
import type { TimelineEntry } from "./timeline.ts";

// The timeline's keyset across sources: entries are ordered by time desc, then source name desc,
// then the source's own id desc; the cursor names the last entry shown.

export interface Cursor {
  a: number;
  s: string;
  i: string | number;
}

export function encode(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decode(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<Cursor>;
    if (
      typeof c.a === "number" &&
      Number.isFinite(c.a) &&
      typeof c.s === "string" &&
      (typeof c.i === "string" || (typeof c.i === "number" && Number.isFinite(c.i)))
    ) {
      return c as Cursor;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Rows of `source` that come after the cursor in timeline order. */
export function pastCursor(cursor: Cursor | null, source: string, at: AnyColumn, id: AnyColumn) {
  if (!cursor) return undefined;
  const t = sql.param(cursor.a);
  if (source > cursor.s) return sql`${at} < ${t}`;
  if (source < cursor.s) return sql`${at} <= ${t}`;
  return sql`(${at} < ${t} or (${at} = ${t} and ${id} < ${sql.param(cursor.i)}))`;
}

export interface Candidate {
  source: string;
  id: string | number;
  entry: TimelineEntry;
}

const compareIds = (a: string | number, b: string | number) =>
  typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1;

/** Whether `c` comes after the cursor's entry in timeline order (`pastCursor`, in memory). */
export function isPastCursor(cursor: Cursor | null, c: Candidate): boolean {
  if (!cursor) return true;
  const at = c.entry.at.getTime();
  if (at !== cursor.a) return at < cursor.a;
  if (c.source !== cursor.s) return c.source < cursor.s;
  return compareIds(c.id, cursor.i) < 0;
}

export function newestFirst(x: Candidate, y: Candidate): number {
  const dt = y.entry.at.getTime() - x.entry.at.getTime();
  if (dt !== 0) return dt;
  if (x.source !== y.source) return x.source < y.source ? 1 : -1;
  return x.id === y.id ? 0 : -compareIds(x.id, y.id);
}
