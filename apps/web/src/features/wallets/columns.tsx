import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { signedUnits } from "@/features/usage/search";
import { WALLET_TYPE_LABELS, type AdminWalletTransaction } from "@/features/wallets/search";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

function actorLabel(t: AdminWalletTransaction): string {
  switch (t.actorType) {
    case "staff":
      return "Staff";
    case "api_key":
      return "API key";
    case "sync":
      return "Stripe";
    case "customer":
      return "Customer";
    case "job":
      return "Folio";
    default:
      return t.actorType;
  }
}

/** Every customer's wallet transactions, as staff read them. */
export const walletColumns: ColumnDef<AdminWalletTransaction>[] = [
  {
    id: "at",
    header: "Time",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.at)}</span>,
  },
  {
    id: "customer",
    header: "Customer",
    cell: ({ row }) => (
      <Link
        to="/admin/customers/$customerId"
        params={{ customerId: row.original.userId }}
        className="flex flex-col font-medium text-primary underline-offset-4 hover:underline"
      >
        <span>{row.original.customerName || row.original.customerEmail}</span>
        <span className="text-xs font-normal text-muted-foreground">
          {row.original.customerEmail}
        </span>
      </Link>
    ),
  },
  {
    id: "type",
    header: "Type",
    cell: ({ row }) => {
      const t = row.original;
      return (
        <div className="flex flex-col gap-0.5 whitespace-normal">
          <span className="font-medium">{WALLET_TYPE_LABELS[t.type]}</span>
          {(t.reason ?? t.meterName ?? t.meterKey) && (
            <span className="text-muted-foreground">{t.reason ?? t.meterName ?? t.meterKey}</span>
          )}
          <span className="text-xs text-muted-foreground">{actorLabel(t)}</span>
        </div>
      );
    },
  },
  {
    id: "units",
    header: () => <span className="block text-right">Credits</span>,
    cell: ({ row }) => (
      <span
        className={cn(
          "block text-right font-medium tabular-nums",
          row.original.units > 0 && "text-emerald-700 dark:text-emerald-400",
        )}
      >
        {signedUnits(row.original.units)}
      </span>
    ),
  },
  {
    id: "balanceAfter",
    header: () => <span className="block text-right">Balance after</span>,
    meta: { className: "hidden md:table-cell" },
    cell: ({ row }) => (
      <span className="block text-right tabular-nums">
        {row.original.balanceAfter.toLocaleString("en-US")}
      </span>
    ),
  },
];
