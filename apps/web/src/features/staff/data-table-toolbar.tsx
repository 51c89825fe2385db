import { getRouteApi } from "@tanstack/react-router";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { ROLE_LABELS } from "@/features/auth/session";
import { STAFF_ROLES, staffListSearch, type StaffSearch } from "@/features/staff/search";

const routeApi = getRouteApi("/admin/staff");
const ROLE_OPTIONS = STAFF_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));
const STATUS_OPTIONS = [
  { value: false, label: "Active" },
  { value: true, label: "Disabled" },
] as const;

/** The staff list's filters. Each change is a navigation back to the first page. */
export function StaffToolbar({ search }: { search: StaffSearch }) {
  const navigate = routeApi.useNavigate();
  const filter = (patch: Pick<StaffSearch, "role" | "disabled" | "search">) =>
    void navigate({ search: (prev) => staffListSearch.withFilters(prev, patch) });

  return (
    <DataTableToolbar
      filtered={staffListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => staffListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Search staff"
        value={search.search}
        placeholder="Name or email"
        maxLength={100}
        onApply={(text) => filter({ search: text })}
      />
      <DataTableSelectFilter
        label="Role"
        value={search.role}
        options={ROLE_OPTIONS}
        allLabel="All roles"
        onChange={(role) => filter({ role })}
      />
      <DataTableSelectFilter
        label="Status"
        value={search.disabled}
        options={STATUS_OPTIONS}
        allLabel="Active and disabled"
        onChange={(disabled) => filter({ disabled })}
      />
    </DataTableToolbar>
  );
}
