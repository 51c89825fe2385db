import { useQuery } from "@tanstack/react-query";
import { AlertTriangleIcon, CalendarClockIcon, ClockIcon, SkullIcon } from "lucide-react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/error-state";
import { formatCount, formatDuration } from "@/lib/format";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

function Kpi(props: {
  label: string;
  value: string;
  detail: string;
  icon: typeof ClockIcon;
  tone?: "warning" | "destructive" | undefined;
}) {
  const Icon = props.icon;
  return (
    <Card className="gap-2 py-5">
      <CardHeader className="flex flex-row items-center justify-between gap-2 px-5">
        <CardDescription>{props.label}</CardDescription>
        <Icon
          className={cn(
            "size-4 text-muted-foreground",
            props.tone === "warning" && "text-warning",
            props.tone === "destructive" && "text-destructive",
          )}
          aria-hidden="true"
        />
      </CardHeader>
      <CardContent className="space-y-1 px-5">
        <CardTitle className="text-2xl font-semibold tabular-nums">{props.value}</CardTitle>
        <p className="text-xs text-muted-foreground">{props.detail}</p>
      </CardContent>
    </Card>
  );
}

/** The queue at a glance: lag, what waits for later, what is failing and what gave up. */
export function JobStats() {
  const stats = useQuery({ ...trpc.admin.jobs.stats.queryOptions(), refetchInterval: 10_000 });
  if (stats.isPending) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" role="status" aria-label="Loading">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-[7.5rem] rounded-xl" />
        ))}
      </div>
    );
  }
  if (stats.isError) {
    return (
      <ErrorState
        title="The queue's figures couldn't be loaded"
        error={stats.error}
        onRetry={() => void stats.refetch()}
      />
    );
  }
  const s = stats.data;
  const due = s.byStatus.queued - s.scheduled;
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <Kpi
        label="Queue lag"
        value={s.lagSeconds > 0 ? formatDuration(s.lagSeconds) : "None"}
        detail={`${formatCount(Math.max(0, due))} due now, ${formatCount(s.byStatus.running)} running`}
        icon={ClockIcon}
        tone={s.lagSeconds > 300 ? "warning" : undefined}
      />
      <Kpi
        label="Scheduled"
        value={formatCount(s.scheduled)}
        detail="Waiting for their time: reminders, housekeeping, retries backing off"
        icon={CalendarClockIcon}
      />
      <Kpi
        label="Failing"
        value={formatCount(s.failing)}
        detail={`${formatCount(s.failedLast24h)} failed attempts in the last 24 hours`}
        icon={AlertTriangleIcon}
        tone={s.failing > 0 ? "warning" : undefined}
      />
      <Kpi
        label="Dead-lettered"
        value={formatCount(s.byStatus.dead)}
        detail={`Gave up after their retries; ${formatCount(s.byStatus.succeeded)} succeeded`}
        icon={SkullIcon}
        tone={s.byStatus.dead > 0 ? "destructive" : undefined}
      />
    </div>
  );
}
