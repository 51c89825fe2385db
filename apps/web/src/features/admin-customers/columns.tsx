import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { DataTableColumnHeader } from "@/components/data-table/data-table-column-header";
import { Badge } from "@/components/ui/badge";
import type { CustomerRow } from "@/features/admin-customers/search";
import { SubscriptionBadge } from "@/features/admin-customers/subscription-badge";
import { formatDate, formatMoney } from "@/features/billing/format";

// Column ids the server can order by ("email", "createdAt") enable sorting; they must match the
// `sort` columns of `customerListSearch`.
export const customerColumns: ColumnDef<CustomerRow>[] = [
  {
    id: "email",
    enableSorting: true,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Customer" />,
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <Link
          to="/admin/customers/$customerId"
          params={{ customerId: row.original.id }}
          className="font-medium break-all whitespace-normal underline-offset-4 hover:underline"
        >
          {row.original.email}
        </Link>
        <span className="text-muted-foreground">{row.original.name}</span>
      </div>
    ),
  },
  {
    id: "stripe",
    header: "Stripe customer",
    meta: { className: "hidden lg:table-cell" },
    cell: ({ row }) =>
      row.original.stripeCustomerId ? (
        <code className="text-xs">{row.original.stripeCustomerId}</code>
      ) : (
        <span className="text-muted-foreground">Not yet</span>
      ),
  },
  {
    id: "subscription",
    header: "Subscription",
    cell: ({ row }) => <SubscriptionBadge status={row.original.subscriptionStatus} />,
  },
  {
    id: "credit",
    header: "Credit",
    meta: { className: "hidden sm:table-cell text-right" },
    cell: ({ row }) => {
      const { credit, owed, currency, delinquent } = row.original;
      return (
        <div className="flex flex-col items-end gap-0.5 tabular-nums">
          {credit > 0 && currency ? (
            formatMoney(credit, currency)
          ) : owed > 0 && currency ? (
            <span className="text-destructive">owes {formatMoney(owed, currency)}</span>
          ) : (
            <span className="text-muted-foreground">—</span>
          )}
          {delinquent && <Badge variant="destructive">Delinquent</Badge>}
        </div>
      );
    },
  },
  {
    id: "createdAt",
    enableSorting: true,
    meta: { className: "hidden md:table-cell" },
    header: ({ column }) => <DataTableColumnHeader column={column} title="Signed up" />,
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {formatDate(row.original.createdAt)}
      </span>
    ),
  },
];
