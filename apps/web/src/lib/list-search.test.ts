import { defaultParseSearch, defaultStringifySearch } from "@tanstack/react-router";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import {
  defineListSearch,
  FIRST_PAGE,
  INVALID_CURSOR_MESSAGE,
  invalidCursorMessage,
  MAX_BACK,
  nextPage,
  pageNumberOf,
  pageSizeOf,
  previousPage,
  withPageSize,
} from "@/lib/list-search";
import { flag, oneOf, text } from "@/lib/search-params";

const list = defineListSearch({
  filters: {
    role: oneOf(["admin", "support"]),
    disabled: flag,
    search: text({ max: 100 }),
  },
  params: { open: text({ min: 1 }) },
  sort: { columns: ["createdAt", "email"], default: "createdAt.asc" },
});
type Search = ReturnType<typeof list.parse>;

/** What the router does with a search object: to a URL query string and back. */
function throughUrl(search: Search): Search {
  return list.parse(defaultParseSearch(defaultStringifySearch(search)));
}

describe("list search params", () => {
  it("survive a round trip through the URL", () => {
    const search: Search = {
      role: "admin",
      disabled: false,
      search: "123", // looks like a number in a URL
      open: "usr_1",
      sort: "email.desc",
      size: 50,
      cursor: "email.desc.eyJzIjoiYUBiLmMiLCJpIjoidXNyXzEifQ",
      back: ["email.desc.AAA", "email.desc.BBB"],
    };
    expect(list.serialize(search)).toEqual(search);
    expect(throughUrl(search)).toEqual(search);
  });

  it("leave defaults out, so page 1 of the default view is a bare URL", () => {
    const search = list.serialize({ size: 25, sort: "createdAt.asc", search: "" });
    expect(search).toEqual({});
    expect(defaultStringifySearch(search)).toBe("");
  });

  it("fall back to defaults for values the URL should never hold", () => {
    expect(
      list.parse({
        role: "owner",
        disabled: "maybe",
        search: "x".repeat(101),
        open: "",
        sort: "password.asc",
        size: 7,
        cursor: 42,
        back: "not-a-list",
      }),
    ).toEqual({});
    expect(list.parse({ cursor: "x".repeat(513) })).toEqual({});
    expect(list.parse({ size: "100" })).toEqual({ size: 100 });
  });

  it("drop a trail without the page it leads to, and keep at most MAX_BACK steps", () => {
    expect(list.parse({ back: ["A"] })).toEqual({});
    expect(list.parse({ cursor: "C", back: ["A", 5] })).toEqual({ cursor: "C" });
    const long = Array.from({ length: MAX_BACK + 5 }, (_, i) => `c${i}`);
    expect(list.parse({ cursor: "C", back: long }).back).toEqual(long.slice(-MAX_BACK));
  });

  it("turn into the list procedure's input", () => {
    expect(list.queryInput({})).toEqual({ limit: 25, sort: { by: "createdAt", direction: "asc" } });
    expect(
      list.queryInput({
        role: "support",
        disabled: true,
        sort: "email.desc",
        size: 10,
        cursor: "C",
        back: ["B"],
        open: "x",
      }),
    ).toEqual({
      limit: 10,
      cursor: "C",
      role: "support",
      disabled: true,
      sort: { by: "email", direction: "desc" },
    });
  });

  it("refuse filter names that would clash with paging", () => {
    expect(() => defineListSearch({ filters: { cursor: text() } })).toThrow(/reserved/);
  });
});

describe("moving between pages", () => {
  it("walks forward and back through the previous-cursor stack", () => {
    let search: Search = { role: "admin" };
    expect(pageNumberOf(search)).toBe(1);

    search = list.apply(search, nextPage(search, "P2"));
    expect(search).toEqual({ role: "admin", cursor: "P2" });
    expect(pageNumberOf(search)).toBe(2);

    search = list.apply(search, nextPage(search, "P3"));
    search = list.apply(search, nextPage(search, "P4"));
    expect(search).toEqual({ role: "admin", cursor: "P4", back: ["P2", "P3"] });
    expect(pageNumberOf(search)).toBe(4);
    expect(throughUrl(search)).toEqual(search);

    search = list.apply(search, previousPage(search));
    expect(search).toEqual({ role: "admin", cursor: "P3", back: ["P2"] });
    search = list.apply(search, previousPage(search));
    expect(search).toEqual({ role: "admin", cursor: "P2" });
    search = list.apply(search, previousPage(search));
    expect(search).toEqual({ role: "admin" });
    expect(pageNumberOf(search)).toBe(1);
  });

  it("forgets the oldest steps beyond MAX_BACK and stops claiming a page number", () => {
    let search: Search = {};
    for (let page = 2; page <= MAX_BACK + 4; page++) {
      search = list.apply(search, nextPage(search, `P${page}`));
    }
    expect(search.back).toHaveLength(MAX_BACK);
    expect(search.back?.at(-1)).toBe(`P${MAX_BACK + 3}`);
    expect(pageNumberOf(search)).toBeNull();
  });

  it("goes to page 1 on Previous when the URL has a cursor but no trail", () => {
    expect(list.apply({ cursor: "P7" }, previousPage({ cursor: "P7" }))).toEqual({});
  });

  it("starts again from page 1 when filters, sort or page size change", () => {
    const deep: Search = { role: "admin", size: 50, cursor: "P3", back: ["P2"], open: "u1" };
    expect(list.withFilters(deep, { role: "support" })).toEqual({
      role: "support",
      size: 50,
      open: "u1",
    });
    expect(list.withFilters(deep, { role: undefined })).toEqual({ size: 50, open: "u1" });
    expect(list.clearFilters({ ...deep, search: "dana", disabled: true })).toEqual({
      size: 50,
      open: "u1",
    });
    expect(list.withSort(deep, { id: "email", desc: true })).toEqual({
      role: "admin",
      size: 50,
      open: "u1",
      sort: "email.desc",
    });
    expect(list.apply(deep, withPageSize(10))).toEqual({ role: "admin", size: 10, open: "u1" });
    expect(list.apply(deep, FIRST_PAGE)).toEqual({ role: "admin", size: 50, open: "u1" });
    expect(pageSizeOf(list.apply(deep, withPageSize(25)))).toBe(25);
  });

  it("ignores a sort on a column the server cannot order by", () => {
    const search: Search = { cursor: "P2" };
    expect(list.withSort(search, { id: "name", desc: false })).toEqual(search);
    expect(list.sortingOf({ sort: "email.desc" })).toEqual([{ id: "email", desc: true }]);
    expect(list.sortingOf({})).toEqual([{ id: "createdAt", desc: false }]);
  });

  it("knows whether any filter is set", () => {
    expect(list.hasFilters({ open: "x", cursor: "P2" })).toBe(false);
    expect(list.hasFilters({ disabled: false })).toBe(true);
  });
});

describe("invalidCursorMessage", () => {
  const refusal = (message: string, data: Record<string, unknown>) =>
    TRPCClientError.from({ error: { code: -32600, message, data } });
  const expired = refusal(INVALID_CURSOR_MESSAGE, { code: "BAD_REQUEST", httpStatus: 400 });

  it("recognises the server refusing the page's cursor", () => {
    expect(invalidCursorMessage(expired, { cursor: "P2" })).toBe(INVALID_CURSOR_MESSAGE);
    const tooLong = refusal("[zod says cursor too long]", {
      code: "BAD_REQUEST",
      httpStatus: 400,
      zodError: { formErrors: [], fieldErrors: { cursor: ["Too big"] } },
    });
    expect(invalidCursorMessage(tooLong, { cursor: "P2" })).toBe(INVALID_CURSOR_MESSAGE);
  });

  it("leaves other failures to the ordinary error state", () => {
    expect(invalidCursorMessage(expired, {})).toBeNull();
    const badFilter = refusal("role: Invalid option", {
      code: "BAD_REQUEST",
      httpStatus: 400,
      zodError: { formErrors: [], fieldErrors: { role: ["Invalid option"] } },
    });
    expect(invalidCursorMessage(badFilter, { cursor: "P2" })).toBeNull();
    const forbidden = refusal("No.", { code: "FORBIDDEN", httpStatus: 403 });
    expect(invalidCursorMessage(forbidden, { cursor: "P2" })).toBeNull();
    expect(invalidCursorMessage(new TypeError("Failed to fetch"), { cursor: "P2" })).toBeNull();
  });
});

describe("a list without sort or params", () => {
  const plain = defineListSearch({ filters: { status: oneOf(["dead", "applied"]) } });

  it("has no sort in its URL or its query input", () => {
    expect(plain.parse({ status: "dead", sort: "createdAt.asc", event: "e" })).toEqual({
      status: "dead",
    });
    expect(plain.queryInput({ status: "dead" })).toEqual({ limit: 25, status: "dead" });
    expect(plain.sortingOf({})).toEqual([]);
  });
});
