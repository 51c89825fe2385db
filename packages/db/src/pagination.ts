import { and, asc, desc, eq, gt, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";

// One keyset pagination for every list that can grow: order by a sort column with the row id as
// tiebreak, fetch `limit + 1` to learn whether a next page exists, and hand back an opaque cursor
// naming the last row shown. Never OFFSET: page 1,000 costs what page 1 costs. The sort column
// must be NOT NULL (a null has no place in the order).

export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  constructor() {
    super("This page link is no longer valid. Start again from the first page.");
  }
}

type SortValue = string | number;
interface Cursor {
  /** Sort value of the last row shown (a Date as epoch ms). */
  s: SortValue;
  /** Its id. */
  i: string | number;
}

const plain = (v: unknown): SortValue => (v instanceof Date ? v.getTime() : (v as SortValue));

export function encodeCursor(sortValue: unknown, id: string | number): string {
  return Buffer.from(JSON.stringify({ s: plain(sortValue), i: id } satisfies Cursor)).toString(
    "base64url",
  );
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<Cursor>;
    const ok = (v: unknown) => typeof v === "string" || (typeof v === "number" && isFinite(v));
    if (c && typeof c === "object" && ok(c.s) && ok(c.i)) return c as Cursor;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface KeysetOptions<Row extends object, Item> {
  /** The column rows are ordered by, the row's key holding its value, and the direction. */
  sort: { column: AnyColumn; key: keyof Row; direction: "asc" | "desc" };
  /** The unique tiebreak (usually the primary key) and the row's key holding it. */
  id: { column: AnyColumn; key: keyof Row };
  cursor?: string | undefined;
  limit: number;
  /** Runs the query with the page's condition (AND it with your filters), order and limit. */
  fetch(page: { after: SQL | undefined; orderBy: SQL[]; limit: number }): Promise<Row[]>;
  map(row: Row): Item;
}

/** One page of a keyset-paginated list. Sort values compare as the column stores them. */
export async function keysetPage<Row extends object, Item>(
  opts: KeysetOptions<Row, Item>,
): Promise<Page<Item>> {
  const { sort, id } = opts;
  const dir = sort.direction === "asc" ? asc : desc;
  const beyond = sort.direction === "asc" ? gt : lt;
  let after: SQL | undefined;
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    // Timestamps are stored as epoch ms: compare with the number as it is. `sql.param` without
    // an encoder keeps Drizzle from passing it through the column's Date mapping.
    const s = sql.param(c.s);
    const i = sql.param(c.i);
    after = or(beyond(sort.column, s), and(eq(sort.column, s), beyond(id.column, i)));
  }
  const rows = await opts.fetch({
    after,
    orderBy: [dir(sort.column), dir(id.column)],
    limit: opts.limit + 1,
  });
  const shown = rows.slice(0, opts.limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map((row) => opts.map(row)),
    nextCursor:
      rows.length > opts.limit && last !== undefined
        ? encodeCursor(last[sort.key], last[id.key] as string | number)
        : null,
  };
}
