import { useInfiniteQuery } from "@tanstack/react-query";
import { CheckCircle2Icon, DownloadIcon, TriangleAlertIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { PendingButton } from "@/components/pending-button";
import { Badge } from "@/components/ui/badge";
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
import { movementConfig } from "@/features/revenue/movement-kinds";
import type { ExplainTarget } from "@/features/revenue/search";
import type { Explanation, ExplanationRow } from "@/features/revenue/types";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** Rows per page; the total (the server's Σ over the whole list) covers every page. */
const PAGE_SIZE = 100;

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

const nextPage = { getNextPageParam: (page: Explanation) => page.nextCursor ?? undefined };

function useExplanation(currency: string, target: ExplainTarget) {
  const mrr = useInfiniteQuery({
    ...trpc.admin.revenue.explainMrr.infiniteQueryOptions(
      { currency, at: target.what === "mrr" ? target.at : "", limit: PAGE_SIZE },
      nextPage,
    ),
    enabled: target.what === "mrr",
  });
  const movements = useInfiniteQuery({
    ...trpc.admin.revenue.explainMovements.infiniteQueryOptions(
      {
        currency,
        from: target.what === "movements" ? target.from : "",
        to: target.what === "movements" ? target.to : "",
        ...(target.what === "movements" && target.kind ? { kind: target.kind } : {}),
        limit: PAGE_SIZE,
      },
      nextPage,
    ),
    enabled: target.what === "movements",
  });
  return target.what === "mrr" ? mrr : movements;
}

/**
 * Says whether the list adds up to the number clicked: the server's Σ over the whole list (every
 * page), and — once every page is shown — the sum of the rows themselves.
 */
function SumCheck({
  first,
  rows,
  clicked,
  label,
}: {
  first: Explanation;
  rows: ExplanationRow[];
  clicked: number | null;
  label: string;
}) {
  const { currency, total, count } = first;
  const sum = sumOfRows(rows);
  const complete = rows.length === count;
  const matches = (clicked === null || clicked === total) && (!complete || sum === total);
  const plural = (n: number) => `${formatCount(n)} row${n === 1 ? "" : "s"}`;
  return (
    <div
      className="grid gap-1.5 rounded-lg border bg-muted/40 p-3 text-sm"
      data-testid="explain-sum"
      data-sum={sum}
      data-total={total}
      data-count={count}
      data-shown={rows.length}
      data-clicked={clicked ?? undefined}
    >
      {clicked !== null && (
        <div className="flex justify-between gap-4">
          <span className="text-muted-foreground">{label} on the chart</span>
          <span className="font-medium tabular-nums">{formatMoney(clicked, currency)}</span>
        </div>
      )}
      <div className="flex justify-between gap-4">
        <span className="text-muted-foreground">Sum of all {plural(count)}</span>
        <span className="font-medium tabular-nums">{formatMoney(total, currency)}</span>
      </div>
      {complete ? (
        rows.length > 0 && (
          <div className="flex justify-between gap-4">
            <span className="text-muted-foreground">Sum of the {plural(rows.length)} below</span>
            <span className="font-medium tabular-nums">{formatMoney(sum, currency)}</span>
          </div>
        )
      ) : (
        <p className="text-muted-foreground">
          {formatCount(rows.length)} of {plural(count)} below; show more to see the rest.
        </p>
      )}
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
          : `The list is ${formatSignedMoney((complete ? sum : total) - (clicked ?? total), currency)} off the figure. Please report this.`}
      </p>
    </div>
  );
}

function explanationCsv(currency: string, rows: ExplanationRow[]) {
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
    rows,
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

  const first = query.data.pages[0]!;
  const rows = query.data.pages.flatMap((p) => p.rows);
  const movements = target.what === "movements";
  /** The CSV has every row: the pages not loaded yet are fetched first. */
  const downloadAll = async () => {
    let result = { data: query.data, hasNextPage: query.hasNextPage };
    while (result.hasNextPage) {
      const next = await query.fetchNextPage({ throwOnError: true });
      result = { data: next.data ?? result.data, hasNextPage: next.hasNextPage };
    }
    downloadCsv(
      `${title.toLowerCase().replaceAll(" ", "-")}-${currency}-${target.what === "mrr" ? target.at : `${target.from}_${target.to}`}.csv`,
      explanationCsv(
        currency,
        result.data.pages.flatMap((p) => p.rows),
      ),
    );
  };
  return (
    <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 pb-6">
      <SumCheck first={first} rows={rows} clicked={clicked} label={title} />
      <div className="flex justify-end">
        <PendingButton
          variant="outline"
          size="sm"
          pending={query.isFetchingNextPage}
          onClick={() => void downloadAll()}
        >
          <DownloadIcon aria-hidden="true" />
          CSV
        </PendingButton>
      </div>
      {rows.length === 0 ? (
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
      {query.hasNextPage && (
        <PendingButton
          variant="outline"
          className="w-full"
          pending={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          Show more ({formatCount(rows.length)} of {formatCount(first.count)} shown)
        </PendingButton>
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
