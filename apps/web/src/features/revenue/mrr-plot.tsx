import { Area, AreaChart } from "recharts";
import {
  ChartContainer,
  ChartTooltip,
  ChartTooltipContent,
  type ChartConfig,
} from "@/components/ui/chart";
import { bucketLabel, formatMoney } from "@/features/revenue/format";
import { seriesAxes } from "@/features/revenue/series-axes";
import type { Series, SeriesBucket } from "@/features/revenue/types";

const chartConfig = {
  mrr: { label: "MRR", color: "var(--chart-1)" },
} satisfies ChartConfig;

/** The MRR area chart (Recharts: loaded when the chart is first drawn, see MrrChart). */
export default function MrrPlot({
  series,
  summary,
  onExplain,
}: {
  series: Series;
  summary: string;
  onExplain: (bucket: SeriesBucket) => void;
}) {
  return (
    <ChartContainer config={chartConfig} className="aspect-auto h-72 w-full">
      <AreaChart
        data={series.buckets}
        margin={{ left: 8, right: 8, top: 8 }}
        title="MRR over time"
        desc={summary}
        className="cursor-pointer"
        onClick={(state) => {
          const bucket = series.buckets[Number(state.activeTooltipIndex)];
          if (bucket) onExplain(bucket);
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
  );
}
