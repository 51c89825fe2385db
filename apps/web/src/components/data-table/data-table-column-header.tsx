import type { Column } from "@tanstack/react-table";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/**
 * A column title that sorts the list when the server can order by that column
 * (`enableSorting: true` on the column); otherwise just the title. The table puts `aria-sort` on
 * the header cell, so the button only has to say what pressing it does.
 */
export function DataTableColumnHeader<TData, TValue>({
  column,
  title,
  className,
}: {
  column: Column<TData, TValue>;
  title: string;
  className?: string;
}) {
  if (!column.getCanSort()) return <span className={className}>{title}</span>;
  const sorted = column.getIsSorted();
  const Icon = sorted === "asc" ? ArrowUpIcon : sorted === "desc" ? ArrowDownIcon : ArrowUpDownIcon;
  const next = sorted === "asc" ? "descending" : "ascending";
  return (
    <Button
      variant="ghost"
      size="sm"
      className={cn("-ml-2.5 h-8 font-medium text-muted-foreground", className)}
      onClick={() => column.toggleSorting(sorted === "asc")}
      aria-label={`${title}: sort ${next}`}
    >
      {title}
      <Icon aria-hidden="true" className={cn(!sorted && "opacity-50")} />
    </Button>
  );
}
