import type { UseQueryResult } from "@tanstack/react-query";
import { Area, AreaChart } from "recharts";
import {
  ChartContainer,
  ChartTooltip,
  ChartTooltipContent,
  type ChartConfig,
} from "@/components/ui/chart";
import { Button } from "@/components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { ChartCard } from "@/features/revenue/chart-card";
import { bucketLabel, formatMoney, isoDay, formatSignedMoney } from "@/features/revenue/format";
import type { ExplainTarget } from "@/features/revenue/search";
import { seriesAxes } from "@/features/revenue/series-axes";
import { seriesCsv } from "@/features/revenue/series-csv";
import type { Series, SeriesBucket } from "@/features/revenue/types";
import { formatCount } from "@/lib/format";

const chartConfig = {
  mrr: { label: "MRR", color: "var(--chart-1)" },
} satisfies ChartConfig;

/** MRR at the end of each bucket; clicking a point lists the customers making it up. */
export function MrrChart({
  query,
  onExplain,
}: {
  query: UseQueryResult<Series, unknown>;
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
      chart={
        series && (
          <ChartContainer config={chartConfig} className="aspect-auto h-72 w-full">
            <AreaChart
              data={series.buckets}
              margin={{ left: 8, right: 8, top: 8 }}
              title="MRR over time"
              desc={summary}
              className="cursor-pointer"
              onClick={(state) => {
                const bucket = series.buckets[Number(state.activeTooltipIndex)];
                if (bucket) explainAt(bucket);
              }}
            >
              <defs>
                <linearGradient id="fill-mrr" x1="0" y1="0" x2="0" y2="1">
                  <stop offset="5%" stopColor="var(--color-mrr)" stopOpacity={0.35} />
                  <stop offset="95%" stopColor="var(--color-mrr)" stopOpacity={0.05} />
                </linearGradient>
              </defs>
              {seriesAxes(series)}
              <ChartTooltip
                content={
                  <ChartTooltipContent
                    indicator="line"
                    labelFormatter={(_, payload) => {
                      const start = (payload[0]?.payload as SeriesBucket | undefined)?.start;
                      return start ? `End of ${bucketLabel(start, series.bucket)}` : null;
                    }}
                    formatter={(value) => (
                      <span className="flex w-full justify-between gap-4">
                        <span className="text-muted-foreground">MRR</span>
                        <span className="font-mono font-medium tabular-nums">
                          {formatMoney(Number(value), series.currency)}
                        </span>
                      </span>
                    )}
                  />
                }
              />
              <Area
                dataKey="mrr"
                type="monotone"
                stroke="var(--color-mrr)"
                strokeWidth={2}
                fill="url(#fill-mrr)"
                activeDot={{ r: 5 }}
                isAnimationActive={false}
              />
            </AreaChart>
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
