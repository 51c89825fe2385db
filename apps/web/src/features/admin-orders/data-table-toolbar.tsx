import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useId, useState } from "react";
import {
  DataTableDayFilter,
  DataTableSelectFilter,
  DataTableTextFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import {
  FULFILMENT_FILTERS,
  adminOrderListSearch,
  PAYMENT_STATES,
  type OrderListSearch,
} from "@/features/admin-orders/search";
import { FULFILMENT_LABELS, PAYMENT_LABELS } from "@/features/admin-orders/states";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/orders/");
const PAYMENT_OPTIONS = PAYMENT_STATES.map((value) => ({
  value,
  label: PAYMENT_LABELS[value].label,
}));
const FULFILMENT_OPTIONS = FULFILMENT_FILTERS.map((value) => ({
  value,
  label: FULFILMENT_LABELS[value].label,
}));

type Filters = Partial<
  Pick<
    OrderListSearch,
    | "search"
    | "paymentState"
    | "fulfilmentState"
    | "placedFrom"
    | "placedTo"
    | "amountMin"
    | "amountMax"
    | "productId"
  >
>;

/** A day (UTC, as the server reads it); applied when a whole date is entered or cleared. */
/**
 * A total in major units (12.50), kept in the URL in minor units (1250) as the server compares
 * them; applied on Enter or when focus leaves.
 */
function AmountFilter(props: {
  label: string;
  minor: number | undefined;
  onChange: (minor: number | undefined) => void;
}) {
  return <AmountInput key={props.minor ?? ""} {...props} />;
}

function AmountInput({ label, minor, onChange }: React.ComponentProps<typeof AmountFilter>) {
  const id = useId();
  const [draft, setDraft] = useState(minor === undefined ? "" : (minor / 100).toFixed(2));
  const apply = () => {
    const value = draft.trim() === "" ? undefined : Math.round(Number(draft) * 100);
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) return;
    if (value !== minor) onChange(value);
  };
  return (
    <form
      className="flex flex-col gap-1.5"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input
        id={id}
        type="number"
        inputMode="decimal"
        min={0}
        step="0.01"
        className="w-full sm:w-28"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={apply}
      />
    </form>
  );
}

/** The orders list's filters. Each change is a navigation back to the first page. */
export function OrdersToolbar({ search }: { search: OrderListSearch }) {
  const navigate = routeApi.useNavigate();
  const products = useQuery(trpc.admin.orders.products.queryOptions());
  const filter = (patch: Filters) =>
    void navigate({ search: (prev) => adminOrderListSearch.withFilters(prev, patch) });
  const productOptions = (products.data ?? []).map((p) => ({ value: p.id, label: p.name }));

  return (
    <DataTableToolbar
      filtered={adminOrderListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => adminOrderListSearch.clearFilters(prev) })}
    >
      <DataTableTextFilter
        label="Search orders"
        value={search.search}
        placeholder="Order id, e-mail, name, or cs_/pi_/ch_/cus_ id"
        maxLength={200}
        onApply={(text) => filter({ search: text })}
      />
      <DataTableSelectFilter
        label="Payment"
        value={search.paymentState}
        options={PAYMENT_OPTIONS}
        allLabel="Any payment"
        onChange={(paymentState) => filter({ paymentState })}
      />
      <DataTableSelectFilter
        label="Fulfilment"
        value={search.fulfilmentState}
        options={FULFILMENT_OPTIONS}
        allLabel="Any fulfilment"
        onChange={(fulfilmentState) => filter({ fulfilmentState })}
      />
      {productOptions.length > 0 && (
        <DataTableSelectFilter
          label="Product"
          value={search.productId}
          options={productOptions}
          allLabel="Any product"
          onChange={(productId) => filter({ productId })}
        />
      )}
      <div className="flex flex-wrap gap-3">
        <DataTableDayFilter
          label="Placed from (UTC)"
          value={search.placedFrom}
          max={search.placedTo}
          onChange={(placedFrom) => filter({ placedFrom })}
        />
        <DataTableDayFilter
          label="Placed to (UTC)"
          value={search.placedTo}
          min={search.placedFrom}
          onChange={(placedTo) => filter({ placedTo })}
        />
        <AmountFilter
          label="Total from"
          minor={search.amountMin}
          onChange={(amountMin) => filter({ amountMin })}
        />
        <AmountFilter
          label="Total to"
          minor={search.amountMax}
          onChange={(amountMax) => filter({ amountMax })}
        />
      </div>
    </DataTableToolbar>
  );
}
