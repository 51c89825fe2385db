import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { WalletIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import {
  DataTableDayFilter,
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { EmptyState } from "@/components/empty-state";
import { ExportCsvButton } from "@/components/export-csv-button";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { walletColumns } from "@/features/wallets/columns";
import {
  WALLET_TYPE_LABELS,
  walletTransactionsSearch,
  type WalletTransactionsSearch,
} from "@/features/wallets/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/wallets");
const TYPE_OPTIONS = Object.entries(WALLET_TYPE_LABELS).map(([value, label]) => ({
  value: value as NonNullable<WalletTransactionsSearch["type"]>,
  label,
}));

/** Every customer's credit wallet transactions, newest first, filtered and exported. */
export function WalletsPage() {
  const section = sectionByPath("/admin/wallets");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const input = walletTransactionsSearch.queryInput(search);
  const list = useQuery({
    ...trpc.admin.wallets.transactions.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const filter = (
    patch: Partial<Pick<WalletTransactionsSearch, "customer" | "type" | "from" | "to">>,
  ) => void navigate({ search: (prev) => walletTransactionsSearch.withFilters(prev, patch) });
  const reset = () =>
    void navigate({ search: (prev) => walletTransactionsSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description={section.summary}
        actions={<ExportCsvButton kind="wallet-transactions" input={input} />}
      />
      <DataTable
        label="Wallet transactions"
        columns={walletColumns}
        getRowId={(row) => String(row.id)}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => walletTransactionsSearch.apply(prev, patch) })
        }
        toolbar={
          <DataTableToolbar filtered={walletTransactionsSearch.hasFilters(search)} onReset={reset}>
            <DataTableTextFilter
              label="Customer"
              value={search.customer}
              placeholder="usr_… or e-mail"
              maxLength={200}
              onApply={(customer) => filter({ customer })}
            />
            <DataTableSelectFilter
              label="Type"
              value={search.type}
              options={TYPE_OPTIONS}
              allLabel="Every type"
              onChange={(type) => filter({ type })}
            />
            <div className="flex flex-wrap gap-3">
              <DataTableDayFilter
                label="From (UTC)"
                value={search.from}
                max={search.to}
                onChange={(from) => filter({ from })}
              />
              <DataTableDayFilter
                label="To (UTC)"
                value={search.to}
                min={search.from}
                onChange={(to) => filter({ to })}
              />
            </div>
          </DataTableToolbar>
        }
        errorTitle="Wallet transactions couldn't be loaded"
        noun={["transaction", "transactions"]}
        order="newest first"
        empty={
          walletTransactionsSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No transactions match these filters"
              description="Try another customer, type or dates, or reset the filters."
              onReset={reset}
            />
          ) : (
            <EmptyState
              icon={WalletIcon}
              title="No wallet transactions yet"
              description="Credit packs bought, staff grants and debits, and usage paid with credits appear here."
              className="m-4 border-0"
            />
          )
        }
      />
    </div>
  );
}
