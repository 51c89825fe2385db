import { getRouteApi } from "@tanstack/react-router";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import {
  fulfilmentListSearch,
  STATE_LABELS,
  TASK_STATES,
  type FulfilmentSearch,
} from "@/features/fulfilment/search";

const routeApi = getRouteApi("/admin/fulfilment");
const STATE_OPTIONS = [
  ...TASK_STATES.map((value) => ({ value, label: STATE_LABELS[value] })),
  { value: "all" as const, label: "Every state" },
];
const ASSIGNEE_OPTIONS = [
  { value: "me" as const, label: "Mine" },
  { value: "unassigned" as const, label: "Unassigned" },
];

type Filters = Partial<Pick<FulfilmentSearch, "state" | "assignee" | "search">>;

/** The queue's filters; with none it shows the open tasks (pending, picking, packed). */
export function FulfilmentToolbar({ search }: { search: FulfilmentSearch }) {
  const navigate = routeApi.useNavigate();
  const filter = (patch: Filters) =>
    void navigate({ search: (prev) => fulfilmentListSearch.withFilters(prev, patch) });
  return (
    <DataTableToolbar
      filtered={fulfilmentListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => fulfilmentListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Search tasks"
        value={search.search}
        placeholder="Order id or ship-to name"
        maxLength={100}
        onApply={(text) => filter({ search: text })}
      />
      <DataTableSelectFilter
        label="State"
        value={search.state}
        options={STATE_OPTIONS}
        allLabel="Open (to do)"
        onChange={(state) => filter({ state })}
      />
      <DataTableSelectFilter
        label="Assigned to"
        value={search.assignee}
        options={ASSIGNEE_OPTIONS}
        allLabel="Anyone"
        onChange={(assignee) => filter({ assignee })}
      />
    </DataTableToolbar>
  );
}
