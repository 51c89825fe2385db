import type { ColumnDef } from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import { onFirstUse } from "@/lib/format";
import {
  ACTOR_TYPE_LABELS,
  changedFields,
  showValue,
  type AuditEntry,
} from "@/features/audit/search";

const timeFormat = onFirstUse(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }),
);

function Actor({ entry }: { entry: AuditEntry }) {
  return (
    <div className="flex flex-col gap-0.5">
      <span className="font-medium break-all whitespace-normal">
        {entry.actorName ?? entry.actorId ?? "—"}
      </span>
      <span className="text-xs break-all whitespace-normal text-muted-foreground">
        {ACTOR_TYPE_LABELS[entry.actorType]}
        {entry.actorEmail ? ` · ${entry.actorEmail}` : ""}
      </span>
    </div>
  );
}

/** before → after for each field the action changed. */
function Change({ entry }: { entry: AuditEntry }) {
  const fields = changedFields(entry);
  if (fields.length === 0) return <span className="text-muted-foreground">—</span>;
  return (
    <dl className="grid max-w-md grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs whitespace-normal">
      {fields.map(([field, before, after]) => (
        <div key={field} className="contents">
          <dt className="text-muted-foreground">{field}</dt>
          <dd className="break-all">
            {entry.before ? (
              <>
                <span className="line-through decoration-muted-foreground">
                  {showValue(before)}
                </span>{" "}
                <span aria-label="changed to">→</span> {showValue(after)}
              </>
            ) : (
              showValue(after)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export const auditColumns: ColumnDef<AuditEntry>[] = [
  {
    id: "at",
    header: "Time",
    cell: ({ row }) => (
      <time
        dateTime={row.original.at}
        className="text-muted-foreground tabular-nums whitespace-nowrap"
      >
        {timeFormat().format(new Date(row.original.at))}
      </time>
    ),
  },
  { id: "actor", header: "Actor", cell: ({ row }) => <Actor entry={row.original} /> },
  {
    id: "action",
    header: "Action",
    cell: ({ row }) => (
      <div className="flex flex-col items-start gap-1">
        <Badge variant="secondary" className="font-mono">
          {row.original.action}
        </Badge>
        <span className="font-mono text-xs break-all whitespace-normal text-muted-foreground">
          {row.original.target}
        </span>
      </div>
    ),
  },
  { id: "change", header: "Change", cell: ({ row }) => <Change entry={row.original} /> },
  {
    id: "reason",
    header: "Reason",
    meta: { className: "hidden lg:table-cell" },
    cell: ({ row }) => (
      <span className="max-w-xs whitespace-normal">{row.original.reason ?? "—"}</span>
    ),
  },
  {
    id: "ip",
    header: "IP",
    meta: { className: "hidden xl:table-cell" },
    cell: ({ row }) => (
      <span className="font-mono text-xs text-muted-foreground">{row.original.ip ?? "—"}</span>
    ),
  },
];
