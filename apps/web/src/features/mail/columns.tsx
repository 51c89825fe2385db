import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import type { MailRow } from "@/features/mail/search";
import { formatDateTime } from "@/lib/format";

export const mailColumns: ColumnDef<MailRow>[] = [
  {
    id: "subject",
    header: "Subject",
    cell: ({ row }) => (
      <Link
        from="/admin/mail"
        to="/admin/mail"
        search={(prev) => ({ ...prev, mail: row.original.id })}
        className="font-medium underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {row.original.subject || "(no subject)"}
      </Link>
    ),
  },
  { id: "to", header: "To", cell: ({ row }) => row.original.toAddresses },
  {
    id: "from",
    header: "From",
    cell: ({ row }) => <span className="text-muted-foreground">{row.original.fromAddress}</span>,
  },
  {
    id: "receivedAt",
    header: "Sent",
    cell: ({ row }) => (
      <span className="whitespace-nowrap tabular-nums">
        {formatDateTime(row.original.receivedAt)}
      </span>
    ),
  },
];
