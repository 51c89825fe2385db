import { useQuery } from "@tanstack/react-query";
import { CheckCircle2Icon, DownloadIcon, TriangleAlertIcon } from "lucide-react";
import { useState } from "react";
import { ErrorState } from "@/components/error-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { toCsv, downloadCsv } from "@/features/revenue/csv";
import { CustomerLink } from "@/features/revenue/customer-link";
import { sumOfRows } from "@/features/revenue/explain";
import { formatDay, formatMoney, formatSignedMoney, moneyCell } from "@/features/revenue/format";
import { movementConfig } from "@/features/revenue/movements-chart";
import type { ExplainTarget } from "@/features/revenue/search";
import type { Explanation } from "@/features/revenue/types";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** Rows shown before "Show all"; the sum and the CSV always cover every row. */
const FIRST_ROWS = 100;

const DAY = 86_400_000;
const dayBefore = (isoDay: string) => new Date(Date.parse(isoDay) - DAY).toISOString().slice(0, 10);

function describe(target: ExplainTarget): { title: string; period: string } {
  if (target.what === "mrr") {
    return { title: "MRR", period: `at the end of ${formatDay(dayBefore(target.at))}` };
  }
  const name = target.kind ? `${movementConfig[target.kind].label} MRR` : "Net new MRR";
  return {
    title: name,
    period: `${formatDay(target.from)} – ${formatDay(dayBefore(target.to))}`,
  };
}

function useExplanation(currency: string, target: ExplainTarget) {
  const mrr = useQuery({
    ...trpc.admin.revenue.explainMrr.queryOptions({
      currency,
      at: target.what === "mrr" ? target.at : "",
    }),
    enabled: target.what === "mrr",
  });
  const movements = useQuery({
    ...trpc.admin.revenue.explainMovements.queryOptions({
      currency,
      from: target.what === "movements" ? target.from : "",
      to: target.what === "movements" ? target.to : "",
      ...(target.what === "movements" && target.kind ? { kind: target.kind } : {}),
    }),
    enabled: target.what === "movements",
  });
  return target.what === "mrr" ? mrr : movements;
}

/** Says whether the list adds up to the number clicked, and to the server's total. */
function SumCheck({
  explanation,
  clicked,
  label,
}: {
  explanation: Explanation;
  clicked: number | null;
  label: string;
}) {
  const sum = sumOfRows(explanation);
  const { currency } = explanation;
  const matches = sum === explanation.total && (clicked === null || clicked === sum);
  return (
    <div
      className="grid gap-1.5 rounded-lg border bg-muted/40 p-3 text-sm"
      data-testid="explain-sum"
      data-sum={sum}
      data-total={explanation.total}
      data-clicked={clicked ?? undefined}
    >
      {clicked !== null && (
        <div className="flex justify-between gap-4">
          <span className="text-muted-foreground">{label} on the chart</span>
          <span className="font-medium tabular-nums">{formatMoney(clicked, currency)}</span>
        </div>
      )}
      <div className="flex justify-between gap-4">
        <span className="text-muted-foreground">
          Sum of {formatCount(explanation.rows.length)} row
          {explanation.rows.length === 1 ? "" : "s"} below
        </span>
        <span className="font-medium tabular-nums">{formatMoney(sum, currency)}</span>
      </div>
      <p
        className={
          matches
            ? "flex items-center gap-1.5 font-medium text-success"
            : "flex items-center gap-1.5 font-medium text-destructive"
        }
      >
        {matches ? (
          <CheckCircle2Icon className="size-4" aria-hidden="true" />
        ) : (
          <TriangleAlertIcon className="size-4" aria-hidden="true" />
        )}
        {matches
          ? "The list adds up to the figure."
          : `The list is ${formatSignedMoney(sum - (clicked ?? explanation.total), currency)} off the figure. Please report this.`}
      </p>
    </div>
  );
}

function explanationCsv(explanation: Explanation) {
  const { currency } = explanation;
  return toCsv(
    [
      { header: "stripe_customer_id", value: (r) => r.customer.stripeCustomerId },
      { header: "name", value: (r) => r.customer.name },
      { header: "email", value: (r) => r.customer.email },
      { header: "kind", value: (r) => r.kind ?? "mrr" },
      { header: "currency", value: () => currency.toUpperCase() },
      { header: "amount", value: (r) => moneyCell(r.amount, currency) },
      { header: "mrr_before", value: (r) => moneyCell(r.mrrBefore, currency) },
      { header: "mrr_after", value: (r) => moneyCell(r.mrrAfter, currency) },
      { header: "at", value: (r) => r.at },
      { header: "subscriptions", value: (r) => r.subscriptionIds.join(" ") },
    ],
    explanation.rows,
  );
}

function ExplanationBody({
  currency,
  target,
  clicked,
}: {
  currency: string;
  target: ExplainTarget;
  clicked: number | null;
}) {
  const query = useExplanation(currency, target);
  const [showAll, setShowAll] = useState(false);
  const { title, period } = describe(target);

  if (query.isPending) {
    return (
      <div className="space-y-3 px-4" role="status" aria-label="Loading">
        <Skeleton className="h-20" />
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-9" />
        ))}
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="px-4">
        <ErrorState
          title="The customers behind this figure couldn't be loaded"
          error={query.error}
          onRetry={() => void query.refetch()}
        />
      </div>
    );
  }

  const explanation = query.data;
  const rows = showAll ? explanation.rows : explanation.rows.slice(0, FIRST_ROWS);
  const movements = target.what === "movements";
  return (
    <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 pb-6">
      <SumCheck explanation={explanation} clicked={clicked} label={title} />
      <div className="flex justify-end">
        <Button
          variant="outline"
          size="sm"
          onClick={() =>
            downloadCsv(
              `${title.toLowerCase().replaceAll(" ", "-")}-${currency}-${target.what === "mrr" ? target.at : `${target.from}_${target.to}`}.csv`,
              explanationCsv(explanation),
            )
          }
        >
          <DownloadIcon aria-hidden="true" />
          CSV
        </Button>
      </div>
      {explanation.rows.length === 0 ? (
        <p className="py-8 text-center text-sm text-muted-foreground">
          No customer contributed to this figure.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <Table aria-label={`Customers behind ${title} ${period}`}>
            <TableHeader>
              <TableRow>
                <TableHead>Customer</TableHead>
                {movements && <TableHead>Change</TableHead>}
                <TableHead className="text-right">{movements ? "Amount" : "MRR"}</TableHead>
                {movements && <TableHead className="text-right">MRR before → after</TableHead>}
                <TableHead>Subscriptions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row, i) => (
                <TableRow
                  key={`${row.customer.stripeCustomerId}-${row.at}-${i}`}
                  data-testid="explain-row"
                  data-amount={row.amount}
                >
                  <TableCell className="max-w-56">
                    <CustomerLink customer={row.customer} />
                  </TableCell>
                  {movements && (
                    <TableCell>
                      <div className="flex flex-col gap-1">
                        {row.kind && (
                          <Badge variant={row.amount < 0 ? "destructive" : "success"}>
                            {movementConfig[row.kind].label}
                          </Badge>
                        )}
                        <time dateTime={row.at} className="text-xs text-muted-foreground">
                          {formatDay(row.at)}
                        </time>
                      </div>
                    </TableCell>
                  )}
                  <TableCell className="text-right font-medium tabular-nums">
                    {movements
                      ? formatSignedMoney(row.amount, currency)
                      : formatMoney(row.amount, currency)}
                  </TableCell>
                  {movements && (
                    <TableCell className="text-right text-xs whitespace-nowrap text-muted-foreground tabular-nums">
                      {formatMoney(row.mrrBefore, currency)} → {formatMoney(row.mrrAfter, currency)}
                    </TableCell>
                  )}
                  <TableCell className="font-mono text-xs text-muted-foreground">
                    {row.subscriptionIds.map((id) => (
                      <div key={id}>{id}</div>
                    ))}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {!showAll && explanation.rows.length > FIRST_ROWS && (
        <Button variant="outline" className="w-full" onClick={() => setShowAll(true)}>
          Show all {formatCount(explanation.rows.length)} rows
        </Button>
      )}
    </div>
  );
}

/** "Explain any number": the customers and subscription changes behind a clicked figure. */
export function ExplainSheet({
  currency,
  target,
  clicked,
  onClose,
}: {
  currency: string;
  target: ExplainTarget | undefined;
  clicked: number | null;
  onClose: () => void;
}) {
  const text = target ? describe(target) : null;
  return (
    <Sheet open={target !== undefined} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="flex w-full flex-col gap-0 sm:max-w-2xl">
        <SheetHeader>
          <SheetTitle>
            {text ? `${text.title}, ${text.period}` : "Explain"} ({currency.toUpperCase()})
          </SheetTitle>
          <SheetDescription>
            {target?.what === "mrr"
              ? "Every customer paying a subscription at that moment, with the MRR each one brings."
              : "Every customer whose MRR moved in the period, with the subscriptions that made it move."}
          </SheetDescription>
        </SheetHeader>
        {target && <ExplanationBody currency={currency} target={target} clicked={clicked} />}
      </SheetContent>
    </Sheet>
  );
}
