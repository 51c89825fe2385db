import { DomainError } from "@folio/billing";
import { z } from "zod";

// Cursor pagination for every list that can grow: fetch `limit + 1`, hand back an opaque cursor
// for the last row shown. Cursors are base64url JSON; clients must not build them.

export const pageInput = z.object({
  limit: z.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(512).optional(),
});

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new DomainError(
      "BAD_REQUEST",
      "This page link is no longer valid. Start again from the first page.",
    );
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Trims the extra row fetched to detect a next page and builds its cursor. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => unknown,
  toItem: (row: Row) => Item,
): Page<Item> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
