import { useQuery } from "@tanstack/react-query";
import type { LucideIcon } from "lucide-react";
import {
  AlertTriangleIcon,
  CheckCircle2Icon,
  ClockIcon,
  CloudOffIcon,
  SkullIcon,
} from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatCount, formatDateTime, formatDuration } from "@/lib/format";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

function Kpi({
  label,
  value,
  detail,
  icon: Icon,
  tone,
}: {
  label: string;
  value: string;
  detail: string;
  icon: LucideIcon;
  tone?: "warning" | "destructive";
}) {
  return (
    <Card className="gap-2 py-5">
      <CardHeader className="flex flex-row items-center justify-between gap-2 px-5">
        <CardDescription>{label}</CardDescription>
        <Icon
          className={cn(
            "size-4 text-muted-foreground",
            tone === "warning" && "text-warning",
            tone === "destructive" && "text-destructive",
          )}
          aria-hidden="true"
        />
      </CardHeader>
      <CardContent className="space-y-1 px-5">
        <CardTitle className="text-2xl font-semibold tabular-nums">{value}</CardTitle>
        <p className="text-xs text-muted-foreground">{detail}</p>
      </CardContent>
    </Card>
  );
}

/** Stripe's API stopped answering the worker: say since when and what it means for the inbox. */
function StripeUnreachable({ since }: { since: string }) {
  return (
    <div
      role="alert"
      className="flex items-start gap-3 rounded-xl border border-destructive/40 bg-destructive/5 p-4 text-sm sm:col-span-2 xl:col-span-4"
    >
      <CloudOffIcon className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden="true" />
      <div className="space-y-1">
        <p className="font-medium">
          Stripe unreachable since <time dateTime={since}>{formatDateTime(since)}</time>
        </p>
        <p className="text-muted-foreground">
          Events that need to fetch from Stripe are waiting and retried with backoff; the rest keep
          applying. Nothing is dead-lettered for the outage until it has lasted three days.
        </p>
      </div>
    </div>
  );
}

/** Health of the webhook pipeline at a glance; refreshed while the page is open. */
export function WebhookStats() {
  const stats = useQuery({ ...trpc.admin.webhooks.stats.queryOptions(), refetchInterval: 15_000 });

  if (stats.isPending) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" role="status" aria-label="Loading">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-[7.5rem] rounded-xl" />
        ))}
      </div>
    );
  }
  // The inbox below shows the error with a retry; the figures just stay out of the way.
  if (stats.isError) return null;

  const {
    byStatus,
    lagSeconds,
    oldestDueAt,
    waiting,
    unappliedLagSeconds,
    failedLast24h,
    stripeUnreachableSince,
  } = stats.data;
  return (
    <section aria-label="Webhook health" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {stripeUnreachableSince && <StripeUnreachable since={stripeUnreachableSince} />}
      <Kpi
        label="Applied"
        value={formatCount(byStatus.applied)}
        detail={`${formatCount(byStatus.ignored)} ignored (types Folio does not use)`}
        icon={CheckCircle2Icon}
      />
      <Kpi
        label="Lag"
        value={waiting === 0 ? "Up to date" : formatDuration(unappliedLagSeconds)}
        detail={
          waiting === 0
            ? "Every event received is applied"
            : `${formatCount(waiting)} waiting to apply${oldestDueAt ? `; oldest due for ${formatDuration(lagSeconds)}` : "; none due yet"}`
        }
        icon={ClockIcon}
        tone={unappliedLagSeconds > 300 ? "warning" : undefined}
      />
      <Kpi
        label="Failing"
        value={formatCount(byStatus.failed)}
        detail={
          failedLast24h === 0
            ? "No failures in the last 24 h"
            : `${formatCount(failedLast24h)} had a failure in the last 24 h`
        }
        icon={AlertTriangleIcon}
        tone={byStatus.failed > 0 ? "warning" : undefined}
      />
      <Kpi
        label="Dead-lettered"
        value={formatCount(byStatus.dead)}
        detail="Out of retries; needs someone to look"
        icon={SkullIcon}
        tone={byStatus.dead > 0 ? "destructive" : undefined}
      />
    </section>
  );
}
