import { lazy } from "react";
import { Button } from "@/components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import type { DeferredQuery } from "@/lib/deferred-query";
import { ChartCard } from "@/features/revenue/chart-card";
import { bucketLabel, formatMoney, isoDay, formatSignedMoney } from "@/features/revenue/format";
import type { ExplainTarget } from "@/features/revenue/search";
import { seriesCsv } from "@/features/revenue/series-csv";
import type { Series, SeriesBucket } from "@/features/revenue/types";
import { formatCount } from "@/lib/format";

// Recharts is a large module: fetched and run when a chart is first drawn, not with the page.
const MrrPlot = lazy(() => import("@/features/revenue/mrr-plot"));

/** MRR at the end of each bucket; clicking a point lists the customers making it up. */
export function MrrChart({
  query,
  onExplain,
}: {
  query: DeferredQuery<Series>;
  onExplain: (target: ExplainTarget) => void;
}) {
  const series = query.data;
  const explainAt = (b: SeriesBucket) => onExplain({ what: "mrr", at: isoDay(b.end) });
  const first = series?.buckets[0];
  const last = series?.buckets.at(-1);
  const summary =
    series && first && last
      ? `MRR went from ${formatMoney(first.mrr, series.currency)} at the end of ${bucketLabel(first.start, series.bucket)} to ${formatMoney(last.mrr, series.currency)} at the end of ${bucketLabel(last.start, series.bucket)}.`
      : "";

  return (
    <ChartCard
      title="MRR over time"
      description="Monthly recurring revenue at the end of each period. Click a point to see the customers behind it."
      query={query}
      csv={series ? () => seriesCsv(series) : null}
      chart={series && <MrrPlot series={series} summary={summary} onExplain={explainAt} />}
      table={
        series && (
          <div className="max-h-96 overflow-auto rounded-md border">
            <Table>
              <TableHeader className="sticky top-0 bg-card">
                <TableRow>
                  <TableHead>Period</TableHead>
                  <TableHead className="text-right">MRR at end</TableHead>
                  <TableHead className="text-right">ARR</TableHead>
                  <TableHead className="text-right">Customers</TableHead>
                  <TableHead className="text-right">Net new MRR</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {series.buckets.map((b) => (
                  <TableRow key={b.start}>
                    <TableCell>{bucketLabel(b.start, series.bucket)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      <Button
                        variant="link"
                        className="h-auto p-0 tabular-nums"
                        onClick={() => explainAt(b)}
                        aria-label={`Explain MRR at the end of ${bucketLabel(b.start, series.bucket)}: ${formatMoney(b.mrr, series.currency)}`}
                      >
                        {formatMoney(b.mrr, series.currency)}
                      </Button>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMoney(b.arr, series.currency)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatCount(b.customers)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatSignedMoney(b.netNew, series.currency)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )
      }
    />
  );
}
