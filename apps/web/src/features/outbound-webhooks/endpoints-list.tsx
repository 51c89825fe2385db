import type * as React from "react";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { SendIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { EnableToggle, RotateSecretButton } from "@/features/outbound-webhooks/endpoint-actions";
import { deliveryListSearch } from "@/features/outbound-webhooks/search";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/outbound-webhooks");

/** The registered endpoints with what they receive; actions for admins who may manage them. */
export function EndpointsList({ canManage }: { canManage: boolean }) {
  const endpoints = useQuery(trpc.admin.outboundWebhooks.endpoints.queryOptions({ limit: 100 }));
  const search = routeApi.useSearch();

  let body: React.ReactNode;
  if (endpoints.isPending) {
    body = <Skeleton className="h-24" role="status" aria-label="Loading" />;
  } else if (endpoints.isError) {
    body = (
      <ErrorState
        title="Endpoints couldn't be loaded"
        error={endpoints.error}
        onRetry={() => void endpoints.refetch()}
      />
    );
  } else if (endpoints.data.items.length === 0) {
    body = (
      <EmptyState
        icon={SendIcon}
        title="No endpoints yet"
        description="Add your Make, Zapier or n8n webhook URL (or your own backend's) to be told when an order is paid."
      />
    );
  } else {
    body = (
      <ul className="divide-y" aria-label="Endpoints">
        {endpoints.data.items.map((e) => (
          <li key={e.id} className="flex flex-col gap-3 py-3 md:flex-row md:items-center">
            <div className="min-w-0 flex-1 space-y-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium break-all">{e.url}</span>
                {!e.enabled && <Badge variant="outline">Disabled</Badge>}
              </div>
              {e.description && <p className="text-sm text-muted-foreground">{e.description}</p>}
              <p className="flex flex-wrap gap-1">
                {e.eventTypes.map((t) => (
                  <Badge key={t} variant="secondary" className="font-mono text-xs">
                    {t}
                  </Badge>
                ))}
              </p>
              <p className="text-xs text-muted-foreground">
                Added {formatDateTime(e.createdAt)}
                {e.previousSecretExpiresAt &&
                  ` · previous secret valid until ${formatDateTime(e.previousSecretExpiresAt)}`}
              </p>
            </div>
            <div className="flex flex-wrap gap-2">
              <Link
                from="/admin/outbound-webhooks"
                to="/admin/outbound-webhooks"
                search={deliveryListSearch.withFilters(search, { endpointId: e.id })}
                className="inline-flex h-8 items-center px-2 text-sm underline-offset-4 hover:underline"
              >
                Deliveries
              </Link>
              {canManage && <RotateSecretButton endpoint={e} />}
              {canManage && <EnableToggle endpoint={e} />}
            </div>
          </li>
        ))}
      </ul>
    );
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Endpoints</CardTitle>
        <CardDescription>
          Where Folio sends events. Private and local addresses are refused outside demo mode.
        </CardDescription>
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}
