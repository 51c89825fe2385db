import type { ColumnDef } from "@tanstack/react-table";
import { signedUnits, TRANSACTION_LABELS, type WalletTransaction } from "@/features/usage/search";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

/** The customer's wallet transactions: when, what, credits moved and the balance after. */
export const transactionColumns: ColumnDef<WalletTransaction>[] = [
  {
    id: "at",
    header: "When",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatDateTime(row.original.at)}</span>,
  },
  {
    id: "what",
    header: "What",
    cell: ({ row }) => {
      const t = row.original;
      const detail = t.type === "usage" ? t.meter : t.reason;
      return (
        <div className="flex flex-col gap-0.5 whitespace-normal">
          <span className="font-medium">{TRANSACTION_LABELS[t.type]}</span>
          {detail && <span className="text-muted-foreground">{detail}</span>}
          {t.expiresAt && (
            <span className="text-xs text-muted-foreground">
              Expires {formatDateTime(t.expiresAt)}
            </span>
          )}
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
    header: () => <span className="block text-right">Balance</span>,
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => (
      <span className="block text-right tabular-nums">
        {row.original.balanceAfter.toLocaleString("en-US")}
      </span>
    ),
  },
];
