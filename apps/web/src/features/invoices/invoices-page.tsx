import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ReceiptTextIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { invoiceColumns } from "@/features/invoices/columns";
import { invoiceListSearch } from "@/features/invoices/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/billing/invoices");

/** Every invoice Stripe issued to the customer, newest first, with its page and PDF. */
export function InvoicesPage() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const list = useQuery({
    ...trpc.portal.invoices.list.queryOptions(invoiceListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="space-y-6">
      <PageHeader
        title="Invoices"
        description="Every invoice for your account. Open one to see its details or download the PDF."
      />
      <DataTable
        label="Invoices"
        columns={invoiceColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => invoiceListSearch.apply(prev, patch) })
        }
        errorTitle="Your invoices couldn't be loaded"
        noun={["invoice", "invoices"]}
        order="newest first"
        empty={
          <EmptyState
            icon={ReceiptTextIcon}
            title="No invoices yet"
            description="When you subscribe to a plan, each invoice appears here with its amount, status and a PDF you can download."
            className="m-4 border-0"
            action={
              <Button asChild variant="outline">
                <Link to="/billing">Go to your overview</Link>
              </Button>
            }
          />
        }
      />
    </div>
  );
}
