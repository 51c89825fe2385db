import { useQuery } from "@tanstack/react-query";
import { ArrowDownRightIcon, ArrowUpRightIcon, MinusIcon, SearchIcon } from "lucide-react";
import type * as React from "react";
import { ErrorState } from "@/components/error-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatMoney, formatRate, formatSignedMoney } from "@/features/revenue/format";
import { kpiChange, type ChangeMode, type KpiFigure } from "@/features/revenue/kpi-change";
import type { ExplainTarget, KpiDays } from "@/features/revenue/search";
import { formatCount } from "@/lib/format";
import { useDeferredQuery } from "@/lib/deferred-query";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

const PERIOD_NAMES: Record<KpiDays, string> = {
  30: "previous 30 days",
  90: "previous 90 days",
  365: "previous 365 days",
};

function Change({
  figure,
  mode,
  better,
  period,
}: {
  figure: KpiFigure;
  mode: ChangeMode;
  better: "up" | "down";
  period: string;
}) {
  const change = kpiChange(figure, mode, better);
  if (change.text === null) {
    return <p className="text-xs text-muted-foreground">Nothing to compare in the {period}</p>;
  }
  const Icon =
    change.direction === "up"
      ? ArrowUpRightIcon
      : change.direction === "down"
        ? ArrowDownRightIcon
        : MinusIcon;
  return (
    <p className="flex items-center gap-1 text-xs text-muted-foreground">
      <span
        className={cn(
          "inline-flex items-center gap-0.5 font-medium tabular-nums",
          change.tone === "good" && "text-success",
          change.tone === "bad" && "text-destructive",
        )}
      >
        <Icon className="size-3.5" aria-hidden="true" />
        {change.text}
      </span>
      <span>vs {period}</span>
    </p>
  );
}

function Kpi({
  label,
  value,
  detail,
  change,
  onExplain,
}: {
  label: string;
  value: string;
  detail?: React.ReactNode;
  change: React.ReactNode;
  onExplain?: () => void;
}) {
  return (
    <Card className="gap-2 py-5">
      <CardHeader className="flex min-h-6 flex-row items-center justify-between gap-2 px-5">
        <CardDescription>{label}</CardDescription>
        {onExplain && (
          <Button variant="ghost" size="icon" className="-my-2 size-7" onClick={onExplain}>
            <SearchIcon aria-hidden="true" />
            <span className="sr-only">Explain {label}</span>
          </Button>
        )}
      </CardHeader>
      <CardContent className="space-y-1 px-5">
        <CardTitle className="text-2xl font-semibold tabular-nums">{value}</CardTitle>
        {change}
        {detail && <p className="text-xs text-muted-foreground">{detail}</p>}
      </CardContent>
    </Card>
  );
}

/** Headline figures for the last N days, each against the N days before. */
export function KpiCards({
  currency,
  window,
  days,
  onExplain,
}: {
  currency: string;
  window: { from: string; to: string };
  days: KpiDays;
  onExplain: (target: ExplainTarget) => void;
}) {
  const kpis = useDeferredQuery(
    useQuery(trpc.admin.revenue.kpis.queryOptions({ currency, ...window })),
  );

  if (kpis.isError) {
    return (
      <ErrorState
        title="Revenue figures couldn't be loaded"
        error={kpis.error}
        onRetry={() => void kpis.refetch()}
      />
    );
  }
  const k = kpis.data;
  if (!k) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" role="status" aria-label="Loading">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-[8.5rem] rounded-xl" />
        ))}
      </div>
    );
  }

  const period = PERIOD_NAMES[days];
  const money = (amount: number | null) => (amount === null ? "—" : formatMoney(amount, currency));
  const signed = (amount: number | null) =>
    amount === null ? "—" : formatSignedMoney(amount, currency);

  return (
    <section aria-label="Key figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <Kpi
        label="MRR"
        value={money(k.mrr.value)}
        change={<Change figure={k.mrr} mode="relative" better="up" period={period} />}
        detail={`ARR ${money(k.arr.value)}`}
        onExplain={() => onExplain({ what: "mrr", at: window.to })}
      />
      <Kpi
        label="Net new MRR"
        value={signed(k.netNewMrr.value)}
        change={
          <Change figure={k.netNewMrr} mode={{ money: currency }} better="up" period={period} />
        }
        detail={`New ${signed(k.newMrr.value)} · churned ${signed(k.churnedMrr.value)}`}
        onExplain={() => onExplain({ what: "movements", from: window.from, to: window.to })}
      />
      <Kpi
        label="Active subscribers"
        value={k.activeSubscribers.value === null ? "—" : formatCount(k.activeSubscribers.value)}
        change={<Change figure={k.activeSubscribers} mode="relative" better="up" period={period} />}
        detail="Customers paying a subscription now"
      />
      <Kpi
        label="ARPA"
        value={money(k.arpa.value)}
        change={<Change figure={k.arpa} mode="relative" better="up" period={period} />}
        detail="Average MRR per paying customer"
      />
      <Kpi
        label="Customer churn rate"
        value={formatRate(k.customerChurnRate.value)}
        change={<Change figure={k.customerChurnRate} mode="points" better="down" period={period} />}
        detail={`Gross MRR churn ${formatRate(k.grossMrrChurnRate.value)}`}
      />
      <Kpi
        label="Net revenue retention"
        value={formatRate(k.netRevenueRetention.value)}
        change={<Change figure={k.netRevenueRetention} mode="points" better="up" period={period} />}
        detail={`Net MRR churn ${formatRate(k.netMrrChurnRate.value)}`}
      />
      <Kpi
        label="Trial → paid"
        value={formatRate(k.trialConversionRate.value)}
        change={<Change figure={k.trialConversionRate} mode="points" better="up" period={period} />}
        detail="Of the trials that ended in the period"
      />
      <Kpi
        label="Cash collected"
        value={money(k.cashCollected.value)}
        change={<Change figure={k.cashCollected} mode="relative" better="up" period={period} />}
        detail={`After ${money(k.refunds.value)} refunded`}
      />
    </section>
  );
}
