import { useQuery } from "@tanstack/react-query";
import { CheckCircle2Icon, DownloadIcon, RefreshCwIcon, ScaleIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PendingButton } from "@/components/pending-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { downloadCsv, toCsv } from "@/features/revenue/csv";
import { CustomerLink } from "@/features/revenue/customer-link";
import { formatMoney, formatSignedMoney, moneyCell } from "@/features/revenue/format";
import type { ReconcileCause, Reconciliation } from "@/features/revenue/types";
import { formatCount, formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const CAUSES: Record<ReconcileCause, { label: string; hint: string }> = {
  missing_in_folio: {
    label: "Missing in Folio",
    hint: "Stripe has a subscription Folio never stored: run `folio stripe sync`.",
  },
  missing_in_stripe: {
    label: "Not in Stripe",
    hint: "Folio counts a subscription Stripe no longer returns.",
  },
  stale_state: {
    label: "Webhook pending",
    hint: "Stripe changed the subscription and Folio has not applied the event yet.",
  },
  unpriced_item: {
    label: "No flat price",
    hint: "An item has a tiered or custom price without a unit amount Folio can value.",
  },
  setting: {
    label: "Recognition setting",
    hint: "Folio's past-due or cancellation setting counts this differently from Stripe's state.",
  },
  rounding: { label: "Rounding", hint: "Normalising to a month rounded differently." },
};

function differencesCsv(r: Reconciliation) {
  return toCsv(
    [
      { header: "stripe_customer_id", value: (d) => d.customer.stripeCustomerId },
      { header: "name", value: (d) => d.customer.name },
      { header: "email", value: (d) => d.customer.email },
      { header: "currency", value: (d) => d.currency.toUpperCase() },
      { header: "folio_mrr", value: (d) => moneyCell(d.folioMrr, d.currency) },
      { header: "stripe_mrr", value: (d) => moneyCell(d.stripeMrr, d.currency) },
      { header: "difference", value: (d) => moneyCell(d.difference, d.currency) },
      {
        header: "causes",
        value: (d) =>
          d.causes.map((c) => `${c.cause} ${c.subscriptionId}: ${c.detail}`).join(" | "),
      },
    ],
    r.differences,
  );
}

function Result({ r }: { r: Reconciliation }) {
  return (
    <div className="space-y-6">
      <p className="text-sm text-muted-foreground">
        Checked <time dateTime={r.checkedAt}>{formatDateTime(r.checkedAt)}</time>:{" "}
        {formatCount(r.subscriptions)} subscriptions of {formatCount(r.customers)} customers.
      </p>
      <div className="overflow-x-auto rounded-md border">
        <Table aria-label="MRR totals, Folio against Stripe">
          <TableHeader>
            <TableRow>
              <TableHead>Currency</TableHead>
              <TableHead className="text-right">Folio</TableHead>
              <TableHead className="text-right">Stripe</TableHead>
              <TableHead className="text-right">Difference</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {r.totals.map((t) => (
              <TableRow key={t.currency}>
                <TableCell>{t.currency.toUpperCase()}</TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatMoney(t.folioMrr, t.currency)}
                </TableCell>
                <TableCell className="text-right tabular-nums">
                  {formatMoney(t.stripeMrr, t.currency)}
                </TableCell>
                <TableCell className="text-right font-medium tabular-nums">
                  {formatSignedMoney(t.folioMrr - t.stripeMrr, t.currency)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {r.differences.length === 0 ? (
        <p className="flex items-center gap-2 text-sm font-medium text-success">
          <CheckCircle2Icon className="size-4" aria-hidden="true" />
          Every customer's MRR matches Stripe.
        </p>
      ) : (
        <div className="space-y-2">
          <div className="flex items-center justify-between gap-2">
            <h3 className="text-sm font-semibold">
              {formatCount(r.differences.length)} customer
              {r.differences.length === 1 ? "" : "s"} differ
            </h3>
            <Button
              variant="outline"
              size="sm"
              onClick={() =>
                downloadCsv(`reconciliation-${r.checkedAt.slice(0, 10)}.csv`, differencesCsv(r))
              }
            >
              <DownloadIcon aria-hidden="true" />
              CSV
            </Button>
          </div>
          <div className="overflow-x-auto rounded-md border">
            <Table aria-label="Customers whose MRR differs from Stripe">
              <TableHeader>
                <TableRow>
                  <TableHead>Customer</TableHead>
                  <TableHead className="text-right">Folio</TableHead>
                  <TableHead className="text-right">Stripe</TableHead>
                  <TableHead className="text-right">Difference</TableHead>
                  <TableHead>Cause</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {r.differences.map((d) => (
                  <TableRow
                    key={`${d.customer.stripeCustomerId}-${d.currency}`}
                    className="align-top"
                  >
                    <TableCell className="max-w-56">
                      <CustomerLink customer={d.customer} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMoney(d.folioMrr, d.currency)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMoney(d.stripeMrr, d.currency)}
                    </TableCell>
                    <TableCell className="text-right font-medium tabular-nums">
                      {formatSignedMoney(d.difference, d.currency)}
                    </TableCell>
                    <TableCell>
                      <ul className="space-y-1.5">
                        {d.causes.map((c, i) => (
                          <li key={`${c.subscriptionId}-${i}`} className="text-xs">
                            <Badge variant="warning">{CAUSES[c.cause].label}</Badge>{" "}
                            <span className="font-mono">{c.subscriptionId}</span>
                            <div className="text-muted-foreground">
                              {c.detail || CAUSES[c.cause].hint}
                            </div>
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
      )}
    </div>
  );
}

/**
 * Folio's MRR per customer against a computation from Stripe's live subscriptions. It reads
 * every subscription from Stripe, so it runs when asked, not on page load.
 */
export function ReconcileTab() {
  const query = useQuery({
    ...trpc.admin.revenue.reconciliation.queryOptions({}),
    enabled: false,
    staleTime: Infinity,
    retry: false,
  });
  const run = () => void query.refetch();

  return (
    <Card>
      <CardHeader className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1.5">
          <CardTitle className="text-base">Reconcile with Stripe</CardTitle>
          <CardDescription>
            Compares each customer's MRR in Folio with the same calculation on Stripe's current
            subscriptions (every status, every page), in every currency.
          </CardDescription>
        </div>
        <PendingButton pending={query.isFetching} onClick={run}>
          {!query.isFetching && <RefreshCwIcon aria-hidden="true" />}
          {query.data ? "Run again" : "Run reconciliation"}
        </PendingButton>
      </CardHeader>
      <CardContent>
        {query.isError ? (
          <ErrorState title="Reconciliation failed" error={query.error} onRetry={run} />
        ) : query.data ? (
          <Result r={query.data} />
        ) : (
          <EmptyState
            icon={ScaleIcon}
            title={query.isFetching ? "Reading Stripe's subscriptions…" : "Not run yet"}
            description="It reads every subscription from Stripe, which can take a while on a large account."
            className="border-0 py-8"
          />
        )}
      </CardContent>
    </Card>
  );
}
