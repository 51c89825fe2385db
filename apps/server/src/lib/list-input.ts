import { InvalidCursorError, keysetPage, type KeysetOptions, type Page } from "@folio/db";
import { z } from "zod";

// What every list procedure takes: a page size, the opaque cursor of the page before (from
// `keysetPage` in @folio/db, never built by clients), and the list's own filters and sort.

export const DEFAULT_PAGE_SIZE = 25;

/** Empty filters/sort are allowed, so `list()` with no input is the first page. */
export function listInput<Shape extends z.ZodRawShape>(filters: Shape) {
  return z
    .object({
      limit: z.number().int().min(1).max(100).default(DEFAULT_PAGE_SIZE),
      cursor: z.string().min(1).max(512).optional(),
      ...filters,
    })
    .prefault({} as never);
}

/** A `sort` filter: one of `columns`, ascending or descending, `fallback` when not given. */
export function sortInput<const Column extends string>(
  columns: readonly [Column, ...Column[]],
  fallback: { by: NoInfer<Column>; direction: "asc" | "desc" },
) {
  return z
    .object({ by: z.enum(columns), direction: z.enum(["asc", "desc"]) })
    .default(fallback as never);
}

/**
 * `keysetPage` for a list with a choice of order: the cursor carries the order it was made under
 * (`<by>.<direction>.<cursor>`), so a cursor kept across a change of sort is refused (400, start
 * again) instead of being compared with the wrong column.
 */
export async function sortedKeysetPage<Row extends object, Item>(
  order: { by: string; direction: "asc" | "desc" },
  opts: KeysetOptions<Row, Item>,
): Promise<Page<Item>> {
  const tag = `${order.by}.${order.direction}.`;
  if (opts.cursor !== undefined && !opts.cursor.startsWith(tag)) throw new InvalidCursorError();
  const page = await keysetPage({ ...opts, cursor: opts.cursor?.slice(tag.length) });
  return { ...page, nextCursor: page.nextCursor === null ? null : tag + page.nextCursor };
}

/** `%`-pattern for a LIKE … ESCAPE '\' matching `text` anywhere, wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

/** `%`-pattern for a LIKE … ESCAPE '\' matching values that start with `text`. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, "\\$&")}%`;
}
