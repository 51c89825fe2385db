import { CartesianGrid, XAxis, YAxis } from "recharts";
import { bucketTick, formatMoneyCompact } from "@/features/revenue/format";
import type { Series } from "@/features/revenue/types";

/**
 * The grid and axes the MRR and movements charts share: periods along the bottom, money up the
 * side. An array, not a component, because Recharts reads its axes from the chart's children.
 */
export function seriesAxes(series: Series) {
  return [
    <CartesianGrid key="grid" vertical={false} />,
    <XAxis
      key="x"
      dataKey="start"
      tickLine={false}
      axisLine={false}
      tickMargin={8}
      minTickGap={24}
      tickFormatter={(v: string) => bucketTick(v, series.bucket)}
    />,
    <YAxis
      key="y"
      tickLine={false}
      axisLine={false}
      width={64}
      tickFormatter={(v: number) => formatMoneyCompact(v, series.currency)}
    />,
  ];
}
