import { useQuery } from "@tanstack/react-query";
import { Loader2Icon, RotateCwIcon } from "lucide-react";
import type * as React from "react";
import { ErrorState } from "@/components/error-state";
import { ScrollRegion } from "@/components/scroll-region";
import { Button } from "@/components/ui/button";
import { Separator } from "@/components/ui/separator";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetFooter,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { isRetryable } from "@/features/webhooks/search";
import { WebhookStatusBadge } from "@/features/webhooks/status-badge";
import { useWebhookRetry } from "@/features/webhooks/use-retry";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-2 text-sm">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function EventDetails({ id, canRetry }: { id: string; canRetry: boolean }) {
  const event = useQuery(trpc.admin.webhooks.byId.queryOptions({ id }));
  const { retry } = useWebhookRetry();

  if (event.isPending) {
    return (
      <div className="space-y-3 px-4" role="status" aria-label="Loading">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-5" />
        ))}
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (event.isError) {
    return (
      <div className="px-4">
        <ErrorState
          title="This event couldn't be loaded"
          error={event.error}
          onRetry={() => void event.refetch()}
        />
      </div>
    );
  }

  const e = event.data;
  return (
    <>
      <ScrollRegion label="Event details" className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4">
        <dl className="space-y-2.5">
          <Field label="Type">
            <span className="font-medium">{e.type}</span>
          </Field>
          <Field label="Status">
            <WebhookStatusBadge status={e.status} />
          </Field>
          <Field label="Event id">
            <span className="font-mono text-xs">{e.id}</span>
          </Field>
          <Field label="Object">
            {e.objectId ? (
              <>
                {e.objectType ?? "object"}{" "}
                <span className="font-mono text-xs text-muted-foreground">{e.objectId}</span>
              </>
            ) : (
              "—"
            )}
          </Field>
          <Field label="Created by Stripe">{formatDateTime(e.created)}</Field>
          <Field label="Received">{formatDateTime(e.receivedAt)}</Field>
          <Field label="Applied">{formatDateTime(e.appliedAt)}</Field>
          <Field label="Attempts">
            <span className="tabular-nums">{e.attempts}</span>
          </Field>
          {e.nextAttemptAt && <Field label="Next attempt">{formatDateTime(e.nextAttemptAt)}</Field>}
          {e.lastFailedAt && <Field label="Last failure">{formatDateTime(e.lastFailedAt)}</Field>}
          <Field label="API version">{e.apiVersion ?? "—"}</Field>
          <Field label="Mode">{e.livemode ? "Live" : "Test"}</Field>
        </dl>
        {e.lastError && (
          <div
            role="alert"
            className="rounded-md border border-destructive/30 bg-destructive/5 p-3 text-sm text-destructive"
          >
            <p className="font-medium">Last error</p>
            <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap">{e.lastError}</p>
          </div>
        )}
        <Separator />
        <div className="space-y-2 pb-4">
          <h3 className="text-sm font-medium">Payload</h3>
          {e.payloadPruned ? (
            <p className="text-sm text-muted-foreground">
              Pruned by inbox retention: applied and ignored events keep their payload for 30 days.
              The event id is kept, so a redelivery is still recognised as a duplicate.
            </p>
          ) : (
            <ScrollRegion
              label="Payload (JSON)"
              className="max-h-[28rem] overflow-auto rounded-md border bg-muted/50"
            >
              <pre className="w-max p-3 font-mono text-xs leading-relaxed">
                {JSON.stringify(e.payload, null, 2)}
              </pre>
            </ScrollRegion>
          )}
        </div>
      </ScrollRegion>
      {canRetry && isRetryable(e.status) && (
        <SheetFooter className="border-t">
          <Button disabled={retry.isPending} onClick={() => retry.mutate({ id: e.id })}>
            {retry.isPending ? <Loader2Icon className="animate-spin" /> : <RotateCwIcon />}
            Retry this event
          </Button>
          <p className="text-xs text-muted-foreground">
            Puts the event back in the queue with a fresh set of attempts.
          </p>
        </SheetFooter>
      )}
    </>
  );
}

/** Side panel with one event's full record and payload; open while `?event=` is in the URL. */
export function WebhookEventSheet({
  id,
  canRetry,
  onClose,
}: {
  id: string | undefined;
  canRetry: boolean;
  onClose: () => void;
}) {
  return (
    <Sheet
      open={id !== undefined}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <SheetContent className="w-full gap-0 sm:max-w-xl">
        <SheetHeader className="border-b">
          <SheetTitle>Webhook event</SheetTitle>
          <SheetDescription className="font-mono text-xs">{id}</SheetDescription>
        </SheetHeader>
        <div className="flex min-h-0 flex-1 flex-col pt-4">
          {id && <EventDetails id={id} canRetry={canRetry} />}
        </div>
      </SheetContent>
    </Sheet>
  );
}
