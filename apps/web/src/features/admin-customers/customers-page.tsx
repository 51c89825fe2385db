import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { UsersIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { ExportCsvButton } from "@/components/export-csv-button";
import { PageHeader } from "@/components/page-header";
import { customerColumns } from "@/features/admin-customers/columns";
import { CustomersToolbar } from "@/features/admin-customers/data-table-toolbar";
import { customerListSearch } from "@/features/admin-customers/search";
import { sectionByPath } from "@/features/admin/sections";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/customers/");

const ORDER = {
  "createdAt.asc": "oldest first",
  "createdAt.desc": "newest first",
  "email.asc": "by e-mail, A to Z",
  "email.desc": "by e-mail, Z to A",
} as const;

/** Customer accounts: search, filter, sort and page; each opens the customer's page. */
export function CustomersPage() {
  const section = sectionByPath("/admin/customers");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const input = customerListSearch.queryInput(search);
  const list = useQuery({
    ...trpc.admin.customers.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const sort = customerListSearch.sortOf(search);
  const resetFilters = () =>
    void navigate({ search: (prev) => customerListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<ExportCsvButton kind="customers" input={input} />}
      />
      <DataTable
        label="Customers"
        columns={customerColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => customerListSearch.apply(prev, patch) })
        }
        sorting={customerListSearch.sortingOf(search)}
        onSortingChange={(sorting) =>
          void navigate({ search: (prev) => customerListSearch.withSort(prev, sorting) })
        }
        toolbar={<CustomersToolbar search={search} />}
        errorTitle="Customers couldn't be loaded"
        noun={["customer", "customers"]}
        order={sort ? ORDER[`${sort.by}.${sort.direction}`] : undefined}
        empty={
          customerListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No customers match these filters"
              description="Search matches the start of an e-mail or a name, or a whole Stripe customer id (cus_…)."
              onReset={resetFilters}
            />
          ) : (
            <EmptyState
              icon={UsersIcon}
              title="No customers yet"
              description="Customers appear here when they sign up."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
