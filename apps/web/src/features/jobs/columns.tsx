import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { Loader2Icon, RotateCwIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { isRetryable, JOB_STATUS_LABELS, type JobRow } from "@/features/jobs/search";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";

const VARIANT = {
  queued: "secondary",
  running: "outline",
  succeeded: "success",
  dead: "destructive",
} as const satisfies Record<JobRow["status"], string>;

function RetryButton({ job }: { job: JobRow }) {
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.admin.jobs.retry.mutationOptions({
      onSuccess: async () => {
        toast.success(`${job.kind} is queued again and runs shortly.`);
        await queryClient.invalidateQueries(trpc.admin.jobs.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  return (
    <Button
      size="sm"
      variant="outline"
      disabled={retry.isPending}
      onClick={() => retry.mutate({ id: job.id })}
    >
      {retry.isPending ? <Loader2Icon className="animate-spin" /> : <RotateCwIcon />}
      Retry now
    </Button>
  );
}

function Outcome({ job }: { job: JobRow }) {
  if (job.lastError && job.status !== "succeeded") {
    return (
      <div className="flex flex-col gap-0.5">
        <span className="block max-w-80 truncate text-destructive" title={job.lastError}>
          {job.lastError}
        </span>
        {job.status === "queued" && (
          <span className="text-xs text-muted-foreground">
            Next try {formatDateTime(job.runAt)}
          </span>
        )}
      </div>
    );
  }
  if (job.finishedAt) {
    return <span className="text-muted-foreground">{formatDateTime(job.finishedAt)}</span>;
  }
  return <span className="text-muted-foreground">Runs {formatDateTime(job.runAt)}</span>;
}

export function jobColumns(canRetry: boolean): ColumnDef<JobRow>[] {
  return [
    {
      id: "job",
      header: "Job",
      cell: ({ row }) => (
        <div className="flex flex-col gap-0.5">
          <span className="font-medium">{row.original.kind}</span>
          <span className="font-mono text-xs break-all whitespace-normal text-muted-foreground">
            {row.original.key}
          </span>
        </div>
      ),
    },
    {
      accessorKey: "status",
      header: "Status",
      cell: ({ row }) => (
        <Badge variant={VARIANT[row.original.status]}>
          {JOB_STATUS_LABELS[row.original.status]}
        </Badge>
      ),
    },
    {
      accessorKey: "attempts",
      meta: { className: "hidden md:table-cell" },
      header: () => <span className="block text-right">Attempts</span>,
      cell: ({ row }) => (
        <span className="block text-right tabular-nums">{row.original.attempts}</span>
      ),
    },
    {
      id: "outcome",
      header: "Finished / next step",
      meta: { className: "hidden md:table-cell" },
      cell: ({ row }) => <Outcome job={row.original} />,
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        canRetry && isRetryable(row.original) ? <RetryButton job={row.original} /> : null,
    },
  ];
}
