import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { GaugeIcon, ReceiptTextIcon, SparklesIcon } from "lucide-react";
import { lazy, Suspense } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate } from "@/features/billing/format";
import { ProductCard } from "@/features/shop/product-card";
import { transactionColumns } from "@/features/usage/columns";
import { usageTransactionsSearch, type MeterUsage } from "@/features/usage/search";
import { UsageAlerts } from "@/features/usage/usage-alerts";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

// Recharts is loaded with the chart, after the numbers are on screen.
const UsageChart = lazy(() =>
  import("@/features/usage/usage-chart").then((m) => ({ default: m.UsageChart })),
);

const routeApi = getRouteApi("/billing/usage");

/** "call" → "calls", "summary" → "summaries". */
const plural = (unit: string) => (/[^aeiou]y$/.test(unit) ? `${unit.slice(0, -1)}ies` : `${unit}s`);

function Meter({ meter }: { meter: MeterUsage }) {
  const unit = (n: number) =>
    `${formatCount(n)} ${n === 1 ? meter.unitLabel : plural(meter.unitLabel)}`;
  const included = meter.included;
  const share = included ? (included - (meter.includedRemaining ?? 0)) / included : 0;
  const headingId = `meter-${meter.meter}`;
  return (
    <Card role="group" aria-labelledby={headingId}>
      <CardHeader className="space-y-1">
        <CardTitle id={headingId}>{meter.name}</CardTitle>
        <CardDescription>
          This period: {formatDate(meter.periodStart)} – {formatDate(meter.periodEnd)}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="space-y-2">
          <p className="text-2xl font-semibold tabular-nums">
            {unit(meter.used)}
            <span className="text-sm font-normal text-muted-foreground">
              {" "}
              {included === null
                ? "· unlimited"
                : included === 0
                  ? "· paid with credits"
                  : `of ${formatCount(included)} included`}
            </span>
          </p>
          {included !== null && included > 0 && (
            <div
              role="progressbar"
              aria-label={`${meter.name} allowance used`}
              aria-valuemin={0}
              aria-valuemax={included}
              aria-valuenow={included - (meter.includedRemaining ?? 0)}
              className="h-2 overflow-hidden rounded-full bg-muted"
            >
              <div
                className="h-full rounded-full bg-primary"
                style={{ width: `${share * 100}%` }}
              />
            </div>
          )}
          <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-muted-foreground">Allowance left</dt>
              <dd className="font-medium tabular-nums">
                {meter.includedRemaining === null
                  ? "Unlimited"
                  : formatCount(meter.includedRemaining)}
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Paid with credits</dt>
              <dd className="font-medium tabular-nums">{formatCount(meter.creditsUsed)}</dd>
            </div>
            {meter.overage === "metered" && (
              <div>
                <dt className="text-muted-foreground">Billed on your invoice</dt>
                <dd className="font-medium tabular-nums">{formatCount(meter.overageQuantity)}</dd>
              </div>
            )}
          </dl>
        </div>
        <Suspense fallback={<Skeleton className="h-48 w-full" />}>
          <UsageChart meter={meter} />
        </Suspense>
      </CardContent>
    </Card>
  );
}

function BuyCredits() {
  const shop = useQuery(trpc.catalog.shop.queryOptions());
  const packs = shop.data?.products.filter((p) => p.kind === "credits") ?? [];
  if (shop.isPending) return <Skeleton className="h-64 rounded-xl" />;
  if (shop.isError) {
    return (
      <ErrorState
        title="Credit packs could not be loaded"
        error={shop.error}
        onRetry={() => void shop.refetch()}
      />
    );
  }
  if (packs.length === 0) {
    return (
      <EmptyState
        icon={SparklesIcon}
        title="No credit packs on sale"
        description="Credit packs appear here as soon as they are published."
      />
    );
  }
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {packs.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </div>
  );
}

/** This period's usage against the plan, the credit balance, buying credits and the history. */
export function UsagePage() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const overview = useQuery(trpc.portal.usage.overview.queryOptions());
  const transactions = useQuery({
    ...trpc.portal.usage.transactions.queryOptions(usageTransactionsSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });

  let summary;
  if (overview.isPending) {
    summary = (
      <div className="grid gap-4 md:grid-cols-3" aria-busy="true">
        <Skeleton className="h-72 rounded-xl md:col-span-2" />
        <Skeleton className="h-40 rounded-xl" />
      </div>
    );
  } else if (overview.isError) {
    summary = (
      <ErrorState
        title="Your usage couldn't be loaded"
        error={overview.error}
        onRetry={() => void overview.refetch()}
      />
    );
  } else {
    const { meters, credits, alerts } = overview.data;
    summary = (
      <div className="space-y-4">
        <UsageAlerts alerts={alerts} />
        <div className="grid items-start gap-4 md:grid-cols-3">
          <div className="grid gap-4 md:col-span-2">
            {meters.length === 0 ? (
              <EmptyState
                icon={GaugeIcon}
                title="No usage this period"
                description="Usage your apps report through the API shows up here, day by day."
              />
            ) : (
              meters.map((m) => <Meter key={m.meter} meter={m} />)
            )}
          </div>
          <Card>
            <CardHeader>
              <CardTitle>
                <h2>Credit balance</h2>
              </CardTitle>
              <CardDescription>
                Credits pay for usage past your plan&apos;s allowance.
              </CardDescription>
            </CardHeader>
            <CardContent className="space-y-2">
              <p className="text-3xl font-semibold tabular-nums" data-testid="credit-balance">
                {formatCount(credits.balance)}
              </p>
              <a
                href="#buy-credits"
                className="text-sm font-medium text-primary underline-offset-4 hover:underline"
              >
                Buy credits
              </a>
            </CardContent>
          </Card>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-8">
      <PageHeader title="Usage" description="What you used this period and your credits." />
      {summary}
      <section
        id="buy-credits"
        aria-labelledby="buy-credits-heading"
        className="space-y-3 scroll-mt-24"
      >
        <div>
          <h2 id="buy-credits-heading" className="text-lg font-semibold">
            Buy credits
          </h2>
          <p className="text-sm text-muted-foreground">
            Paid once through Stripe&apos;s secure checkout; the credits are yours as soon as it
            goes through.
          </p>
        </div>
        <BuyCredits />
      </section>
      <section aria-labelledby="usage-transactions" className="space-y-3">
        <h2 id="usage-transactions" className="text-lg font-semibold">
          Transactions
        </h2>
        <DataTable
          label="Credit transactions"
          columns={transactionColumns}
          getRowId={(row) => String(row.id)}
          query={transactions}
          search={search}
          onNavigate={(patch) =>
            void navigate({ search: (prev) => usageTransactionsSearch.apply(prev, patch) })
          }
          errorTitle="Your transactions couldn't be loaded"
          noun={["transaction", "transactions"]}
          order="newest first"
          empty={
            <EmptyState
              icon={ReceiptTextIcon}
              title="No transactions yet"
              description="Credit packs you buy, credits from our team and usage paid with credits are listed here."
              className="m-4 border-0"
            />
          }
        />
      </section>
    </div>
  );
}
