import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import {
  DELIVERY_STATUS_LABELS,
  type DeliveryRow,
  type DeliveryStatus,
} from "@/features/outbound-webhooks/search";
import { formatDateTime } from "@/lib/format";

const VARIANT = {
  pending: "secondary",
  succeeded: "success",
  failing: "warning",
  dead: "destructive",
} as const satisfies Record<DeliveryStatus, string>;

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <Badge variant={VARIANT[status]}>{DELIVERY_STATUS_LABELS[status]}</Badge>;
}

function LastAnswer({ d }: { d: DeliveryRow }) {
  if (d.lastAttemptAt === null) return <span className="text-muted-foreground">Not sent yet</span>;
  return (
    <div className="flex flex-col gap-0.5">
      <span className={d.lastError ? "text-destructive" : undefined}>
        {d.lastStatusCode ?? "No answer"}
        {d.lastLatencyMs !== null && (
          <span className="text-muted-foreground tabular-nums"> · {d.lastLatencyMs} ms</span>
        )}
      </span>
      {d.status === "failing" && d.nextAttemptAt && (
        <span className="text-xs text-muted-foreground">
          Next try {formatDateTime(d.nextAttemptAt)}
        </span>
      )}
    </div>
  );
}

export const deliveryColumns: ColumnDef<DeliveryRow>[] = [
  {
    id: "event",
    header: "Event",
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <Link
          from="/admin/outbound-webhooks"
          to="/admin/outbound-webhooks"
          search={(prev) => ({ ...prev, delivery: row.original.id })}
          className="font-mono text-sm font-medium underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          {row.original.eventType}
        </Link>
        <span className="max-w-72 truncate text-xs text-muted-foreground">
          {row.original.endpointUrl}
        </span>
      </div>
    ),
  },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => <DeliveryStatusBadge status={row.original.status} />,
  },
  {
    id: "answer",
    header: "Last answer",
    meta: { className: "hidden md:table-cell" },
    cell: ({ row }) => <LastAnswer d={row.original} />,
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
    accessorKey: "createdAt",
    header: "Created",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {formatDateTime(row.original.createdAt)}
      </span>
    ),
  },
];
