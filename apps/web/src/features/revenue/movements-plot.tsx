import { Bar, BarChart, ReferenceLine } from "recharts";
import {
  ChartContainer,
  ChartLegend,
  ChartLegendContent,
  ChartTooltip,
  ChartTooltipContent,
} from "@/components/ui/chart";
import { bucketLabel, formatSignedMoney } from "@/features/revenue/format";
import { MOVEMENT_ORDER, movementConfig } from "@/features/revenue/movement-kinds";
import type { MovementKind } from "@/features/revenue/search";
import { seriesAxes } from "@/features/revenue/series-axes";
import type { Series, SeriesBucket } from "@/features/revenue/types";

/** The movements' stacked bars (Recharts: loaded when first drawn, see MovementsChart). */
export default function MovementsPlot({
  series,
  onExplain,
}: {
  series: Series;
  onExplain: (bucket: SeriesBucket, kind: MovementKind) => void;
}) {
  return (
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
              if (bucket) onExplain(bucket, kind);
            }}
          />
        ))}
      </BarChart>
    </ChartContainer>
  );
}
