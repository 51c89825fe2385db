import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarCheckIcon, LockIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PendingButton } from "@/components/pending-button";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { downloadCsv, toCsv } from "@/features/revenue/csv";
import { formatMoney, formatMonth, formatSignedMoney, moneyCell } from "@/features/revenue/format";
import { Restatements } from "@/features/revenue/restatements";
import type { ClosedMonth } from "@/features/revenue/types";
import { errorInfo } from "@/lib/errors";
import { formatCount, formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** "YYYY-MM" of the `back`-th month before the one `now` is in. */
function monthBefore(now: number, back: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1))
    .toISOString()
    .slice(0, 7);
}

/** Ended months not closed yet, newest first, as far back as the charts go. */
export function closableMonths(now: number, closed: readonly string[]): string[] {
  const months = Array.from({ length: 24 }, (_, i) => monthBefore(now, i + 1));
  return months.filter((m) => !closed.includes(m));
}

function CloseMonthDialog({ months, currency }: { months: string[]; currency: string }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [month, setMonth] = useState(months[0]);
  const chosen = month && months.includes(month) ? month : months[0];
  // The figures about to be frozen, for the currency on screen (every currency is closed).
  const from = chosen ? `${chosen}-01` : "";
  const to = chosen ? `${monthBefore(Date.parse(`${chosen}-01T00:00:00Z`), -1)}-01` : "";
  const preview = useQuery({
    ...trpc.admin.revenue.series.queryOptions({ currency, from, to, bucket: "month" }),
    enabled: open && chosen !== undefined,
  });
  const figures = preview.data?.buckets[0];
  const close = useMutation(
    trpc.admin.revenue.closeMonth.mutationOptions({
      onSuccess: async (closed) => {
        toast.success(
          `${formatMonth(closed[0]?.month ?? chosen ?? "")} is closed for ${closed.length} currenc${closed.length === 1 ? "y" : "ies"}.`,
        );
        setOpen(false);
        await queryClient.invalidateQueries(trpc.admin.revenue.closedMonths.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );

  if (!chosen) return null;
  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        <Button>
          <LockIcon aria-hidden="true" />
          Close a month
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Close {formatMonth(chosen)}?</AlertDialogTitle>
          <AlertDialogDescription>
            Its figures are snapshotted for every currency and reported as they are now. Changes
            Stripe reports later for the month do not rewrite them; they are listed as restatements.
            Closing is recorded in the audit log and cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <div className="space-y-3">
          <Select value={chosen} onValueChange={setMonth}>
            <SelectTrigger className="w-full" aria-label="Month to close">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {months.map((m) => (
                <SelectItem key={m} value={m}>
                  {formatMonth(m)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <dl className="grid grid-cols-2 gap-2 rounded-lg border bg-muted/40 p-3 text-sm">
            {preview.isPending ? (
              <Skeleton className="col-span-2 h-10" />
            ) : figures ? (
              <>
                <dt className="text-muted-foreground">
                  MRR at month end ({currency.toUpperCase()})
                </dt>
                <dd className="text-right font-medium tabular-nums">
                  {formatMoney(figures.mrr, currency)}
                </dd>
                <dt className="text-muted-foreground">Net new MRR</dt>
                <dd className="text-right font-medium tabular-nums">
                  {formatSignedMoney(figures.netNew, currency)}
                </dd>
                <dt className="text-muted-foreground">Paying customers</dt>
                <dd className="text-right font-medium tabular-nums">
                  {formatCount(figures.customers)}
                </dd>
              </>
            ) : (
              <p className="col-span-2 text-muted-foreground">
                The month's figures couldn't be previewed; closing still snapshots them.
              </p>
            )}
          </dl>
        </div>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={close.isPending}>Cancel</AlertDialogCancel>
          <PendingButton pending={close.isPending} onClick={() => close.mutate({ month: chosen })}>
            Close {formatMonth(chosen)}
          </PendingButton>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

function closedCsv(months: ClosedMonth[]) {
  return toCsv(
    [
      { header: "month", value: (m) => m.month },
      { header: "currency", value: (m) => m.currency.toUpperCase() },
      { header: "mrr", value: (m) => moneyCell(m.mrr, m.currency) },
      { header: "customers", value: (m) => m.customers },
      { header: "new", value: (m) => moneyCell(m.new, m.currency) },
      { header: "expansion", value: (m) => moneyCell(m.expansion, m.currency) },
      { header: "reactivation", value: (m) => moneyCell(m.reactivation, m.currency) },
      { header: "contraction", value: (m) => moneyCell(m.contraction, m.currency) },
      { header: "churn", value: (m) => moneyCell(m.churn, m.currency) },
      { header: "closed_at", value: (m) => m.closedAt },
      { header: "closed_by", value: (m) => m.closedBy?.email },
    ],
    months,
  );
}

/** Closed months with their frozen figures, closing a month, and what changed after a close. */
export function ClosedMonthsTab({
  currency,
  canClose,
  now,
}: {
  currency: string;
  canClose: boolean;
  now: number;
}) {
  const query = useQuery(trpc.admin.revenue.closedMonths.queryOptions());
  const [selected, setSelected] = useState<string>();

  if (query.isPending) {
    return <Skeleton className="h-64 w-full" role="status" aria-label="Loading closed months" />;
  }
  if (query.isError) {
    return (
      <ErrorState
        title="Closed months couldn't be loaded"
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  }

  const closed = query.data;
  const closedNames = [...new Set(closed.map((m) => m.month))];
  const closable = closableMonths(now, closedNames);
  const shown = selected ?? closedNames[0];

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader className="flex flex-wrap items-start justify-between gap-3">
          <div className="space-y-1.5">
            <CardTitle className="text-base">Closed months</CardTitle>
            <CardDescription>
              Figures as they were when finance closed the month, per currency.
            </CardDescription>
          </div>
          <div className="flex gap-2">
            {closed.length > 0 && (
              <Button
                variant="outline"
                onClick={() => downloadCsv("closed-months.csv", closedCsv(closed))}
              >
                CSV
              </Button>
            )}
            {canClose && <CloseMonthDialog months={closable} currency={currency} />}
          </div>
        </CardHeader>
        <CardContent>
          {closed.length === 0 ? (
            <EmptyState
              icon={CalendarCheckIcon}
              title="No month closed yet"
              description={
                canClose
                  ? "Close a month once its invoices are final to freeze the figures you report."
                  : "Finance closes months once their invoices are final."
              }
              className="border-0 py-8"
            />
          ) : (
            <div className="overflow-x-auto rounded-md border">
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Month</TableHead>
                    <TableHead>Currency</TableHead>
                    <TableHead className="text-right">MRR</TableHead>
                    <TableHead className="text-right">Customers</TableHead>
                    <TableHead className="text-right">Net new</TableHead>
                    <TableHead>Closed</TableHead>
                    <TableHead>
                      <span className="sr-only">Restatements</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {closed.map((m) => (
                    <TableRow key={`${m.month}-${m.currency}`}>
                      <TableCell className="font-medium">{formatMonth(m.month)}</TableCell>
                      <TableCell>{m.currency.toUpperCase()}</TableCell>
                      <TableCell className="text-right tabular-nums">
                        {formatMoney(m.mrr, m.currency)}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">
                        {formatCount(m.customers)}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">
                        {formatSignedMoney(
                          m.new + m.expansion + m.reactivation + m.contraction + m.churn,
                          m.currency,
                        )}
                      </TableCell>
                      <TableCell className="text-xs text-muted-foreground">
                        <time dateTime={m.closedAt}>{formatDateTime(m.closedAt)}</time>
                        {m.closedBy && <div>by {m.closedBy.name}</div>}
                      </TableCell>
                      <TableCell className="text-right">
                        <Button
                          variant="link"
                          className="h-auto p-0"
                          aria-pressed={shown === m.month}
                          onClick={() => setSelected(m.month)}
                        >
                          Changes since close
                          <span className="sr-only">, {formatMonth(m.month)}</span>
                        </Button>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </CardContent>
      </Card>
      {shown && <Restatements month={shown} />}
    </div>
  );
}
