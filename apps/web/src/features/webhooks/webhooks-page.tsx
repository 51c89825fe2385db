import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Loader2Icon, RotateCwIcon, WebhookIcon } from "lucide-react";
import { useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTableNoMatches } from "@/components/data-table/data-table-no-matches";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { sectionByPath } from "@/features/admin/sections";
import { hasPermission } from "@/features/auth/session";
import { webhookColumns } from "@/features/webhooks/columns";
import { WebhooksToolbar } from "@/features/webhooks/data-table-toolbar";
import { webhookListSearch } from "@/features/webhooks/search";
import { useWebhookRetry } from "@/features/webhooks/use-retry";
import { WebhookEventSheet } from "@/features/webhooks/webhook-event-sheet";
import { WebhookStats } from "@/features/webhooks/webhook-stats";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/admin/webhooks");

function RetryDeadButton() {
  const stats = useQuery(trpc.admin.webhooks.stats.queryOptions());
  const { retryDead } = useWebhookRetry();
  const [open, setOpen] = useState(false);
  const dead = stats.data?.byStatus.dead ?? 0;
  if (dead === 0) return null;

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        <Button variant="outline">
          <RotateCwIcon aria-hidden="true" />
          Retry {formatCount(dead)} dead-lettered
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>
            Re-queue {formatCount(dead)} dead-lettered event{dead === 1 ? "" : "s"}?
          </AlertDialogTitle>
          <AlertDialogDescription>
            Each one goes back to pending with a fresh set of attempts and is applied again in the
            order Stripe created them. Fix whatever made them fail first, or they will fail again.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={retryDead.isPending}>Cancel</AlertDialogCancel>
          <Button
            disabled={retryDead.isPending}
            onClick={() => retryDead.mutate(undefined, { onSuccess: () => setOpen(false) })}
          >
            {retryDead.isPending && <Loader2Icon className="animate-spin" />}
            Re-queue events
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/** The Stripe webhook inbox: health figures, a filterable event list and per-event details. */
export function WebhooksPage() {
  const section = sectionByPath("/admin/webhooks");
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const { me } = routeApi.useRouteContext();
  const canRetry = hasPermission(me, "webhooks.retry");

  const list = useQuery({
    ...trpc.admin.webhooks.list.queryOptions(webhookListSearch.queryInput(search)),
    placeholderData: keepPreviousData,
  });
  const resetFilters = () =>
    void navigate({ search: (prev) => webhookListSearch.clearFilters(prev) });

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="Every Stripe event Folio received, how it was applied, and what needs attention."
        actions={canRetry ? <RetryDeadButton /> : undefined}
      />
      <WebhookStats />
      <DataTable
        label="Webhook events"
        columns={webhookColumns}
        getRowId={(row) => row.id}
        query={list}
        search={search}
        onNavigate={(patch) =>
          void navigate({ search: (prev) => webhookListSearch.apply(prev, patch) })
        }
        toolbar={<WebhooksToolbar search={search} />}
        errorTitle="Webhook events couldn't be loaded"
        noun={["event", "events"]}
        order="newest first"
        empty={
          webhookListSearch.hasFilters(search) ? (
            <DataTableNoMatches
              title="No events match these filters"
              description="Try another status or event type, or reset the filters."
              onReset={resetFilters}
            />
          ) : (
            <EmptyState
              icon={WebhookIcon}
              title="No webhook events received yet"
              description="Events appear here as soon as Stripe delivers them to /api/stripe/webhook."
              className="m-4 border-0"
            />
          )
        }
      />
      <WebhookEventSheet
        id={search.event}
        canRetry={canRetry}
        onClose={() =>
          void navigate({ search: (prev) => webhookListSearch.apply(prev, { event: undefined }) })
        }
      />
    </div>
  );
}
