import type { ColumnDef } from "@tanstack/react-table";
import { DataTableColumnHeader } from "@/components/data-table/data-table-column-header";
import { Badge } from "@/components/ui/badge";
import { onFirstUse } from "@/lib/format";
import { ROLE_LABELS } from "@/features/auth/session";
import type { StaffMember } from "@/features/staff/search";
import { StaffAccessCell } from "@/features/staff/staff-access-cell";
import { StaffRoleCell } from "@/features/staff/staff-role-cell";

const dateFormat = onFirstUse(() => new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }));

// Column ids that the server can order by ("email", "createdAt") enable sorting; the ids must
// match the `sort` columns of `staffListSearch`.
export const staffColumns: ColumnDef<StaffMember>[] = [
  {
    id: "email",
    enableSorting: true,
    header: ({ column }) => <DataTableColumnHeader column={column} title="Email" />,
    cell: ({ row }) => (
      <div className="flex flex-col gap-0.5">
        <span className="font-medium break-all whitespace-normal">{row.original.email}</span>
        <span className="text-muted-foreground">{row.original.name}</span>
        {/* Phones drop the Role column; keep the role with the account. */}
        <span className="text-xs text-muted-foreground sm:hidden">
          {ROLE_LABELS[row.original.role]}
        </span>
      </div>
    ),
  },
  {
    id: "role",
    header: "Role",
    meta: { className: "hidden sm:table-cell" },
    cell: ({ row }) => <StaffRoleCell member={row.original} />,
  },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) =>
      row.original.disabled ? (
        // Outline, not red: the tinted destructive badge is below 4.5:1 at this size.
        <Badge variant="outline">Disabled</Badge>
      ) : (
        <Badge variant="success">Active</Badge>
      ),
  },
  {
    id: "createdAt",
    enableSorting: true,
    meta: { className: "hidden md:table-cell" },
    header: ({ column }) => <DataTableColumnHeader column={column} title="Added" />,
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {dateFormat().format(new Date(row.original.createdAt))}
      </span>
    ),
  },
  {
    id: "access",
    header: "Access",
    cell: ({ row }) => <StaffAccessCell member={row.original} />,
  },
];
