import { useQuery } from "@tanstack/react-query";
import { CheckCircle2Icon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { CustomerLink } from "@/features/revenue/customer-link";
import { formatMoney, formatMonth, formatSignedMoney } from "@/features/revenue/format";
import type { Restatement } from "@/features/revenue/types";
import { formatCount, formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const FIGURE_LABELS: Record<string, string> = {
  mrr: "MRR",
  customers: "Customers",
  new: "New MRR",
  expansion: "Expansion MRR",
  contraction: "Contraction MRR",
  churn: "Churned MRR",
  reactivation: "Reactivation MRR",
};

function figureValue(name: string, value: number, currency: string): string {
  return name === "customers" ? formatCount(value) : formatMoney(value, currency);
}

function CurrencyRestatement({ r }: { r: Restatement }) {
  return (
    <div className="space-y-4">
      <h3 className="text-sm font-semibold">{r.currency.toUpperCase()}</h3>
      <div className="overflow-x-auto rounded-md border">
        <Table
          aria-label={`Figures restated for ${formatMonth(r.month)} in ${r.currency.toUpperCase()}`}
        >
          <TableHeader>
            <TableRow>
              <TableHead>Figure</TableHead>
              <TableHead className="text-right">At close</TableHead>
              <TableHead className="text-right">Now</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {r.figures.map((f) => (
              <TableRow key={f.name}>
                <TableCell>{FIGURE_LABELS[f.name] ?? f.name}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {figureValue(f.name, f.closed, r.currency)}
                </TableCell>
                <TableCell className="text-right font-medium tabular-nums">
                  {figureValue(f.name, f.now, r.currency)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div className="overflow-x-auto rounded-md border">
        <Table aria-label={`Customers whose ${formatMonth(r.month)} MRR changed after close`}>
          <TableHeader>
            <TableRow>
              <TableHead>Customer</TableHead>
              <TableHead className="text-right">MRR at close → now</TableHead>
              <TableHead>Why: changes recorded after the close</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {r.customers.map((c) => (
              <TableRow key={c.customer.stripeCustomerId} className="align-top">
                <TableCell className="max-w-56">
                  <CustomerLink customer={c.customer} />
                </TableCell>
                <TableCell className="text-right whitespace-nowrap tabular-nums">
                  {formatMoney(c.closedMrr, r.currency)} → {formatMoney(c.nowMrr, r.currency)}
                  <div className="text-xs text-muted-foreground">
                    {formatSignedMoney(c.nowMrr - c.closedMrr, r.currency)}
                  </div>
                </TableCell>
                <TableCell>
                  <ul className="space-y-1 text-xs">
                    {c.causes.map((cause, i) => (
                      <li key={`${cause.subscriptionId}-${i}`}>
                        <span className="font-medium">{cause.eventType}</span> on{" "}
                        <span className="font-mono">{cause.subscriptionId}</span>, effective{" "}
                        <time dateTime={cause.effectiveAt}>
                          {formatDateTime(cause.effectiveAt)}
                        </time>
                        , recorded{" "}
                        <time dateTime={cause.recordedAt}>{formatDateTime(cause.recordedAt)}</time>
                        {cause.eventId && (
                          <span className="text-muted-foreground"> ({cause.eventId})</span>
                        )}
                      </li>
                    ))}
                  </ul>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}

/** Currencies in which something moved since the close (the others are listed as unchanged). */
const changedOnly = (list: Restatement[]) =>
  list.filter((r) => r.figures.length > 0 || r.customers.length > 0);

/** What changed in a closed month after it was closed, per currency, and the late changes why. */
export function Restatements({ month }: { month: string }) {
  const query = useQuery(trpc.admin.revenue.restatements.queryOptions({ month }));
  return (
    <Card aria-labelledby="restatements-title" role="region">
      <CardHeader>
        <CardTitle id="restatements-title" className="text-base">
          {formatMonth(month)}: changes since close
        </CardTitle>
        <CardDescription>
          Late webhooks and backfills can change a month after it was closed. The closed figures
          stay as reported; the differences and their causes are listed here.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-6">
        {query.isPending ? (
          <Skeleton className="h-32 w-full" role="status" aria-label="Loading restatements" />
        ) : query.isError ? (
          <ErrorState
            title="Restatements couldn't be loaded"
            error={query.error}
            onRetry={() => void query.refetch()}
          />
        ) : changedOnly(query.data).length === 0 ? (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <CheckCircle2Icon className="size-4 text-success" aria-hidden="true" />
            Nothing changed since {formatMonth(month)} was closed.
          </p>
        ) : (
          changedOnly(query.data).map((r) => <CurrencyRestatement key={r.currency} r={r} />)
        )}
      </CardContent>
    </Card>
  );
}
