import { useQuery } from "@tanstack/react-query";
import { RotateCwIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate, formatMoney } from "@/features/billing/format";
import { trpc } from "@/lib/trpc";

// Stripe computes it (proration, discounts, credit); a short cache spares it on tab switches.
const NEXT_CHARGE_STALE_MS = 30_000;

/** "€51.00 on 1 Feb 2026", live from Stripe's upcoming invoice preview. */
export function NextCharge() {
  const next = useQuery({
    ...trpc.portal.subscription.nextCharge.queryOptions(),
    staleTime: NEXT_CHARGE_STALE_MS,
    retry: 1,
  });
  if (next.isPending) {
    return <Skeleton className="h-5 w-40" role="status" aria-label="Loading the next charge" />;
  }
  if (next.isError) {
    return (
      <span className="flex flex-wrap items-center gap-2 text-muted-foreground">
        Couldn't load the next charge.
        <Button variant="link" size="sm" className="h-auto p-0" onClick={() => void next.refetch()}>
          <RotateCwIcon aria-hidden="true" />
          Try again
        </Button>
      </span>
    );
  }
  if (!next.data) return <span className="text-muted-foreground">No further charges</span>;
  const { amountDue, total, currency, date } = next.data;
  return (
    <span>
      <span className="font-medium tabular-nums">{formatMoney(amountDue, currency)}</span> on{" "}
      {formatDate(date)}
      {amountDue < total && (
        <span className="block text-xs text-muted-foreground">
          {formatMoney(total, currency)} less your account credit
        </span>
      )}
    </span>
  );
}
