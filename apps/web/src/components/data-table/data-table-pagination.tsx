import { ChevronLeftIcon, ChevronRightIcon, ChevronsLeftIcon } from "lucide-react";
import type * as React from "react";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { ChoiceSelect } from "@/components/choice-select";
import { formatCount } from "@/lib/format";
import {
  FIRST_PAGE,
  nextPage,
  PAGE_SIZES,
  pageNumberOf,
  pageSizeOf,
  previousPage,
  withPageSize,
  type ListPaging,
} from "@/lib/list-search";
import { cn } from "@/lib/utils";

const PAGE_SIZE_CHOICES = PAGE_SIZES.map((size) => ({ value: size, label: String(size) }));

/**
 * Stays focusable when it can't be used (aria-disabled, not disabled): pressing Next onto the last
 * page must not drop keyboard focus to the top of the document.
 */
function PageButton({
  inactive,
  onClick,
  className,
  ...props
}: Omit<React.ComponentProps<typeof Button>, "disabled"> & { inactive: boolean }) {
  return (
    <Button
      variant="outline"
      size="sm"
      aria-disabled={inactive}
      className={cn(inactive && "cursor-not-allowed opacity-50 hover:bg-background", className)}
      onClick={(event) => {
        if (!inactive) onClick?.(event);
      }}
      {...props}
    />
  );
}

/**
 * Rows per page, first/previous/next for a cursor-paged list. No page numbers to jump to and no
 * "last": a cursor only knows the page after it. "Previous" walks the trail kept in the URL.
 */
export function DataTablePagination({
  search,
  nextCursor,
  itemCount,
  noun,
  order,
  busy,
  onNavigate,
}: {
  search: ListPaging;
  nextCursor: string | null;
  itemCount: number;
  noun: readonly [one: string, other: string];
  order?: string | undefined;
  /** The rows shown belong to the previous view while the new one loads: don't page from them. */
  busy: boolean;
  onNavigate: (patch: Partial<ListPaging>) => void;
}) {
  const sizeId = useId();
  const page = pageNumberOf(search);
  const onFirstPage = search.cursor === undefined;
  const rows = `${formatCount(itemCount)} ${itemCount === 1 ? noun[0] : noun[1]}`;
  const summary = [page === null ? rows : `Page ${formatCount(page)} · ${rows}`, order]
    .filter(Boolean)
    .join(", ");

  return (
    <nav
      aria-label="Pages"
      className="flex flex-col gap-3 border-t px-4 py-3 sm:flex-row sm:items-center sm:justify-between"
    >
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {summary}
      </p>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div className="flex items-center gap-2">
          <Label htmlFor={sizeId} className="font-normal text-muted-foreground">
            Rows per page
          </Label>
          <ChoiceSelect
            id={sizeId}
            size="sm"
            className="w-20"
            value={pageSizeOf(search)}
            choices={PAGE_SIZE_CHOICES}
            onValueChange={(size) => onNavigate(withPageSize(size))}
          />
        </div>
        <div className="flex items-center gap-2">
          <PageButton
            inactive={onFirstPage || busy}
            onClick={() => onNavigate(FIRST_PAGE)}
            aria-label="First page"
            title="First page"
            className="size-8 px-0 has-[>svg]:px-0"
          >
            <ChevronsLeftIcon aria-hidden="true" />
          </PageButton>
          <PageButton
            inactive={onFirstPage || busy}
            onClick={() => onNavigate(previousPage(search))}
          >
            <ChevronLeftIcon aria-hidden="true" />
            Previous
          </PageButton>
          <PageButton
            inactive={nextCursor === null || busy}
            onClick={() => {
              if (nextCursor !== null) onNavigate(nextPage(search, nextCursor));
            }}
          >
            Next
            <ChevronRightIcon aria-hidden="true" />
          </PageButton>
        </div>
      </div>
    </nav>
  );
}
