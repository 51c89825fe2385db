import { errorInfo } from "@/lib/errors";
import { listOf, oneOf, text, type Parsed, type SearchParser } from "@/lib/search-params";

// Every server-paged list keeps its whole view in the URL, so a reload or a shared link shows the
// same page: the page size, the opaque cursor of the page shown, the cursors of the pages before
// it (the server only answers `nextCursor`, so "Previous" needs them), the list's filters and,
// where it has one, its order. URL values are untrusted: anything invalid falls back to the
// default instead of failing the page.

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 25;

/** How far "Previous" can walk back; older steps are forgotten so URLs stay a sensible length. */
export const MAX_BACK = 20;

/** Shown when the server refuses a cursor without saying why in words. */
export const INVALID_CURSOR_MESSAGE =
  "This page link is no longer valid. Start again from the first page.";

export type SortDirection = "asc" | "desc";

/** The paging part of a list's URL; every list route's search includes it. */
export interface ListPaging {
  /** Rows per page; absent means DEFAULT_PAGE_SIZE. */
  size?: PageSize;
  /** Opaque cursor of the page shown, exactly as the server returned it; absent on page 1. */
  cursor?: string;
  /** Cursors of the pages between page 1 and this one, oldest first. */
  back?: string[];
}

/** A change of page: keys present but undefined are removed when spread over the search. */
export interface PagingPatch {
  size?: PageSize | undefined;
  cursor: string | undefined;
  back: string[] | undefined;
}

const parseCursor = text({ min: 1, max: 512 }); // the server's own limit
const parseBack = listOf(parseCursor);
const parseSize = oneOf(PAGE_SIZES);

// ---------------------------------------------------------------------------------------------
// Moving between pages (the same for every list)

export const FIRST_PAGE = { cursor: undefined, back: undefined } as const;

export function nextPage(search: ListPaging, nextCursor: string): PagingPatch {
  const back =
    search.cursor === undefined ? [] : [...(search.back ?? []), search.cursor].slice(-MAX_BACK);
  return { cursor: nextCursor, back: back.length > 0 ? back : undefined };
}

/** One page back; without a recorded trail (a hand-edited URL) that is the first page. */
export function previousPage(search: ListPaging): PagingPatch {
  const back = search.back ?? [];
  return {
    cursor: back.at(-1),
    back: back.length > 1 ? back.slice(0, -1) : undefined,
  };
}

/** A new page size starts again from page 1: the trail was recorded for the old size. */
export function withPageSize(size: PageSize): PagingPatch {
  return { size, ...FIRST_PAGE };
}

export function pageSizeOf(search: ListPaging): PageSize {
  return search.size ?? DEFAULT_PAGE_SIZE;
}

/** 1-based page number, or null once the trail is longer than the URL keeps. */
export function pageNumberOf(search: ListPaging): number | null {
  if (search.cursor === undefined) return 1;
  const back = search.back?.length ?? 0;
  return back >= MAX_BACK ? null : back + 2;
}

/**
 * The message to show when the server refused the page's cursor (400 BAD_REQUEST: expired,
 * tampered with, or made under another sort), or null when the failure is something else.
 */
export function invalidCursorMessage(error: unknown, search: ListPaging): string | null {
  if (search.cursor === undefined) return null;
  const info = errorInfo(error);
  if (info.code !== "BAD_REQUEST" || info.formErrors.length > 0) return null;
  const fields = Object.keys(info.fieldErrors);
  if (fields.some((field) => field !== "cursor")) return null;
  // Zod's wording is for developers; a refusal without field errors is the server's own sentence.
  return fields.length === 0 ? info.message : INVALID_CURSOR_MESSAGE;
}

// ---------------------------------------------------------------------------------------------
// One list's search params

type Shape = Record<string, SearchParser<unknown>>;
type Empty = Record<never, never>;
type Values<S extends Shape> = { [K in keyof S]?: Parsed<S[K]> };

export type SortValue<C extends string> = `${C}.${SortDirection}`;

/** The typed search params of a list route. */
export type ListSearch<
  F extends Shape,
  P extends Shape = Empty,
  C extends string = never,
> = ListPaging & Values<F> & Values<P> & ([C] extends [never] ? Empty : { sort?: SortValue<C> });

/** What the list procedure takes: `{ limit, cursor?, ...filters, sort? }`. */
export type ListQueryInput<F extends Shape, C extends string = never> = {
  limit: number;
  cursor?: string;
} & Values<F> &
  ([C] extends [never] ? Empty : { sort: { by: C; direction: SortDirection } });

const RESERVED = new Set(["size", "cursor", "back", "sort"]);

/**
 * Describes one list's URL: `filters` decide which rows are listed (changing one goes back to
 * page 1), `params` are other view state kept in the URL (an open detail panel), `sort` the
 * columns the server can order by. Use `parse` as the route's `validateSearch` and navigate
 * with the helpers, which always produce the canonical (shortest) search.
 */
export function defineListSearch<
  F extends Shape,
  P extends Shape = Empty,
  const C extends string = never,
>(options: {
  filters: F;
  params?: P;
  sort?: { columns: readonly [C, ...C[]]; default: SortValue<NoInfer<C>> };
}) {
  type Search = ListSearch<F, P, C>;
  const filters = Object.entries(options.filters);
  const params = Object.entries(options.params ?? {});
  for (const [key] of [...filters, ...params]) {
    if (RESERVED.has(key)) throw new Error(`"${key}" is reserved for paging and sorting`);
  }
  const sortConfig = options.sort;
  const parseSort = sortConfig
    ? oneOf(sortConfig.columns.flatMap((c) => [`${c}.asc`, `${c}.desc`]))
    : undefined;

  function pickValid(
    out: Record<string, unknown>,
    entries: [string, SearchParser<unknown>][],
    raw: object,
  ) {
    for (const [key, parseValue] of entries) {
      const value = parseValue((raw as Record<string, unknown>)[key]);
      if (value !== undefined && value !== "") out[key] = value;
    }
  }

  /** Validates untrusted URL values; anything invalid or equal to its default is left out. */
  function parse(raw: Record<string, unknown>): Search {
    const out: Record<string, unknown> = {};
    pickValid(out, filters, raw);
    pickValid(out, params, raw);
    if (sortConfig && parseSort) {
      const sort = parseSort(raw.sort);
      if (sort !== undefined && sort !== sortConfig.default) out.sort = sort;
    }
    const size = parseSize(raw.size);
    if (size !== undefined && size !== DEFAULT_PAGE_SIZE) out.size = size;
    const cursor = parseCursor(raw.cursor);
    if (cursor !== undefined) {
      out.cursor = cursor;
      // A trail means nothing without the page it leads to.
      const back = parseBack(raw.back);
      if (back !== undefined) out.back = back.slice(-MAX_BACK);
    }
    return out as Search;
  }

  /** The canonical form of a search: what `navigate` should be given and the URL will hold. */
  function serialize(search: Search): Search {
    return parse(search);
  }

  /** `search` with `patch` applied (undefined removes a key), in canonical form. */
  function apply(search: Search, patch: Partial<Search>): Search {
    return serialize({ ...search, ...patch });
  }

  function sortOf(search: Search): { by: C; direction: SortDirection } | undefined {
    if (!sortConfig) return undefined;
    const value = (search as { sort?: string }).sort ?? sortConfig.default;
    const dot = value.lastIndexOf(".");
    return { by: value.slice(0, dot) as C, direction: value.slice(dot + 1) as SortDirection };
  }

  return {
    parse,
    serialize,
    apply,

    /** Filters changed: back to page 1, since the trail belongs to the old filters. */
    withFilters(search: Search, patch: Values<F>): Search {
      return apply(search, { ...patch, ...FIRST_PAGE });
    },

    clearFilters(search: Search): Search {
      const cleared = Object.fromEntries(filters.map(([key]) => [key, undefined]));
      return apply(search, { ...cleared, ...FIRST_PAGE });
    },

    hasFilters(search: Search): boolean {
      return filters.some(([key]) => (search as Record<string, unknown>)[key] !== undefined);
    },

    sortOf,

    /** The order as TanStack Table's sorting state (empty for a list without a sort). */
    sortingOf(search: Search): { id: string; desc: boolean }[] {
      const sort = sortOf(search);
      return sort ? [{ id: sort.by, desc: sort.direction === "desc" }] : [];
    },

    /** A new order starts again from page 1 (the server refuses cursors made under another). */
    withSort(search: Search, sorting: { id: string; desc: boolean }): Search {
      const sort = `${sorting.id}.${sorting.desc ? "desc" : "asc"}`;
      if (parseSort?.(sort) === undefined) return serialize(search);
      return apply(search, { sort, ...FIRST_PAGE } as Partial<Search>);
    },

    /** The list procedure's input for this view. */
    queryInput(search: Search): ListQueryInput<F, C> {
      const input: Record<string, unknown> = { limit: pageSizeOf(search) };
      if (search.cursor !== undefined) input.cursor = search.cursor;
      for (const [key] of filters) {
        const value = (search as Record<string, unknown>)[key];
        if (value !== undefined) input[key] = value;
      }
      const sort = sortOf(search);
      if (sort) input.sort = sort;
      return input as ListQueryInput<F, C>;
    },
  };
}
