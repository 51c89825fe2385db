import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";
import { LinkIcon } from "lucide-react";
import type * as React from "react";
import { DataTablePagination } from "@/components/data-table/data-table-pagination";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { FIRST_PAGE, invalidCursorMessage, type ListPaging } from "@/lib/list-search";
import { cn } from "@/lib/utils";

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match the library's declaration.
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Classes for the column's header and cells, e.g. `hidden md:table-cell` to drop it on phones. */
    className?: string;
  }
}

/** What a list procedure answers with (`{ items, nextCursor }`) and what React Query adds. */
export interface ListQuery<TData> {
  data: { items: TData[]; nextCursor: string | null } | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isPlaceholderData: boolean;
  refetch: () => unknown;
}

/**
 * A server-paged list: the toolbar, the rows of the page in the URL, and Previous/Next. The server
 * pages, filters and sorts (manual* everywhere); this renders what it answered, with a skeleton
 * while loading, `empty` when there is nothing, an error with a retry, and a way back to page 1
 * when the URL's cursor is refused. Every change of view goes through `onNavigate`, so the URL
 * stays the single source of truth.
 */
export function DataTable<TData>({
  label,
  columns,
  getRowId,
  query,
  search,
  onNavigate,
  toolbar,
  empty,
  errorTitle,
  noun,
  order,
  sorting,
  onSortingChange,
}: {
  /** Accessible name of the table, e.g. "Webhook events". */
  label: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- column value types differ per column.
  columns: ColumnDef<TData, any>[];
  getRowId: (row: TData) => string;
  query: ListQuery<TData>;
  /** The paging part of the URL. */
  search: ListPaging;
  /** Apply a paging change to the URL (spread it over the current search). */
  onNavigate: (patch: Partial<ListPaging>) => void;
  toolbar?: React.ReactNode;
  empty: React.ReactNode;
  errorTitle: string;
  /** What a row is, for the summary: `["event", "events"]`. */
  noun: readonly [one: string, other: string];
  /** The order rows are in, for the summary, e.g. "newest first". */
  order?: string;
  /** The URL's order; columns with `enableSorting: true` get a sort button in their header. */
  sorting?: SortingState;
  onSortingChange?: (sort: { id: string; desc: boolean }) => void;
}) {
  const items = query.data?.items ?? [];
  const currentSorting = sorting ?? [];
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table is not compiler-memoizable; nothing here relies on memoization of its return.
  const table = useReactTable({
    data: items,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualFiltering: true,
    manualSorting: true,
    defaultColumn: { enableSorting: false },
    enableMultiSort: false,
    enableSortingRemoval: false,
    state: { sorting: currentSorting },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(currentSorting) : updater;
      if (next[0]) onSortingChange?.(next[0]);
    },
  });

  const refused = query.isError ? invalidCursorMessage(query.error, search) : null;
  const stale = query.isPlaceholderData;
  const showPagination =
    !query.isPending &&
    refused === null &&
    (query.isError || items.length > 0 || search.cursor !== undefined);

  let body: React.ReactNode;
  if (refused !== null) {
    body = (
      <div role="alert">
        <EmptyState
          icon={LinkIcon}
          title="This page can't be shown"
          description={refused}
          className="m-4 border-0"
          action={
            <Button variant="outline" onClick={() => onNavigate(FIRST_PAGE)}>
              Back to the first page
            </Button>
          }
        />
      </div>
    );
  } else if (query.isError) {
    body = (
      <ErrorState
        title={errorTitle}
        error={query.error}
        onRetry={() => void query.refetch()}
        className="m-4"
      />
    );
  } else {
    body = (
      <Table aria-label={label}>
        <TableHeader>
          {table.getHeaderGroups().map((group) => (
            <TableRow key={group.id} className="hover:bg-transparent">
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <TableHead
                    key={header.id}
                    className={cn("first:pl-4 last:pr-4", header.column.columnDef.meta?.className)}
                    aria-sort={
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined
                    }
                  >
                    {header.isPlaceholder
                      ? null
                      : flexRender(header.column.columnDef.header, header.getContext())}
                  </TableHead>
                );
              })}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody
          aria-busy={query.isPending || stale}
          className={cn("transition-opacity", stale && "opacity-50")}
        >
          {query.isPending ? (
            Array.from({ length: 6 }, (_, row) => (
              <TableRow key={row} className="hover:bg-transparent">
                {table.getVisibleLeafColumns().map((column) => (
                  <TableCell
                    key={column.id}
                    className={cn("first:pl-4 last:pr-4", column.columnDef.meta?.className)}
                  >
                    <Skeleton className="h-4 w-full max-w-32" />
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : items.length === 0 ? (
            <TableRow className="hover:bg-transparent">
              <TableCell colSpan={columns.length} className="p-0 whitespace-normal">
                {empty}
              </TableCell>
            </TableRow>
          ) : (
            table.getRowModel().rows.map((row) => (
              <TableRow key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <TableCell
                    key={cell.id}
                    className={cn("first:pl-4 last:pr-4", cell.column.columnDef.meta?.className)}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </TableCell>
                ))}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
    );
  }

  return (
    <Card className="gap-0 overflow-hidden py-0">
      {toolbar}
      {body}
      {showPagination && (
        <DataTablePagination
          search={search}
          nextCursor={query.data?.nextCursor ?? null}
          itemCount={items.length}
          noun={noun}
          order={order}
          busy={query.isPlaceholderData}
          onNavigate={onNavigate}
        />
      )}
    </Card>
  );
}
