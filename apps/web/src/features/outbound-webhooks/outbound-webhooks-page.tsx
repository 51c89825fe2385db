import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { SendIcon } from "lucide-react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import {
  DataTableSelectFilter,
  DataTableToolbar,
} from "@/components/data-table/data-table-toolbar";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { sectionByPath } from "@/features/admin/sections";
import { hasPermission } from "@/features/auth/session";
import { deliveryColumns } from "@/features/outbound-webhooks/delivery-columns";
import { DeliverySheet } from "@/features/outbound-webhooks/delivery-sheet";
import { AddEndpointDialog } from "@/features/outbound-webhooks/endpoint-dialog";
import { EndpointsList } from "@/features/outbound-webhooks/endpoints-list";
import {
  DELIVERY_STATUSES,
  DELIVERY_STATUS_LABELS,
  deliveryListSearch,
  type DeliverySearch,
} from "@/features/outbound-webhooks/search";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/outbound-webhooks");
const STATUS_OPTIONS = DELIVERY_STATUSES.map((value) => ({
  value,
  label: DELIVERY_STATUS_LABELS[value],
}));

function DeliveriesToolbar({ search }: { search: DeliverySearch }) {
  const navigate = routeApi.useNavigate();
  return (
    <DataTableToolbar
      filtered={deliveryListSearch.hasFilters(search)}
      onReset={() => void navigate({ search: (prev) => deliveryListSearch.clearFilters(prev) })}
    >
      <DataTableSelectFilter
        label="Status"
        value={search.status}
        options={STATUS_OPTIONS}
        allLabel="All deliveries"
        onChange={(status) =>
          void navigate({ search: (prev) => deliveryListSearch.withFilters(prev, { status }) })
        }
      />
    </DataTableToolbar>
  );
}

/** The merchant's webhook endpoints and the log of every delivery Folio made to them. */
export function OutboundWebhooksPage() {
  const section = sectionByPath("/admin/outbound-webhooks");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const { me } = routeApi.useRouteContext();
  const canManage = hasPermission(me, "webhookEndpoints.manage");
  const list = useQuery({
    ...trpc.admin.outboundWebhooks.deliveries.queryOptions(deliveryListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="Tell your own automations (Make, Zapier, n8n, your backend) when orders are paid, subscriptions change and more — signed, retried for three days, logged."
        actions={canManage ? <AddEndpointDialog /> : undefined}
      />
      <EndpointsList canManage={canManage} />
      <DataTable
        label="Deliveries"
        columns={deliveryColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => deliveryListSearch.apply(prev, patch) })
        }
        toolbar={<DeliveriesToolbar search={search} />}
        errorTitle="Deliveries couldn't be loaded"
        noun={["delivery", "deliveries"]}
        order="newest first"
        empty={
          deliveryListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No deliveries match these filters"
              description="Try another status or endpoint, or reset the filters."
              onReset={() =>
                void navigate({ search: (prev) => deliveryListSearch.clearFilters(prev) })
              }
            />
          ) : (
            <EmptyState
              icon={SendIcon}
              title="Nothing sent yet"
              description="Each event sent to an endpoint appears here with the answer it got."
            />
          )
        }
      />
      <DeliverySheet
        id={search.delivery}
        canReplay={canManage}
        onClose={() => void navigate({ search: (prev) => ({ ...prev, delivery: undefined }) })}
      />
    </div>
  );
}
