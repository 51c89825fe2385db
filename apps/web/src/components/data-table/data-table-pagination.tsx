import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import type * as React from "react";
import { Button } from "@/components/ui/button";

/** Previous/next for cursor-paged lists (no page numbers: cursors cannot jump). */
export function DataTablePagination({
  summary,
  canPrevious,
  canNext,
  onPrevious,
  onNext,
  isFetching = false,
}: {
  summary: React.ReactNode;
  canPrevious: boolean;
  canNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  isFetching?: boolean;
}) {
  return (
    <div className="flex items-center justify-between gap-4 border-t px-4 py-3">
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {summary}
      </p>
      <div className="flex items-center gap-2">
        <Button
          variant="outline"
          size="sm"
          disabled={!canPrevious || isFetching}
          onClick={onPrevious}
        >
          <ChevronLeftIcon aria-hidden="true" />
          Previous
        </Button>
        <Button variant="outline" size="sm" disabled={!canNext || isFetching} onClick={onNext}>
          Next
          <ChevronRightIcon aria-hidden="true" />
        </Button>
      </div>
    </div>
  );
}
