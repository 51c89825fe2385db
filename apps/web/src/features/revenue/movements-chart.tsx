import type { UseQueryResult } from "@tanstack/react-query";
import { Fragment } from "react";
import { Bar, BarChart, ReferenceLine } from "recharts";
import { Button } from "@/components/ui/button";
import {
  ChartContainer,
  ChartLegend,
  ChartLegendContent,
  ChartTooltip,
  ChartTooltipContent,
  type ChartConfig,
} from "@/components/ui/chart";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { ChartCard } from "@/features/revenue/chart-card";
import { bucketLabel, isoDay, formatSignedMoney } from "@/features/revenue/format";
import type { ExplainTarget, MovementKind } from "@/features/revenue/search";
import { seriesAxes } from "@/features/revenue/series-axes";
import { seriesCsv } from "@/features/revenue/series-csv";
import type { Series, SeriesBucket } from "@/features/revenue/types";

// Gains stack up from zero, losses down (contraction and churn are negative amounts).
export const MOVEMENT_ORDER = [
  "new",
  "expansion",
  "reactivation",
  "contraction",
  "churn",
] as const satisfies readonly MovementKind[];

export const movementConfig = {
  new: { label: "New", color: "var(--chart-1)" },
  expansion: { label: "Expansion", color: "var(--chart-2)" },
  reactivation: { label: "Reactivation", color: "var(--chart-5)" },
  contraction: { label: "Contraction", color: "var(--chart-3)" },
  churn: { label: "Churn", color: "var(--chart-4)" },
} satisfies ChartConfig;

/** The five MRR movements per period as stacked bars; clicking a bar lists its customers. */
export function MovementsChart({
  query,
  onExplain,
}: {
  query: UseQueryResult<Series, unknown>;
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
      chart={
        series && (
          <ChartContainer config={movementConfig} className="aspect-auto h-72 w-full">
            <BarChart
              data={series.buckets}
              stackOffset="sign"
              margin={{ left: 8, right: 8, top: 8 }}
              title="MRR movements"
              desc="Stacked bars per period: new, expansion and reactivation MRR above zero; contraction and churn below. The table view lists the same figures."
            >
              {seriesAxes(series)}
              <ReferenceLine y={0} stroke="var(--border)" />
              <ChartTooltip
                cursor={{ fillOpacity: 0.4 }}
                content={
                  <ChartTooltipContent
                    labelFormatter={(_, payload) => {
                      const start = (payload[0]?.payload as SeriesBucket | undefined)?.start;
                      return start ? bucketLabel(start, series.bucket) : null;
                    }}
                    formatter={(value, name) => (
                      <span className="flex w-full justify-between gap-4">
                        <span className="text-muted-foreground">
                          {movementConfig[name as MovementKind].label}
                        </span>
                        <span className="font-mono font-medium tabular-nums">
                          {formatSignedMoney(Number(value), series.currency)}
                        </span>
                      </span>
                    )}
                  />
                }
              />
              <ChartLegend
                // Gains then losses, as stacked, rather than alphabetical.
                itemSorter={(item) => MOVEMENT_ORDER.indexOf(item.dataKey as MovementKind)}
                content={<ChartLegendContent className="flex-wrap gap-x-4 gap-y-1" />}
              />
              {MOVEMENT_ORDER.map((kind) => (
                <Bar
                  key={kind}
                  dataKey={kind}
                  name={kind}
                  stackId="movements"
                  fill={`var(--color-${kind})`}
                  className={`movement-${kind} cursor-pointer`}
                  isAnimationActive={false}
                  onClick={(item, index) => {
                    const bucket = series.buckets[index];
                    if (bucket) explain(bucket, kind);
                  }}
                />
              ))}
            </BarChart>
          </ChartContainer>
        )
      }
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
