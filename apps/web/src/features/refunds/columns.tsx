import type { ColumnDef } from "@tanstack/react-table";
import { Link } from "@tanstack/react-router";
import { Badge } from "@/components/ui/badge";
import { formatMoney } from "@/features/billing/format";
import { REFUND_STATUS_LABELS, type RefundItem } from "@/features/refunds/search";
import { formatDateTime } from "@/lib/format";

const STATUS_VARIANT = {
  awaiting_approval: "warning",
  rejected: "secondary",
  processing: "outline",
  pending: "outline",
  succeeded: "success",
  failed: "destructive",
  canceled: "secondary",
} as const satisfies Record<RefundItem["status"], string>;

export const refundColumns: ColumnDef<RefundItem>[] = [
  {
    id: "amount",
    header: "Amount",
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <span className="font-medium tabular-nums">
          {formatMoney(row.original.amount, row.original.currency)}
        </span>
        <span className="text-xs text-muted-foreground">
          {row.original.destination === "card" ? "to card" : "to credit balance"}
        </span>
      </div>
    ),
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) => (
      <div className="flex flex-col gap-1">
        <Badge variant={STATUS_VARIANT[row.original.status]}>
          {REFUND_STATUS_LABELS[row.original.status]}
        </Badge>
        {row.original.failureReason && (
          <span className="max-w-56 text-xs whitespace-normal text-destructive">
            {row.original.failureReason}
          </span>
        )}
      </div>
    ),
  },
  {
    id: "target",
    header: "Of",
    cell: ({ row }) =>
      row.original.orderId ? (
        <Link
          to="/admin/refunds"
          search={{ orderId: row.original.orderId }}
          className="font-mono text-xs underline underline-offset-2"
        >
          {row.original.orderId}
        </Link>
      ) : (
        <code className="text-xs">{row.original.invoiceId}</code>
      ),
  },
  {
    id: "reason",
    header: "Reason and note",
    meta: { className: "hidden lg:table-cell" },
    cell: ({ row }) => (
      <div className="flex max-w-72 flex-col gap-0.5 whitespace-normal">
        <span>{row.original.reason.replaceAll("_", " ")}</span>
        {row.original.note && (
          <span className="text-xs text-muted-foreground">{row.original.note}</span>
        )}
      </div>
    ),
  },
  {
    id: "people",
    header: "Asked / decided",
    meta: { className: "hidden md:table-cell" },
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5 text-xs">
        <span>{row.original.requestedBy?.name ?? "—"}</span>
        {row.original.decidedBy && (
          <span className="text-muted-foreground">
            {row.original.status === "rejected" ? "rejected" : "approved"} by{" "}
            {row.original.decidedBy.name}
          </span>
        )}
      </div>
    ),
  },
  {
    id: "createdAt",
    header: "Asked on",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => formatDateTime(row.original.createdAt),
  },
];
