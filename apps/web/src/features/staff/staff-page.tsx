import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { ShieldCheckIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { staffColumns } from "@/features/staff/columns";
import { CreateStaffDialog } from "@/features/staff/create-staff-dialog";
import { InviteStaffDialog } from "@/features/staff/invite-staff-dialog";
import { PendingInvitations } from "@/features/staff/pending-invitations";
import { StaffToolbar } from "@/features/staff/data-table-toolbar";
import { staffListSearch } from "@/features/staff/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/staff");

const ORDER = {
  "createdAt.asc": "oldest first",
  "createdAt.desc": "newest first",
  "email.asc": "by email, A to Z",
  "email.desc": "by email, Z to A",
} as const;

/** Staff accounts (every non-customer user): add, filter, sort, page, change roles, disable or enable. */
export function StaffPage() {
  const section = sectionByPath("/admin/staff");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const list = useQuery({
    ...trpc.admin.staff.list.queryOptions(staffListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });
  const sort = staffListSearch.sortOf(search);
  const resetFilters = () =>
    void navigate({ search: (prev) => staffListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={
          <div className="flex flex-wrap gap-2">
            <InviteStaffDialog />
            <CreateStaffDialog />
          </div>
        }
      />
      <PendingInvitations />
      <DataTable
        label="Staff accounts"
        columns={staffColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => staffListSearch.apply(prev, patch) })
        }
        sorting={staffListSearch.sortingOf(search)}
        onSortingChange={(sorting) =>
          void navigate({ search: (prev) => staffListSearch.withSort(prev, sorting) })
        }
        toolbar={<StaffToolbar search={search} />}
        errorTitle="Staff accounts couldn't be loaded"
        noun={["account", "accounts"]}
        order={sort ? ORDER[`${sort.by}.${sort.direction}`] : undefined}
        empty={
          staffListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No staff accounts match these filters"
              description="Try another role, status or search, or reset the filters."
              onReset={resetFilters}
            />
          ) : (
            <EmptyState
              icon={ShieldCheckIcon}
              title="No staff accounts"
              description="Add a staff member above, or from the command line: folio user:create --email <email> --role <role>."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
