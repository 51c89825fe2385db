import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { WebhookStatusBadge } from "@/features/webhooks/status-badge";
import type { WebhookEventRow } from "@/features/webhooks/search";
import { formatDateTime } from "@/lib/format";

function Outcome({ event }: { event: WebhookEventRow }) {
  if (event.lastError && (event.status === "failed" || event.status === "dead")) {
    return (
      <span className="block max-w-72 truncate text-destructive" title={event.lastError}>
        {event.lastError}
      </span>
    );
  }
  if (event.appliedAt) {
    return <span className="text-muted-foreground">{formatDateTime(event.appliedAt)}</span>;
  }
  if (event.nextAttemptAt) {
    return (
      <span className="text-muted-foreground">Next try {formatDateTime(event.nextAttemptAt)}</span>
    );
  }
  return <span className="text-muted-foreground">—</span>;
}

export const webhookColumns: ColumnDef<WebhookEventRow>[] = [
  {
    id: "event",
    header: "Event",
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <Link
          from="/admin/webhooks"
          to="/admin/webhooks"
          search={(prev) => ({ ...prev, event: row.original.id })}
          className="font-medium underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          {row.original.type}
        </Link>
        <span className="font-mono text-xs break-all whitespace-normal text-muted-foreground">
          {row.original.id}
        </span>
        {/* Phones drop the Received column; keep the time with the event. */}
        <span className="text-xs text-muted-foreground tabular-nums sm:hidden">
          {formatDateTime(row.original.receivedAt)}
        </span>
      </div>
    ),
  },
  {
    accessorKey: "status",
    header: "Status",
    cell: ({ row }) => <WebhookStatusBadge status={row.original.status} />,
  },
  {
    id: "object",
    header: "Object",
    meta: { className: "hidden lg:table-cell" },
    cell: ({ row }) =>
      row.original.objectId ? (
        <div className="flex flex-col gap-0.5">
          <span>{row.original.objectType ?? "object"}</span>
          <span className="font-mono text-xs text-muted-foreground">{row.original.objectId}</span>
        </div>
      ) : (
        <span className="text-muted-foreground">—</span>
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
    accessorKey: "receivedAt",
    header: "Received",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {formatDateTime(row.original.receivedAt)}
      </span>
    ),
  },
  {
    id: "outcome",
    header: "Applied / next step",
    meta: { className: "hidden md:table-cell" },
    cell: ({ row }) => <Outcome event={row.original} />,
  },
];
