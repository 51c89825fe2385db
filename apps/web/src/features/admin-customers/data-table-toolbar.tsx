import { getRouteApi } from "@tanstack/react-router";
import {
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import {
  customerListSearch,
  SUBSCRIPTION_FILTERS,
  type CustomerSearch,
} from "@/features/admin-customers/search";

const routeApi = getRouteApi("/admin/customers/");
const CREDIT_OPTIONS = [
  { value: true, label: "Holds credit" },
  { value: false, label: "No credit" },
] as const;

/** The customers list's filters. Each change is a navigation back to the first page. */
export function CustomersToolbar({ search }: { search: CustomerSearch }) {
  const navigate = routeApi.useNavigate();
  const filter = (patch: Pick<CustomerSearch, "search" | "subscription" | "hasCredit">) =>
    void navigate({ search: (prev) => customerListSearch.withFilters(prev, patch) });

  return (
    <DataTableToolbar
      filtered={customerListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => customerListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Search customers"
        value={search.search}
        placeholder="E-mail, name or cus_…"
        maxLength={100}
        onApply={(text) => filter({ search: text })}
      />
      <DataTableSelectFilter
        label="Subscription"
        value={search.subscription}
        options={SUBSCRIPTION_FILTERS}
        allLabel="Any subscription"
        onChange={(subscription) => filter({ subscription })}
      />
      <DataTableSelectFilter
        label="Credit"
        value={search.hasCredit}
        options={CREDIT_OPTIONS}
        allLabel="Any credit"
        onChange={(hasCredit) => filter({ hasCredit })}
      />
    </DataTableToolbar>
  );
}
