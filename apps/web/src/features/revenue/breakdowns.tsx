import { useQuery } from "@tanstack/react-query";
import { lazy } from "react";
import type { ChartConfig } from "@/components/ui/chart";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { ChartCard } from "@/features/revenue/chart-card";
import { toCsv } from "@/features/revenue/csv";
import { formatMoney, formatRate, moneyCell } from "@/features/revenue/format";
import { formatCount } from "@/lib/format";
import { useDeferredQuery } from "@/lib/deferred-query";
import { trpc } from "@/lib/trpc";

interface Window {
  from: string;
  to: string;
}

// Recharts is a large module: fetched and run when a chart is first drawn, not with the page.
const CategoryBars = lazy(() => import("@/features/revenue/category-bars"));

const planConfig = { amount: { label: "MRR", color: "var(--chart-2)" } } satisfies ChartConfig;

/** MRR by product now. */
export function PlanMixCard({ currency }: { currency: string }) {
  const query = useDeferredQuery(useQuery(trpc.admin.revenue.planMix.queryOptions({ currency })));
  const plans = query.data ?? [];
  const data = plans.map((p) => ({ name: p.productName ?? p.productId, amount: p.mrr }));
  return (
    <ChartCard
      title="Plan mix"
      description="MRR by product today."
      query={query}
      empty={
        query.data && plans.length === 0 ? (
          <p className="py-10 text-center text-sm text-muted-foreground">
            No paying subscriptions.
          </p>
        ) : undefined
      }
      csv={
        query.data
          ? () => ({
              filename: `plan-mix-${currency}.csv`,
              content: toCsv(
                [
                  { header: "product_id", value: (p) => p.productId },
                  { header: "product", value: (p) => p.productName },
                  { header: "currency", value: () => currency.toUpperCase() },
                  { header: "mrr", value: (p) => moneyCell(p.mrr, currency) },
                  { header: "subscriptions", value: (p) => p.subscriptions },
                ],
                plans,
              ),
            })
          : null
      }
      chart={<CategoryBars data={data} currency={currency} config={planConfig} title="Plan mix" />}
      table={
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Product</TableHead>
              <TableHead className="text-right">MRR</TableHead>
              <TableHead className="text-right">Subscriptions</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {plans.map((p) => (
              <TableRow key={p.productId}>
                <TableCell>{p.productName ?? p.productId}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatMoney(p.mrr, currency)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatCount(p.subscriptions)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      }
    />
  );
}

// Stripe's cancellation_details.feedback values (the portal's survey), in finance's words.
const REASON_LABELS: Record<string, string> = {
  too_expensive: "Too expensive",
  missing_features: "Missing features",
  switched_service: "Switched service",
  unused: "Not used enough",
  customer_service: "Customer service",
  too_complex: "Too complex",
  low_quality: "Low quality",
  other: "Other",
  unknown: "No reason given",
};
const reasonLabel = (reason: string) => REASON_LABELS[reason] ?? reason;

const churnConfig = {
  amount: { label: "Churned MRR", color: "var(--chart-4)" },
} satisfies ChartConfig;

/** Churned MRR in the chart's window by the reason customers gave when cancelling. */
export function ChurnReasonsCard({ currency, window }: { currency: string; window: Window }) {
  const query = useDeferredQuery(
    useQuery(trpc.admin.revenue.churnReasons.queryOptions({ currency, ...window })),
  );
  const reasons = query.data ?? [];
  // Churn amounts are negative; bars read better as the size of the loss.
  const data = reasons.map((r) => ({ name: reasonLabel(r.reason), amount: Math.abs(r.mrr) }));
  return (
    <ChartCard
      title="Churn by reason"
      description="Churned MRR in the chart's period, by the reason given when cancelling."
      query={query}
      empty={
        query.data && reasons.length === 0 ? (
          <p className="py-10 text-center text-sm text-muted-foreground">
            No customer churned in this period.
          </p>
        ) : undefined
      }
      csv={
        query.data
          ? () => ({
              filename: `churn-by-reason-${currency}-${window.from}_${window.to}.csv`,
              content: toCsv(
                [
                  { header: "reason", value: (r) => r.reason },
                  { header: "currency", value: () => currency.toUpperCase() },
                  { header: "churned_mrr", value: (r) => moneyCell(r.mrr, currency) },
                  { header: "customers", value: (r) => r.customers },
                  { header: "comments", value: (r) => r.comments.join(" | ") },
                ],
                reasons,
              ),
            })
          : null
      }
      chart={
        <div className="space-y-4">
          <CategoryBars
            data={data}
            currency={currency}
            config={churnConfig}
            title="Churn by reason"
          />
          <Comments reasons={reasons} />
        </div>
      }
      table={
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Reason</TableHead>
              <TableHead className="text-right">Churned MRR</TableHead>
              <TableHead className="text-right">Customers</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {reasons.map((r) => (
              <TableRow key={r.reason}>
                <TableCell>{reasonLabel(r.reason)}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatMoney(Math.abs(r.mrr), currency)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatCount(r.customers)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      }
    />
  );
}

function Comments({ reasons }: { reasons: { reason: string; comments: string[] }[] }) {
  const comments = reasons.flatMap((r) => r.comments.map((c) => ({ reason: r.reason, text: c })));
  if (comments.length === 0) return null;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">
        What customers wrote ({formatCount(comments.length)})
      </summary>
      <ul className="mt-2 max-h-48 space-y-2 overflow-y-auto">
        {comments.map((c, i) => (
          <li key={i} className="rounded-md bg-muted/50 px-3 py-2">
            <span className="text-xs text-muted-foreground">{reasonLabel(c.reason)}: </span>
            {c.text}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Trials running now and how the ones that ended in the chart's window turned out. */
export function TrialPipelineCard({ currency, window }: { currency: string; window: Window }) {
  const query = useDeferredQuery(
    useQuery(trpc.admin.revenue.trialPipeline.queryOptions({ currency, ...window })),
  );
  const t = query.data;
  const ended = t ? t.converted + t.lapsed : 0;
  const figures = t
    ? [
        { label: "Trialing now", value: formatCount(t.trialing) },
        { label: "MRR if all convert", value: formatMoney(t.potentialMrr, currency) },
        { label: "Ending in 7 days", value: formatCount(t.endingSoon) },
        { label: "Converted in period", value: formatCount(t.converted) },
        { label: "Lapsed in period", value: formatCount(t.lapsed) },
        { label: "Conversion", value: formatRate(ended === 0 ? null : t.converted / ended) },
      ]
    : [];
  return (
    <ChartCard
      title="Trial pipeline"
      description="Trials running now, and how the trials that ended in the chart's period turned out."
      query={query}
      csv={
        t
          ? () => ({
              filename: `trial-pipeline-${currency}-${window.from}_${window.to}.csv`,
              content: toCsv(
                [
                  { header: "currency", value: () => currency.toUpperCase() },
                  { header: "trialing", value: () => t.trialing },
                  { header: "potential_mrr", value: () => moneyCell(t.potentialMrr, currency) },
                  { header: "ending_in_7_days", value: () => t.endingSoon },
                  { header: "converted", value: () => t.converted },
                  { header: "lapsed", value: () => t.lapsed },
                ],
                [t],
              ),
            })
          : null
      }
      chart={
        <dl className="grid grid-cols-2 gap-x-4 gap-y-3">
          {figures.map((f) => (
            <div key={f.label}>
              <dt className="text-xs text-muted-foreground">{f.label}</dt>
              <dd className="text-lg font-semibold tabular-nums">{f.value}</dd>
            </div>
          ))}
        </dl>
      }
    />
  );
}
