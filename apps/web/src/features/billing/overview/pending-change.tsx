import { useQuery } from "@tanstack/react-query";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate, formatMoney } from "@/features/billing/format";
import { per } from "@/features/billing/overview/status";
import { summarizePending } from "@/features/plan/pending-summary";
import { trpc } from "@/lib/trpc";

/** "Changes to Basic (€9.00 / month) on 1 Feb 2026", live from the subscription's schedule. */
export function PendingChange() {
  const change = useQuery({
    ...trpc.portal.subscription.pendingChange.queryOptions(),
    staleTime: 30_000,
    retry: 1,
  });
  if (change.isPending) {
    return (
      <Skeleton className="h-5 w-48" role="status" aria-label="Loading the scheduled change" />
    );
  }
  if (change.isError) {
    return <span className="text-muted-foreground">Couldn't load the scheduled change.</span>;
  }
  if (!change.data) return <span className="text-muted-foreground">None</span>;
  const { name, total, currency, interval, intervalCount } = summarizePending(change.data);
  const price = currency ? ` (${formatMoney(total, currency)}${per(interval, intervalCount)})` : "";
  return (
    <span>
      Changes to <span className="font-medium">{name}</span>
      {price} on {formatDate(change.data.effectiveAt)}
    </span>
  );
}
