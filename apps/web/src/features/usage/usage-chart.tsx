import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";
import {
  ChartContainer,
  ChartTooltip,
  ChartTooltipContent,
  type ChartConfig,
} from "@/components/ui/chart";
import type { MeterUsage } from "@/features/usage/search";
import { formatCount } from "@/lib/format";

const chartConfig = {
  quantity: { label: "Used", color: "var(--chart-1)" },
} satisfies ChartConfig;

const dayLabel = (iso: string) =>
  new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }).format(
    new Date(iso),
  );

/** One bar per UTC day of the period (at most a month), for one meter. Loaded on its own. */
export function UsageChart({ meter }: { meter: MeterUsage }) {
  const total = meter.days.reduce((s, d) => s + d.quantity, 0);
  const first = meter.days[0];
  const last = meter.days.at(-1);
  const summary =
    first && last
      ? `${formatCount(total)} ${meter.name.toLowerCase()} from ${dayLabel(first.day)} to ${dayLabel(last.day)}.`
      : "";
  return (
    <ChartContainer config={chartConfig} className="aspect-auto h-48 w-full">
      <BarChart
        data={meter.days}
        margin={{ left: 4, right: 4, top: 8 }}
        title={`${meter.name} by day`}
        desc={summary}
      >
        <CartesianGrid vertical={false} />
        <XAxis
          dataKey="day"
          tickLine={false}
          axisLine={false}
          tickMargin={8}
          minTickGap={24}
          tickFormatter={dayLabel}
        />
        <YAxis
          tickLine={false}
          axisLine={false}
          width={48}
          allowDecimals={false}
          tickFormatter={(v: number) => formatCount(v)}
        />
        <ChartTooltip
          content={
            <ChartTooltipContent
              labelFormatter={(_, payload) => {
                const day = (payload[0]?.payload as { day?: string } | undefined)?.day;
                return day ? dayLabel(day) : null;
              }}
            />
          }
        />
        <Bar dataKey="quantity" fill="var(--color-quantity)" radius={3} />
      </BarChart>
    </ChartContainer>
  );
}
