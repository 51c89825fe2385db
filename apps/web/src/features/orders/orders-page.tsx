import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type * as React from "react";
import { getRouteApi, Link } from "@tanstack/react-router";
import { PackageIcon } from "lucide-react";
import { DataTablePagination } from "@/components/data-table/data-table-pagination";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { OrderCard } from "@/features/orders/order-card";
import { orderListSearch } from "@/features/orders/search";
import { FIRST_PAGE, invalidCursorMessage } from "@/lib/list-search";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

const routeApi = getRouteApi("/billing/orders");

function OrdersSkeleton() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading orders">
      {[0, 1].map((i) => (
        <Card key={i}>
          <CardHeader className="space-y-2">
            <Skeleton className="h-5 w-40" />
            <Skeleton className="h-4 w-28" />
          </CardHeader>
          <CardContent className="space-y-2">
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-2/3" />
          </CardContent>
        </Card>
      ))}
    </div>
  );
}

/** One-time purchases, newest first, each with its items, payment and shipment. */
export function OrdersPage() {
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const list = useQuery({
    ...trpc.portal.orders.list.queryOptions(orderListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });
  const onNavigate = (patch: Parameters<typeof orderListSearch.apply>[1]) =>
    void navigate({ search: (prev) => orderListSearch.apply(prev, patch) });
  const items = list.data?.items ?? [];
  const refused = list.isError ? invalidCursorMessage(list.error, search) : null;

  let body: React.ReactNode;
  if (list.isPending) {
    body = <OrdersSkeleton />;
  } else if (list.isError) {
    body = (
      <ErrorState
        title={refused ? "This page can't be shown" : "Your orders couldn't be loaded"}
        error={list.error}
        onRetry={refused ? () => onNavigate(FIRST_PAGE) : () => void list.refetch()}
      />
    );
  } else if (items.length === 0 && search.cursor === undefined) {
    body = (
      <EmptyState
        icon={PackageIcon}
        title="No orders yet"
        description="Notebooks, journals, template packs and credit packs you buy in the shop show up here, with their payment and delivery."
        action={
          <Button asChild>
            <Link to="/billing/shop">Visit the shop</Link>
          </Button>
        }
      />
    );
  } else {
    body = (
      <div
        className={cn("space-y-4 transition-opacity", list.isPlaceholderData && "opacity-50")}
        aria-busy={list.isPlaceholderData}
      >
        {items.map((order) => (
          <OrderCard key={order.id} order={order} />
        ))}
        <Card className="overflow-hidden py-0 [&>nav]:border-t-0">
          <DataTablePagination
            search={search}
            nextCursor={list.data.nextCursor}
            itemCount={items.length}
            noun={["order", "orders"]}
            order="newest first"
            busy={list.isPlaceholderData}
            onNavigate={onNavigate}
          />
        </Card>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader title="Orders" description="One-off purchases, their payment and delivery." />
      {body}
    </div>
  );
}
