import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { FilterXIcon, Loader2Icon, RotateCwIcon, WebhookIcon } from "lucide-react";
import { useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { DataTablePagination } from "@/components/data-table/data-table-pagination";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
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
import { Card } from "@/components/ui/card";
import { sectionByPath } from "@/features/admin/sections";
import { hasPermission } from "@/features/auth/session";
import { webhookColumns } from "@/features/webhooks/columns";
import { WebhooksToolbar } from "@/features/webhooks/data-table-toolbar";
import { useWebhookRetry } from "@/features/webhooks/use-retry";
import { WebhookEventSheet } from "@/features/webhooks/webhook-event-sheet";
import { WebhookStats } from "@/features/webhooks/webhook-stats";
import { formatCount } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const PAGE_SIZE = 25;
const routeApi = getRouteApi("/admin/webhooks");

function RetryDeadButton() {
  const stats = useQuery(trpc.webhooks.stats.queryOptions());
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

  // Cursors of the pages before this one, so "Previous" can walk back; scoped to the filters.
  const filterKey = `${search.status ?? ""}|${search.type ?? ""}`;
  const [trail, setTrail] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: filterKey,
    cursors: [],
  });
  const previousCursors = trail.key === filterKey ? trail.cursors : [];

  const list = useQuery({
    ...trpc.webhooks.list.queryOptions({
      limit: PAGE_SIZE,
      status: search.status,
      type: search.type,
      cursor: search.cursor,
    }),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  const filtered = search.status !== undefined || search.type !== undefined;
  const pageNumber = previousCursors.length + 1;

  const goNext = () => {
    const next = list.data?.nextCursor;
    if (!next) return;
    setTrail({ key: filterKey, cursors: [...previousCursors, search.cursor] });
    void navigate({ search: (prev) => ({ ...prev, cursor: next, event: undefined }) });
  };
  const goPrevious = () => {
    // After a reload the trail is gone; "Previous" then returns to the newest events.
    const previous = previousCursors.at(-1);
    setTrail({ key: filterKey, cursors: previousCursors.slice(0, -1) });
    void navigate({ search: (prev) => ({ ...prev, cursor: previous, event: undefined }) });
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title={section.label}
        description="Every Stripe event Folio received, how it was applied, and what needs attention."
        actions={canRetry ? <RetryDeadButton /> : undefined}
      />
      <WebhookStats />
      {list.isError ? (
        <ErrorState
          title="Webhook events couldn't be loaded"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : (
        <Card className="gap-0 overflow-hidden py-0">
          <WebhooksToolbar key={search.type ?? ""} search={search} />
          <DataTable
            columns={webhookColumns}
            data={items}
            getRowId={(row) => row.id}
            isLoading={list.isPending}
            isStale={list.isPlaceholderData}
            empty={
              filtered ? (
                <EmptyState
                  icon={FilterXIcon}
                  title="No events match these filters"
                  description="Try another status or event type, or reset the filters."
                  className="m-4 border-0"
                  action={
                    <Button variant="outline" onClick={() => void navigate({ search: {} })}>
                      Reset filters
                    </Button>
                  }
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
          {(items.length > 0 || search.cursor !== undefined) && (
            <DataTablePagination
              summary={`Page ${pageNumber} · ${formatCount(items.length)} event${items.length === 1 ? "" : "s"}, newest first`}
              canPrevious={search.cursor !== undefined}
              canNext={Boolean(list.data?.nextCursor)}
              onPrevious={goPrevious}
              onNext={goNext}
              isFetching={list.isFetching}
            />
          )}
        </Card>
      )}
      <WebhookEventSheet
        id={search.event}
        canRetry={canRetry}
        onClose={() => void navigate({ search: (prev) => ({ ...prev, event: undefined }) })}
      />
    </div>
  );
}
