import type { ColumnDef } from "@tanstack/react-table";
import { DataTableColumnHeader } from "@/components/data-table/data-table-column-header";
import { RowLink } from "@/components/data-table/row-links";
import type { AdminOrderRow } from "@/features/admin-orders/search";
import { FulfilmentStateBadge, PaymentStateBadge } from "@/features/admin-orders/states";
import { formatMoney } from "@/features/billing/format";
import { formatDateTime } from "@/lib/format";

// Column ids the server can order by ("placedAt", "amountTotal") enable sorting; they must match
// the `sort` columns of `adminOrderListSearch`.
export const orderColumns: ColumnDef<AdminOrderRow>[] = [
  {
    id: "order",
    header: "Order",
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <RowLink
          href={`/admin/orders/${encodeURIComponent(row.original.id)}`}
          className="font-mono text-xs font-medium underline-offset-4 hover:underline"
        >
          {row.original.id}
        </RowLink>
        {/* Phones drop the Placed column; keep the date with the order. */}
        <span className="text-xs text-muted-foreground md:hidden">
          {formatDateTime(row.original.placedAt)}
        </span>
      </div>
    ),
  },
  {
    id: "placedAt",
    enableSorting: true,
    meta: { className: "hidden md:table-cell" },
    header: ({ column }) => <DataTableColumnHeader column={column} title="Placed" />,
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {formatDateTime(row.original.placedAt)}
      </span>
    ),
  },
  {
    id: "customer",
    header: "Customer",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <span className="break-all whitespace-normal">{row.original.email ?? "—"}</span>
        {row.original.customerName && (
          <span className="text-muted-foreground">{row.original.customerName}</span>
        )}
      </div>
    ),
  },
  {
    id: "amountTotal",
    enableSorting: true,
    meta: { className: "text-right" },
    header: ({ column }) => <DataTableColumnHeader column={column} title="Total" />,
    cell: ({ row }) => (
      <div className="flex flex-col items-end gap-0.5 tabular-nums">
        {formatMoney(row.original.amountTotal, row.original.currency)}
        {row.original.amountRefunded > 0 && (
          <span className="text-xs text-muted-foreground">
            −{formatMoney(row.original.amountRefunded, row.original.currency)} refunded
          </span>
        )}
      </div>
    ),
  },
  {
    id: "payment",
    header: "Payment",
    cell: ({ row }) => <PaymentStateBadge state={row.original.paymentState} />,
  },
  {
    id: "fulfilment",
    header: "Fulfilment",
    meta: { className: "hidden lg:table-cell" },
    cell: ({ row }) => <FulfilmentStateBadge state={row.original.fulfilmentState} />,
  },
];
