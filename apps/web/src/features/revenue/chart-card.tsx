import { DownloadIcon, TableIcon } from "lucide-react";
import { Suspense, useId, useState } from "react";
import type * as React from "react";
import { ErrorState } from "@/components/error-state";
import { RenderWhenVisible } from "@/components/render-when-visible";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { downloadCsv } from "@/features/revenue/csv";

interface QueryState {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * One chart's frame: title, a CSV of exactly the rows drawn, and a switch between the chart and
 * the same data as a table (the accessible alternative, with the same "explain" actions).
 */
export function ChartCard({
  title,
  description,
  query,
  csv,
  chart,
  table,
  empty,
  className,
}: {
  title: string;
  description: React.ReactNode;
  query: QueryState;
  /** The file to download, built from the data on screen; null while there is none. */
  csv: (() => { filename: string; content: string }) | null;
  chart: React.ReactNode;
  /** The same data as a table; omit when the chart already is one. */
  table?: React.ReactNode;
  /** Shown instead of chart and table when there is nothing to draw. */
  empty?: React.ReactNode;
  className?: string;
}) {
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();

  const loading = (
    <Skeleton className="h-64 w-full" role="status" aria-label={`Loading ${title}`} />
  );
  let body: React.ReactNode;
  if (query.isPending) {
    body = loading;
  } else if (query.isError) {
    body = (
      <ErrorState
        title={`${title} couldn't be loaded`}
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  } else if (empty) {
    body = empty;
  } else {
    // Charts below the fold are drawn when scrolled to, not with the page's first render; their
    // Recharts code is fetched then (lazy plots), so a phone that never scrolls never runs it.
    body =
      asTable && table ? (
        table
      ) : (
        <RenderWhenVisible placeholder={loading}>
          <Suspense fallback={loading}>{chart}</Suspense>
        </RenderWhenVisible>
      );
  }
  const ready = !query.isPending && !query.isError && !empty;

  return (
    <Card className={className} aria-labelledby={titleId} role="region">
      <CardHeader className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1 basis-48 space-y-1.5">
          <CardTitle id={titleId} className="text-base">
            {title}
          </CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
        {ready && (
          <div className="flex shrink-0 gap-1">
            {table && (
              <Button
                variant="ghost"
                size="sm"
                aria-pressed={asTable}
                onClick={() => setAsTable((v) => !v)}
              >
                <TableIcon aria-hidden="true" />
                Table
                <span className="sr-only"> of {title}</span>
              </Button>
            )}
            {csv && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  const file = csv();
                  downloadCsv(file.filename, file.content);
                }}
              >
                <DownloadIcon aria-hidden="true" />
                CSV
                <span className="sr-only"> of {title}</span>
              </Button>
            )}
          </div>
        )}
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}
