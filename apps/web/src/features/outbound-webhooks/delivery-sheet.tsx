import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Loader2Icon, RotateCwIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { ScrollRegion } from "@/components/scroll-region";
import { Button } from "@/components/ui/button";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetFooter,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { DeliveryStatusBadge } from "@/features/outbound-webhooks/delivery-columns";
import { errorInfo } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { trpc } from "@/lib/trpc";

function Details({ id, canReplay }: { id: string; canReplay: boolean }) {
  const queryClient = useQueryClient();
  const delivery = useQuery(trpc.admin.outboundWebhooks.delivery.queryOptions({ id }));
  const replay = useMutation(
    trpc.admin.outboundWebhooks.replay.mutationOptions({
      onSuccess: async () => {
        toast.success("Sent again shortly, with the same event id.");
        await queryClient.invalidateQueries(trpc.admin.outboundWebhooks.pathFilter());
      },
      onError: (error) => toast.error(errorInfo(error).message),
    }),
  );
  if (delivery.isPending) {
    return <Skeleton className="mx-4 h-64" role="status" aria-label="Loading" />;
  }
  if (delivery.isError) {
    return (
      <div className="px-4">
        <ErrorState
          title="This delivery couldn't be loaded"
          error={delivery.error}
          onRetry={() => void delivery.refetch()}
        />
      </div>
    );
  }
  const d = delivery.data;
  return (
    <>
      <ScrollRegion
        label="Delivery details"
        className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4"
      >
        <dl className="grid grid-cols-[8rem_1fr] gap-2 text-sm">
          <dt className="text-muted-foreground">Status</dt>
          <dd>
            <DeliveryStatusBadge status={d.status} />
          </dd>
          <dt className="text-muted-foreground">Endpoint</dt>
          <dd className="break-all">{d.endpointUrl}</dd>
          <dt className="text-muted-foreground">Event id</dt>
          <dd className="font-mono text-xs">{d.eventId}</dd>
          <dt className="text-muted-foreground">Delivered</dt>
          <dd>{formatDateTime(d.deliveredAt)}</dd>
          {d.nextAttemptAt && d.status === "failing" && (
            <>
              <dt className="text-muted-foreground">Next attempt</dt>
              <dd>{formatDateTime(d.nextAttemptAt)}</dd>
            </>
          )}
        </dl>
        <div className="space-y-2">
          <h3 className="text-sm font-medium">Attempts</h3>
          {d.attempts.length === 0 ? (
            <p className="text-sm text-muted-foreground">Not sent yet.</p>
          ) : (
            <ol className="divide-y rounded-md border text-sm">
              {d.attempts.map((a) => (
                <li key={a.id} className="space-y-1 p-3">
                  <p className="flex flex-wrap justify-between gap-2">
                    <span className={a.error ? "font-medium text-destructive" : "font-medium"}>
                      {a.statusCode ?? "No answer"}
                    </span>
                    <span className="text-muted-foreground tabular-nums">
                      {formatDateTime(a.at)} · {a.latencyMs} ms
                    </span>
                  </p>
                  {a.error && <p className="text-xs text-destructive">{a.error}</p>}
                  {a.responseBody && (
                    <p className="font-mono text-xs break-all text-muted-foreground">
                      {a.responseBody}
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )}
        </div>
        <div className="space-y-2 pb-4">
          <h3 className="text-sm font-medium">Body</h3>
          <ScrollRegion
            label="Body (JSON)"
            className="max-h-[28rem] overflow-auto rounded-md border bg-muted/50"
          >
            <pre className="w-max p-3 font-mono text-xs leading-relaxed">
              {JSON.stringify(d.payload, null, 2)}
            </pre>
          </ScrollRegion>
        </div>
      </ScrollRegion>
      {canReplay && (d.status === "succeeded" || d.status === "dead") && (
        <SheetFooter className="border-t">
          <Button disabled={replay.isPending} onClick={() => replay.mutate({ id: d.id })}>
            {replay.isPending ? <Loader2Icon className="animate-spin" /> : <RotateCwIcon />}
            Send again
          </Button>
        </SheetFooter>
      )}
    </>
  );
}

/** One delivery's attempts and body; open while `?delivery=` is in the URL. */
export function DeliverySheet(props: {
  id: string | undefined;
  canReplay: boolean;
  onClose: () => void;
}) {
  return (
    <Sheet open={props.id !== undefined} onOpenChange={(open) => !open && props.onClose()}>
      <SheetContent className="w-full gap-0 sm:max-w-xl">
        <SheetHeader className="border-b">
          <SheetTitle>Webhook delivery</SheetTitle>
          <SheetDescription className="font-mono text-xs">{props.id}</SheetDescription>
        </SheetHeader>
        <div className="flex min-h-0 flex-1 flex-col pt-4">
          {props.id && <Details id={props.id} canReplay={props.canReplay} />}
        </div>
      </SheetContent>
    </Sheet>
  );
}
