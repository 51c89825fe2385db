import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { LineChartIcon } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import type * as React from "react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { ChoiceSelect } from "@/components/choice-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { sectionByPath } from "@/features/admin/sections";
import { hasPermission } from "@/features/auth/session";
import { ChurnReasonsCard, PlanMixCard, TrialPipelineCard } from "@/features/revenue/breakdowns";
import { clickedFigure } from "@/features/revenue/explain";
import { KpiCards } from "@/features/revenue/kpi-cards";
import { MovementsChart } from "@/features/revenue/movements-chart";
import { MrrChart } from "@/features/revenue/mrr-chart";
import { RecomputingNotice } from "@/features/revenue/recomputing-notice";
import {
  BUCKETS,
  chartWindow,
  KPI_PERIODS,
  kpiWindow,
  parseRevenueSearch,
  RANGES,
  REVENUE_TABS,
  viewOf,
  type ExplainTarget,
  type RevenueSearch,
  type RevenueTab,
} from "@/features/revenue/search";
import { useDeferredQuery } from "@/lib/deferred-query";
import { trpc } from "@/lib/trpc";

// What a first visit does not show loads when it is first wanted: the explanation sheet (a Radix
// dialog) when a figure is clicked, the closes and reconciliation when their tab is opened.
const ExplainSheet = lazy(() =>
  import("@/features/revenue/explain-sheet").then((m) => ({ default: m.ExplainSheet })),
);
const ClosedMonthsTab = lazy(() =>
  import("@/features/revenue/closed-months").then((m) => ({ default: m.ClosedMonthsTab })),
);
const ReconcileTab = lazy(() =>
  import("@/features/revenue/reconcile").then((m) => ({ default: m.ReconcileTab })),
);
const tabLoading = <Skeleton className="h-64 w-full" role="status" aria-label="Loading" />;

const routeApi = getRouteApi("/admin/revenue");

const TAB_LABELS: Record<RevenueTab, string> = {
  overview: "Overview",
  months: "Closed months",
  reconcile: "Reconcile with Stripe",
};
const BUCKET_LABELS = { day: "Daily", week: "Weekly", month: "Monthly" } as const;
const KPI_LABELS = { 30: "Last 30 days", 90: "Last 90 days", 365: "Last 365 days" } as const;

function Overview({
  currency,
  search,
  now,
  onChange,
}: {
  currency: string;
  search: RevenueSearch;
  now: number;
  onChange: (patch: Partial<RevenueSearch>) => void;
}) {
  const { range, bucket, kpi } = viewOf(search);
  const chart = chartWindow(now, range, bucket);
  const kpiRange = kpiWindow(now, kpi);
  const series = useQuery(trpc.admin.revenue.series.queryOptions({ currency, ...chart, bucket }));
  const kpis = useQuery(trpc.admin.revenue.kpis.queryOptions({ currency, ...kpiRange }));
  const drawnSeries = useDeferredQuery(series);
  const explain = (target: ExplainTarget) => onChange({ explain: target });
  // Mounted from the first explanation on, so the sheet can animate closed.
  const [explained, setExplained] = useState(search.explain !== undefined);
  if (search.explain !== undefined && !explained) setExplained(true);

  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">Key figures</h2>
          <ChoiceSelect
            aria-label="Key figures period"
            value={kpi}
            choices={KPI_PERIODS.map((value) => ({ value, label: KPI_LABELS[value] }))}
            onValueChange={(value) => onChange({ kpi: value })}
            className="w-36"
          />
        </div>
        <KpiCards currency={currency} window={kpiRange} days={kpi} onExplain={explain} />
      </div>

      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">Over time</h2>
          <div className="flex flex-wrap gap-2">
            <ChoiceSelect
              aria-label="Chart range"
              value={range}
              choices={RANGES.map((value) => ({ value, label: `${value} months` }))}
              onValueChange={(value) => onChange({ range: value })}
              className="w-36"
            />
            <ChoiceSelect
              aria-label="Chart buckets"
              value={bucket}
              choices={BUCKETS.map((value) => ({ value, label: BUCKET_LABELS[value] }))}
              onValueChange={(value) => onChange({ bucket: value })}
              className="w-36"
            />
          </div>
        </div>
        <MrrChart query={drawnSeries} onExplain={explain} />
        <MovementsChart query={drawnSeries} onExplain={explain} />
        <div className="grid gap-6 lg:grid-cols-2 2xl:grid-cols-3">
          <PlanMixCard currency={currency} />
          <ChurnReasonsCard currency={currency} window={chart} />
          <TrialPipelineCard currency={currency} window={chart} />
        </div>
      </div>

      {explained && (
        <Suspense fallback={null}>
          <ExplainSheet
            currency={currency}
            target={search.explain}
            clicked={search.explain ? clickedFigure(search.explain, series.data, kpis.data) : null}
            onClose={() => onChange({ explain: undefined })}
          />
        </Suspense>
      )}
    </div>
  );
}

/** Finance's revenue dashboard: figures, charts that explain themselves, closes, reconciliation. */
export function RevenuePage() {
  const section = sectionByPath("/admin/revenue");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const { me } = routeApi.useRouteContext();
  // One "now" per visit, so every figure on the page is for the same window.
  const [now] = useState(() => Date.now());
  const currencies = useQuery(trpc.admin.revenue.currencies.queryOptions());
  const change = (patch: Partial<RevenueSearch>) =>
    void navigate({ search: (prev) => parseRevenueSearch({ ...prev, ...patch }) });
  const { tab } = viewOf(search);

  const list = currencies.data ?? [];
  const currency = search.currency && list.includes(search.currency) ? search.currency : list[0];

  let body: React.ReactNode;
  if (currencies.isPending) {
    body = <Skeleton className="h-96 w-full" role="status" aria-label="Loading revenue" />;
  } else if (currencies.isError) {
    body = (
      <ErrorState
        title="Revenue couldn't be loaded"
        error={currencies.error}
        onRetry={() => void currencies.refetch()}
      />
    );
  } else if (!currency) {
    body = (
      <EmptyState
        icon={LineChartIcon}
        title="No recurring revenue yet"
        description="MRR appears here as soon as a customer pays for a subscription in Stripe."
      />
    );
  } else {
    body = (
      <Tabs
        value={tab}
        onValueChange={(value) => change({ tab: value as RevenueTab, explain: undefined })}
      >
        <TabsList className="max-w-full overflow-x-auto">
          {REVENUE_TABS.map((t) => (
            <TabsTrigger key={t} value={t}>
              {TAB_LABELS[t]}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="overview" className="pt-4">
          <Overview currency={currency} search={search} now={now} onChange={change} />
        </TabsContent>
        <TabsContent value="months" className="pt-4">
          <Suspense fallback={tabLoading}>
            <ClosedMonthsTab
              currency={currency}
              canClose={hasPermission(me, "metrics.close")}
              now={now}
            />
          </Suspense>
        </TabsContent>
        <TabsContent value="reconcile" className="pt-4">
          <Suspense fallback={tabLoading}>
            <ReconcileTab />
          </Suspense>
        </TabsContent>
      </Tabs>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="MRR and its movements, computed from Stripe subscriptions. Each currency is reported on its own."
        actions={
          list.length > 1 && currency ? (
            <ChoiceSelect
              aria-label="Currency"
              value={currency}
              choices={list.map((c) => ({ value: c, label: c.toUpperCase() }))}
              onValueChange={(value) => change({ currency: value, explain: undefined })}
              className="w-28"
            />
          ) : undefined
        }
      />
      <RecomputingNotice />
      {body}
    </div>
  );
}
