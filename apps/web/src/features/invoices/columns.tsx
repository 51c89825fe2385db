import type { ColumnDef } from "@tanstack/react-table";
import { DownloadIcon, ExternalLinkIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { formatDate, formatMoney } from "@/features/billing/format";
import { InvoiceStateBadge } from "@/features/invoices/invoice-state-badge";
import type { Invoice } from "@/features/invoices/search";
import { taxNote } from "@/features/invoices/tax-note";

function periodOf(invoice: Invoice): string {
  if (!invoice.periodStart || !invoice.periodEnd) return "—";
  if (invoice.periodStart === invoice.periodEnd) return formatDate(invoice.periodStart);
  return `${formatDate(invoice.periodStart)} – ${formatDate(invoice.periodEnd)}`;
}

function InvoiceLinks({ invoice }: { invoice: Invoice }) {
  const name = invoice.number ?? "this invoice";
  return (
    <div className="flex justify-end gap-1">
      {invoice.hostedInvoiceUrl && (
        <Button asChild variant="ghost" size="sm">
          <a href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer">
            <ExternalLinkIcon aria-hidden="true" />
            {/* Icons only on phones; the words stay for screen readers. */}
            <span className="sr-only sm:not-sr-only">View</span>
            <span className="sr-only"> invoice {name} (opens in a new tab)</span>
          </a>
        </Button>
      )}
      {invoice.pdfUrl && (
        <Button asChild variant="ghost" size="sm">
          <a href={invoice.pdfUrl} target="_blank" rel="noreferrer">
            <DownloadIcon aria-hidden="true" />
            <span className="sr-only sm:not-sr-only">PDF</span>
            <span className="sr-only"> of invoice {name} (opens in a new tab)</span>
          </a>
        </Button>
      )}
    </div>
  );
}

export const invoiceColumns: ColumnDef<Invoice>[] = [
  {
    id: "date",
    header: "Date",
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <span className="tabular-nums">{formatDate(row.original.createdAt)}</span>
        {/* Phones drop the Number column; keep the number with the date. */}
        <span className="text-xs text-muted-foreground sm:hidden">{row.original.number}</span>
      </div>
    ),
  },
  {
    id: "number",
    header: "Number",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => <span className="font-mono text-xs">{row.original.number ?? "—"}</span>,
  },
  {
    id: "period",
    header: "Period",
    meta: { className: "hidden md:table-cell" },
    cell: ({ row }) => <span className="text-muted-foreground">{periodOf(row.original)}</span>,
  },
  {
    id: "amount",
    header: () => <div className="text-right">Amount</div>,
    cell: ({ row }) => {
      const i = row.original;
      const open = i.state === "due" || i.state === "overdue";
      const tax = taxNote(i.tax, i.currency);
      return (
        <div className="flex flex-col items-end gap-0.5 tabular-nums">
          <span className="font-medium">{formatMoney(i.total, i.currency)}</span>
          {tax && <span className="text-xs text-muted-foreground">{tax}</span>}
          {open && i.amountRemaining !== i.total && (
            <span className="text-xs text-muted-foreground">
              {formatMoney(i.amountRemaining, i.currency)} due
            </span>
          )}
        </div>
      );
    },
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) => {
      const i = row.original;
      return (
        <div className="flex flex-col gap-0.5">
          <InvoiceStateBadge state={i.state} />
          {(i.state === "due" || i.state === "overdue") && i.dueDate && (
            <span className="text-xs text-muted-foreground">by {formatDate(i.dueDate)}</span>
          )}
        </div>
      );
    },
  },
  {
    id: "links",
    header: () => <span className="sr-only">Links</span>,
    cell: ({ row }) => <InvoiceLinks invoice={row.original} />,
  },
];
