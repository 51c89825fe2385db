import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type * as React from "react";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";

/**
 * A server-driven table: the server pages, filters and sorts (manual* everywhere), this only
 * renders the rows it was given, a skeleton while loading, and `empty` when there are none.
 */
export function DataTable<TData>({
  columns,
  data,
  getRowId,
  isLoading,
  isStale = false,
  empty,
  loadingRows = 6,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- column value types differ per column.
  columns: ColumnDef<TData, any>[];
  data: TData[];
  getRowId: (row: TData) => string;
  isLoading: boolean;
  /** Rows of the previous view shown while the new one loads: dimmed so they don't pass as it. */
  isStale?: boolean;
  empty: React.ReactNode;
  loadingRows?: number;
}) {
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table is not compiler-memoizable; nothing here relies on memoization of its return.
  const table = useReactTable({
    data,
    columns,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualFiltering: true,
    manualSorting: true,
  });

  return (
    <Table>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id} className="hover:bg-transparent">
            {group.headers.map((header) => (
              <TableHead key={header.id} className="first:pl-4 last:pr-4">
                {header.isPlaceholder
                  ? null
                  : flexRender(header.column.columnDef.header, header.getContext())}
              </TableHead>
            ))}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody
        aria-busy={isLoading || isStale}
        className={isStale ? "opacity-50 transition-opacity" : "transition-opacity"}
      >
        {isLoading ? (
          Array.from({ length: loadingRows }, (_, row) => (
            <TableRow key={row} className="hover:bg-transparent">
              {columns.map((_column, index) => (
                <TableCell key={index} className="first:pl-4 last:pr-4">
                  <Skeleton className="h-4 w-full max-w-32" />
                </TableCell>
              ))}
            </TableRow>
          ))
        ) : table.getRowModel().rows.length === 0 ? (
          <TableRow className="hover:bg-transparent">
            <TableCell colSpan={columns.length} className="p-0 whitespace-normal">
              {empty}
            </TableCell>
          </TableRow>
        ) : (
          table.getRowModel().rows.map((row) => (
            <TableRow key={row.id}>
              {row.getVisibleCells().map((cell) => (
                <TableCell key={cell.id} className="first:pl-4 last:pr-4">
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
