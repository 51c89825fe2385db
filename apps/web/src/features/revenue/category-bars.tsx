import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";
import {
  ChartContainer,
  ChartTooltip,
  ChartTooltipContent,
  type ChartConfig,
} from "@/components/ui/chart";
import { formatMoney, formatMoneyCompact } from "@/features/revenue/format";

/** A horizontal bar chart of money per category, for plan mix and churn reasons. */
export default function CategoryBars({
  data,
  currency,
  config,
  title,
}: {
  data: { name: string; amount: number }[];
  currency: string;
  config: ChartConfig;
  title: string;
}) {
  return (
    <ChartContainer
      config={config}
      className="aspect-auto w-full"
      style={{ height: `${Math.max(2, data.length) * 2.75 + 2}rem` }}
    >
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }} title={title}>
        <CartesianGrid horizontal={false} />
        <YAxis
          type="category"
          dataKey="name"
          tickLine={false}
          axisLine={false}
          width={120}
          tickFormatter={(v: string) => (v.length > 18 ? `${v.slice(0, 17)}…` : v)}
        />
        <XAxis
          type="number"
          dataKey="amount"
          tickLine={false}
          axisLine={false}
          tickFormatter={(v: number) => formatMoneyCompact(v, currency)}
        />
        <ChartTooltip
          cursor={{ fillOpacity: 0.4 }}
          content={
            <ChartTooltipContent
              hideIndicator
              formatter={(value) => (
                <span className="font-mono font-medium tabular-nums">
                  {formatMoney(Number(value), currency)}
                </span>
              )}
            />
          }
        />
        <Bar dataKey="amount" fill="var(--color-amount)" radius={4} isAnimationActive={false} />
      </BarChart>
    </ChartContainer>
  );
}
