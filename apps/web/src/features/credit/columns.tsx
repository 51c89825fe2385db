import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { formatDate, formatMoney } from "@/features/billing/format";
import type { CreditEntry } from "@/features/credit/search";
import { cn } from "@/lib/utils";

const SOURCE: Record<CreditEntry["source"], string> = {
  staff_grant: "Credit from our team",
  staff_debit: "Adjustment by our team",
  refund_to_credit: "Refund to credit",
  proration: "Unused time from a plan change",
  credit_pack: "Credit pack",
  applied_to_invoice: "Used on an invoice",
  returned_from_invoice: "Returned from a voided invoice",
  overpayment: "Overpaid invoice",
  other: "Balance change",
};

/** Credit added reads "+$15.00", credit used "−$10.00" (a real minus sign). */
export function signedCredit(amount: number, currency: string): string {
  const money = formatMoney(Math.abs(amount), currency);
  if (amount > 0) return `+${money}`;
  if (amount < 0) return `\u2212${money}`;
  return money;
}

function InvoiceRef({ invoice }: { invoice: NonNullable<CreditEntry["invoice"]> }) {
  const name = `Invoice ${invoice.number ?? ""}`.trim();
  if (!invoice.hostedInvoiceUrl) return <span>{name}</span>;
  return (
    <a
      href={invoice.hostedInvoiceUrl}
      target="_blank"
      rel="noreferrer"
      className="font-medium text-primary underline-offset-4 hover:underline"
    >
      {name}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

function What({ entry }: { entry: CreditEntry }) {
  const label =
    entry.source === "other"
      ? `${SOURCE.other} (${entry.stripeType.replaceAll("_", " ")})`
      : SOURCE[entry.source];
  return (
    <div className="flex flex-col gap-0.5 whitespace-normal">
      <span className="font-medium">{label}</span>
      {entry.description && <span className="text-muted-foreground">{entry.description}</span>}
      {entry.invoice && (
        <span className="text-xs">
          {entry.creditChange < 0 ? "Applied to " : "From "}
          <InvoiceRef invoice={entry.invoice} />
        </span>
      )}
      {entry.orderId && (
        <span className="text-xs">
          Bought in{" "}
          <Link
            to="/billing/orders"
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            an order
          </Link>
        </span>
      )}
    </div>
  );
}

export const creditColumns: ColumnDef<CreditEntry>[] = [
  {
    id: "date",
    header: "Date",
    cell: ({ row }) => <span className="tabular-nums">{formatDate(row.original.occurredAt)}</span>,
  },
  {
    id: "what",
    header: "What happened",
    cell: ({ row }) => <What entry={row.original} />,
  },
  {
    id: "amount",
    header: () => <div className="text-right">Credit</div>,
    cell: ({ row }) => {
      const e = row.original;
      return (
        <div
          className={cn(
            "text-right font-medium tabular-nums",
            e.creditChange > 0 && "text-success",
          )}
        >
          {signedCredit(e.creditChange, e.currency)}
          <span className="sr-only">{e.creditChange > 0 ? " added" : " used"}</span>
        </div>
      );
    },
  },
  {
    id: "after",
    header: () => <div className="text-right">Balance after</div>,
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => (
      <div className="text-right text-muted-foreground tabular-nums">
        {formatMoney(row.original.creditAfter, row.original.currency)}
      </div>
    ),
  },
];
