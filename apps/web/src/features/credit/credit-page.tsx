import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { WalletIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { CreditBalanceCard } from "@/features/credit/credit-balance-card";
import { creditColumns } from "@/features/credit/columns";
import { creditLedgerSearch } from "@/features/credit/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/billing/credit");

/** The credit balance and every movement of it, newest first. */
export function CreditPage() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const ledger = useQuery({
    ...trpc.portal.credit.ledger.queryOptions(creditLedgerSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="space-y-6">
      <PageHeader title="Credit" description="Account credit and how it was added and used." />
      <CreditBalanceCard />
      <section aria-labelledby="credit-history" className="space-y-3">
        <h2 id="credit-history" className="text-lg font-semibold">
          History
        </h2>
        <DataTable
          label="Credit history"
          columns={creditColumns}
          getRowId={(row) => row.id}
          query={ledger}
          search={search}
          onNavigate={(patch) =>
            void navigate({ search: (prev) => creditLedgerSearch.apply(prev, patch) })
          }
          errorTitle="Your credit history couldn't be loaded"
          noun={["entry", "entries"]}
          order="newest first"
          empty={
            <EmptyState
              icon={WalletIcon}
              title="No credit history yet"
              description="When our team grants you credit, a refund is paid as credit or a plan change leaves unused time, it is listed here with the invoice it was used on."
              className="m-4 border-0"
            />
          }
        />
      </section>
    </div>
  );
}
