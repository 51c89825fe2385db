import { Link } from "@tanstack/react-router";
import type { ColumnDef } from "@tanstack/react-table";
import { PrinterIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ShipDialog } from "@/features/fulfilment/ship-dialog";
import { STATE_LABELS, type ShippingTask, type TaskState } from "@/features/fulfilment/search";
import { formatDateTime } from "@/lib/format";

type Variant = "success" | "warning" | "destructive" | "outline" | "secondary";
const STATE_VARIANTS: Record<TaskState, Variant> = {
  pending: "warning",
  picking: "secondary",
  packed: "secondary",
  shipped: "secondary",
  delivered: "success",
  canceled: "outline",
};

export function TaskStateBadge({ state }: { state: TaskState }) {
  return <Badge variant={STATE_VARIANTS[state]}>{STATE_LABELS[state]}</Badge>;
}

/** The one next step a row offers (packed: ship, with its dialog). */
const NEXT_STEP: Partial<
  Record<TaskState, { to: "picking" | "packed" | "delivered"; label: string }>
> = {
  pending: { to: "picking", label: "Start picking" },
  picking: { to: "packed", label: "Mark packed" },
  shipped: { to: "delivered", label: "Mark delivered" },
};

export interface QueueColumnsOptions {
  selected: ReadonlySet<string>;
  onToggle: (taskId: string, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  allSelected: boolean;
  onMove: (taskIds: string[], to: "picking" | "packed" | "delivered") => void;
  moving: boolean;
}

/** The queue's columns: selection, order, ship-to, items, state, tracking and the next step. */
export function queueColumns(o: QueueColumnsOptions): ColumnDef<ShippingTask>[] {
  return [
    {
      id: "select",
      header: () => (
        <input
          type="checkbox"
          className="size-4 accent-primary"
          aria-label="Select every task on this page"
          checked={o.allSelected}
          onChange={(event) => o.onToggleAll(event.target.checked)}
        />
      ),
      cell: ({ row }) => (
        <input
          type="checkbox"
          className="size-4 accent-primary"
          aria-label={`Select ${row.original.orderId}`}
          checked={o.selected.has(row.original.id)}
          onChange={(event) => o.onToggle(row.original.id, event.target.checked)}
        />
      ),
    },
    {
      id: "order",
      header: "Order",
      cell: ({ row }) => (
        <div className="flex flex-col gap-0.5">
          <span className="font-mono text-xs font-medium">{row.original.orderId}</span>
          <span className="text-xs text-muted-foreground">
            Paid {formatDateTime(row.original.placedAt)}
          </span>
        </div>
      ),
    },
    {
      id: "shipTo",
      header: "Ship to",
      cell: ({ row }) => {
        const s = row.original.shipTo;
        return (
          <div className="flex flex-col gap-0.5 whitespace-normal">
            <span className="font-medium">{s.name ?? "—"}</span>
            <span className="text-xs text-muted-foreground">
              {[s.city, s.country].filter(Boolean).join(", ")}
            </span>
          </div>
        );
      },
    },
    {
      id: "items",
      header: "Items",
      meta: { className: "hidden md:table-cell" },
      cell: ({ row }) => (
        <ul className="text-sm whitespace-normal">
          {row.original.items.map((i, k) => (
            <li key={k}>
              <span className="tabular-nums">{i.quantity}</span> × {i.description}
            </li>
          ))}
          {row.original.notes && (
            <li className="text-xs text-muted-foreground">Note: {row.original.notes}</li>
          )}
        </ul>
      ),
    },
    {
      id: "state",
      header: "State",
      cell: ({ row }) => (
        <div className="flex flex-col items-start gap-1">
          <TaskStateBadge state={row.original.status} />
          <span className="text-xs text-muted-foreground">
            {row.original.assignee ? row.original.assignee.name : "Unassigned"}
          </span>
        </div>
      ),
    },
    {
      id: "tracking",
      header: "Tracking",
      meta: { className: "hidden lg:table-cell" },
      cell: ({ row }) => {
        const t = row.original;
        if (!t.trackingNumber) return <span className="text-muted-foreground">—</span>;
        return (
          <div className="flex flex-col gap-0.5 text-sm">
            <span>{t.carrier}</span>
            {t.trackingUrl ? (
              <a
                href={t.trackingUrl}
                target="_blank"
                rel="noreferrer"
                className="break-all underline underline-offset-4"
              >
                {t.trackingNumber}
              </a>
            ) : (
              <span className="break-all">{t.trackingNumber}</span>
            )}
          </div>
        );
      },
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => {
        const t = row.original;
        const next = NEXT_STEP[t.status];
        return (
          <div className="flex flex-wrap items-center justify-end gap-2">
            {t.status === "packed" ? (
              <ShipDialog task={t} />
            ) : next ? (
              <Button
                size="sm"
                variant="outline"
                disabled={o.moving}
                onClick={() => o.onMove([t.id], next.to)}
              >
                {next.label}
              </Button>
            ) : null}
            <Button size="sm" variant="ghost" asChild>
              <Link
                to="/packing-slip/$taskId"
                params={{ taskId: t.id }}
                aria-label={`Packing slip for ${t.orderId}`}
              >
                <PrinterIcon aria-hidden="true" />
                Slip
              </Link>
            </Button>
          </div>
        );
      },
    },
  ];
}
