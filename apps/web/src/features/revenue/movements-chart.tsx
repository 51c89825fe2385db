import { Fragment, lazy } from "react";
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
import { bucketLabel, isoDay, formatSignedMoney } from "@/features/revenue/format";
import type { ExplainTarget, MovementKind } from "@/features/revenue/search";
import { seriesCsv } from "@/features/revenue/series-csv";
import type { Series, SeriesBucket } from "@/features/revenue/types";
import { MOVEMENT_ORDER, movementConfig } from "@/features/revenue/movement-kinds";

// Recharts is a large module: fetched and run when a chart is first drawn, not with the page.
const MovementsPlot = lazy(() => import("@/features/revenue/movements-plot"));

/** The five MRR movements per period as stacked bars; clicking a bar lists its customers. */
export function MovementsChart({
  query,
  onExplain,
}: {
  query: DeferredQuery<Series>;
  onExplain: (target: ExplainTarget) => void;
}) {
  const series = query.data;
  const explain = (b: SeriesBucket, kind?: MovementKind) =>
    onExplain({
      what: "movements",
      from: isoDay(b.start),
      to: isoDay(b.end),
      ...(kind ? { kind } : {}),
    });
  const moved = series?.buckets.some((b) => MOVEMENT_ORDER.some((k) => b[k] !== 0)) ?? false;

  return (
    <ChartCard
      title="MRR movements"
      description="New, expansion and reactivation MRR above the line; contraction and churn below. Click a bar to see its customers."
      query={query}
      csv={series ? () => seriesCsv(series) : null}
      empty={
        series && !moved ? (
          <p className="py-16 text-center text-sm text-muted-foreground">
            No MRR moved in this period.
          </p>
        ) : undefined
      }
      chart={series && <MovementsPlot series={series} onExplain={explain} />}
      table={
        series && (
          <div className="max-h-96 overflow-auto rounded-md border">
            <Table>
              <TableHeader className="sticky top-0 bg-card">
                <TableRow>
                  <TableHead>Period</TableHead>
                  {MOVEMENT_ORDER.map((kind) => (
                    <TableHead key={kind} className="text-right">
                      {movementConfig[kind].label}
                    </TableHead>
                  ))}
                  <TableHead className="text-right">Net new</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {series.buckets.map((b) => {
                  const period = bucketLabel(b.start, series.bucket);
                  const cell = (amount: number, label: string, kind?: MovementKind) => (
                    <TableCell className="text-right">
                      <Button
                        variant="link"
                        className="h-auto p-0 tabular-nums"
                        onClick={() => explain(b, kind)}
                        aria-label={`Explain ${label}, ${period}: ${formatSignedMoney(amount, series.currency)}`}
                      >
                        {formatSignedMoney(amount, series.currency)}
                      </Button>
                    </TableCell>
                  );
                  return (
                    <TableRow key={b.start}>
                      <TableCell>{period}</TableCell>
                      {MOVEMENT_ORDER.map((kind) => (
                        <Fragment key={kind}>
                          {cell(b[kind], `${movementConfig[kind].label} MRR`, kind)}
                        </Fragment>
                      ))}
                      {cell(b.netNew, "net new MRR")}
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        )
      }
    />
  );
}
