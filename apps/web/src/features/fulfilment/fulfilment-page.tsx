import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { PackageCheckIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { PendingButton } from "@/components/pending-button";
import { sectionByPath } from "@/features/admin/sections";
import { queueColumns } from "@/features/fulfilment/columns";
import { FulfilmentToolbar } from "@/features/fulfilment/data-table-toolbar";
import { fulfilmentListSearch, STATE_LABELS } from "@/features/fulfilment/search";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/fulfilment");

type Move = "pending" | "picking" | "packed" | "delivered";
const BULK_MOVES: { to: Move; label: string }[] = [
  { to: "picking", label: "Mark picking" },
  { to: "packed", label: "Mark packed" },
  { to: "delivered", label: "Mark delivered" },
  { to: "pending", label: "Back to pending" },
];

/**
 * The shipping queue: open tasks oldest first, filters in the URL, a next step per row and bulk
 * changes for the selected rows. Bulk changes are all or nothing: when any selected task cannot
 * make the move, nothing changes and the message names each one.
 */
export function FulfilmentPage() {
  const section = sectionByPath("/admin/fulfilment");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const queryClient = useQueryClient();
  const list = useQuery({
    ...trpc.admin.fulfilment.list.queryOptions(fulfilmentListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });
  const counts = useQuery(trpc.admin.fulfilment.counts.queryOptions());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries(trpc.admin.fulfilment.pathFilter());
  const onError = (error: unknown) => setProblem(errorInfo(error).message);
  const move = useMutation(
    trpc.admin.fulfilment.move.mutationOptions({
      onSuccess: async (result, input) => {
        setProblem(null);
        setSelected(new Set());
        const n = result.changed.length;
        toast.success(
          n === 0
            ? `Already ${STATE_LABELS[input.to].toLowerCase()}.`
            : `${n} ${n === 1 ? "task" : "tasks"} marked ${STATE_LABELS[input.to].toLowerCase()}.`,
        );
        await refresh();
      },
      onError,
    }),
  );
  const assign = useMutation(
    trpc.admin.fulfilment.assign.mutationOptions({
      onSuccess: async (result, input) => {
        setProblem(null);
        setSelected(new Set());
        const n = result.changed.length;
        toast.success(
          input.assignee === "me"
            ? `${n} ${n === 1 ? "task is" : "tasks are"} now yours.`
            : `${n} ${n === 1 ? "task" : "tasks"} back in the shared queue.`,
        );
        await refresh();
      },
      onError,
    }),
  );

  const items = list.data?.items ?? [];
  const onPage = items.filter((t) => selected.has(t.id)).map((t) => t.id);
  const columns = queueColumns({
    selected,
    allSelected: items.length > 0 && onPage.length === items.length,
    onToggle: (id, on) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    onToggleAll: (on) => setSelected(on ? new Set(items.map((t) => t.id)) : new Set()),
    onMove: (taskIds, to) => move.mutate({ taskIds, to }),
    moving: move.isPending,
  });
  const busy = move.isPending || assign.isPending;
  const c = counts.data;

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={
          c
            ? `${c.pending ?? 0} pending · ${c.picking ?? 0} picking · ${c.packed ?? 0} packed`
            : section.summary
        }
      />
      {onPage.length > 0 && (
        <div
          role="region"
          aria-label="Change the selected tasks"
          className="flex flex-wrap items-center gap-2 rounded-lg border bg-muted/40 p-3"
        >
          <span className="mr-2 text-sm font-medium">{onPage.length} selected</span>
          <PendingButton
            size="sm"
            pending={assign.isPending}
            disabled={busy}
            onClick={() => assign.mutate({ taskIds: onPage, assignee: "me" })}
          >
            Assign to me
          </PendingButton>
          <PendingButton
            size="sm"
            variant="outline"
            pending={false}
            disabled={busy}
            onClick={() => assign.mutate({ taskIds: onPage, assignee: "nobody" })}
          >
            Unassign
          </PendingButton>
          {BULK_MOVES.map((m) => (
            <PendingButton
              key={m.to}
              size="sm"
              variant="outline"
              pending={move.isPending && move.variables.to === m.to}
              disabled={busy}
              onClick={() => move.mutate({ taskIds: onPage, to: m.to })}
            >
              {m.label}
            </PendingButton>
          ))}
        </div>
      )}
      {problem && (
        <p
          role="alert"
          className="rounded-lg border border-destructive/40 p-3 text-sm text-destructive"
        >
          {problem}
        </p>
      )}
      <DataTable
        label="Shipping tasks"
        columns={columns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) => {
          setSelected(new Set());
          void navigate({ search: (prev) => fulfilmentListSearch.apply(prev, patch) });
        }}
        toolbar={<FulfilmentToolbar search={search} />}
        errorTitle="The shipping queue couldn't be loaded"
        noun={["task", "tasks"]}
        order="oldest first"
        empty={
          fulfilmentListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No tasks match these filters"
              description="Try another state, assignee or search, or reset the filters."
              onReset={() =>
                void navigate({ search: (prev) => fulfilmentListSearch.clearFilters(prev) })
              }
            />
          ) : (
            <EmptyState
              icon={PackageCheckIcon}
              title="Nothing to ship"
              description="Every paid order with physical goods is shipped. New ones appear here when they are paid."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
