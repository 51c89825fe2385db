import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Undo2Icon } from "lucide-react";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { ExportCsvButton } from "@/components/export-csv-button";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { refundColumns } from "@/features/refunds/columns";
import {
  REFUND_STATUS_LABELS,
  refundListSearch,
  type RefundSearch,
} from "@/features/refunds/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/refunds");
const STATUS_OPTIONS = Object.entries(REFUND_STATUS_LABELS).map(([value, label]) => ({
  value: value as RefundSearch["status"] & string,
  label,
}));

/** Every refund staff made or asked for, newest first, with its state at Stripe. */
export function RefundsPage() {
  const section = sectionByPath("/admin/refunds");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const input = refundListSearch.queryInput(search);
  const list = useQuery({
    ...trpc.admin.refunds.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const filter = (patch: Pick<RefundSearch, "status" | "currency" | "orderId">) =>
    void navigate({ search: (prev) => refundListSearch.withFilters(prev, patch) });
  const reset = () => void navigate({ search: (prev) => refundListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<ExportCsvButton kind="refunds" input={input} />}
      />
      <DataTable
        label="Refunds"
        columns={refundColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => refundListSearch.apply(prev, patch) })
        }
        toolbar={
          <DataTableToolbar filtered={refundListSearch.hasFilters(search)} onReset={reset}>
            <DataTableSelectFilter
              label="Status"
              value={search.status}
              options={STATUS_OPTIONS}
              allLabel="Every status"
              onChange={(status) => filter({ status })}
            />
            <DataTableTextFilter
              label="Currency"
              value={search.currency}
              placeholder="usd"
              maxLength={3}
              onApply={(currency) => filter({ currency })}
            />
            <DataTableTextFilter
              label="Order"
              value={search.orderId}
              placeholder="Order id"
              maxLength={100}
              onApply={(orderId) => filter({ orderId })}
            />
          </DataTableToolbar>
        }
        errorTitle="Refunds couldn't be loaded"
        noun={["refund", "refunds"]}
        order="newest first"
        empty={
          refundListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No refunds match these filters"
              description="Try another status, currency or order, or reset the filters."
              onReset={reset}
            />
          ) : (
            <EmptyState
              icon={Undo2Icon}
              title="No refunds yet"
              description="Refunds made from an order or an invoice appear here with their state at Stripe."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
