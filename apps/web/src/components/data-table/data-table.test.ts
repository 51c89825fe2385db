import { TRPCClientError } from "@trpc/client";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { DataTable, type ListQuery } from "@/components/data-table/data-table";
import { INVALID_CURSOR_MESSAGE, type ListPaging } from "@/lib/list-search";

// Server-rendered markup of each state (no DOM in these tests): what a person or a screen reader
// would find on the page.

interface Row {
  id: string;
  name: string;
}

const columns = [
  { id: "name", header: "Name", cell: ({ row }: { row: { original: Row } }) => row.original.name },
];

function query(overrides: Partial<ListQuery<Row>>): ListQuery<Row> {
  return {
    data: undefined,
    error: null,
    isPending: false,
    isError: false,
    isPlaceholderData: false,
    refetch: vi.fn(),
    ...overrides,
  };
}

function render(q: ListQuery<Row>, search: ListPaging = {}) {
  return renderToStaticMarkup(
    createElement(DataTable<Row>, {
      label: "Things",
      columns,
      getRowId: (row) => row.id,
      query: q,
      search,
      onNavigate: vi.fn(),
      empty: "Nothing here yet",
      errorTitle: "Things couldn't be loaded",
      noun: ["thing", "things"],
    }),
  );
}

const refusal = (message: string, code: string, httpStatus: number) =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code, httpStatus } } });

describe("DataTable", () => {
  it("shows a busy skeleton while the first page loads", () => {
    const html = render(query({ isPending: true }));
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain('data-slot="skeleton"');
    expect(html).not.toContain("Previous");
  });

  it("shows the rows with the page summary and paging controls", () => {
    const html = render(
      query({ data: { items: [{ id: "1", name: "Alpha" }], nextCursor: "C2" } }),
      { cursor: "C1" },
    );
    expect(html).toContain('aria-label="Things"');
    expect(html).toContain("Alpha");
    expect(html).toContain("Page 2 · 1 thing");
    expect(html).toMatch(/aria-disabled="false"[^>]*>Next/);
  });

  it("shows the empty state without paging on an empty first page", () => {
    const html = render(query({ data: { items: [], nextCursor: null } }));
    expect(html).toContain("Nothing here yet");
    expect(html).not.toContain("Previous");
  });

  it("offers a way back to page 1 when the URL's cursor is refused", () => {
    const html = render(
      query({ isError: true, error: refusal(INVALID_CURSOR_MESSAGE, "BAD_REQUEST", 400) }),
      { cursor: "stale" },
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain(INVALID_CURSOR_MESSAGE);
    expect(html).toContain("Back to the first page");
    expect(html).not.toContain("Try again");
  });

  it("shows other failures with a retry", () => {
    const html = render(
      query({
        isError: true,
        error: refusal("Database unavailable", "INTERNAL_SERVER_ERROR", 500),
      }),
    );
    expect(html).toContain("Things couldn&#x27;t be loaded");
    expect(html).toContain("Try again");
    expect(html).not.toContain("Back to the first page");
  });
});
