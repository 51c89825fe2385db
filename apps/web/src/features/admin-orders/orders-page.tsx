import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { ShoppingBagIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { useRowLinks } from "@/components/data-table/row-links";
import { EmptyState } from "@/components/empty-state";
import { ExportCsvButton } from "@/components/export-csv-button";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { orderColumns } from "@/features/admin-orders/columns";
import { OrdersToolbar } from "@/features/admin-orders/data-table-toolbar";
import { adminOrderListSearch } from "@/features/admin-orders/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/orders/");

const ORDER = {
  "placedAt.desc": "newest first",
  "placedAt.asc": "oldest first",
  "amountTotal.desc": "largest total first",
  "amountTotal.asc": "smallest total first",
} as const;

/** Every order: filter, search, sort, page and export; each row opens the order. */
export function AdminOrdersPage() {
  const section = sectionByPath("/admin/orders");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const input = adminOrderListSearch.queryInput(search);
  const list = useQuery({
    ...trpc.admin.orders.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const sort = adminOrderListSearch.sortOf(search);
  const rowLinks = useRowLinks();
  const resetFilters = () =>
    void navigate({ search: (prev) => adminOrderListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6" {...rowLinks}>
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<ExportCsvButton kind="orders" input={input} />}
      />
      <DataTable
        label="Orders"
        columns={orderColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => adminOrderListSearch.apply(prev, patch) })
        }
        sorting={adminOrderListSearch.sortingOf(search)}
        onSortingChange={(sorting) =>
          void navigate({ search: (prev) => adminOrderListSearch.withSort(prev, sorting) })
        }
        toolbar={<OrdersToolbar search={search} />}
        errorTitle="Orders couldn't be loaded"
        noun={["order", "orders"]}
        order={sort ? ORDER[`${sort.by}.${sort.direction}`] : undefined}
        empty={
          adminOrderListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No orders match these filters"
              description="Try another search, state, product, dates or amounts, or reset the filters."
              onReset={resetFilters}
            />
          ) : (
            <EmptyState
              icon={ShoppingBagIcon}
              title="No orders yet"
              description="Orders appear here when customers pay for something in the shop."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
