import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CalendarClockIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { PendingButton } from "@/components/pending-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormAlert } from "@/features/auth/form-alert";
import { formatDate, formatMoney } from "@/features/billing/format";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";
import { PERIOD, type Interval } from "./plan";
import { summarizePending } from "./pending-summary";
import type { Pending } from "./types";

/** "Changes to Plus on 1 Feb": the scheduled change, and the way to call it off. */
export function PendingChangeCard({
  pending,
  subscriptionId,
}: {
  pending: Pending;
  subscriptionId: string;
}) {
  const queryClient = useQueryClient();
  const [attemptId] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string>();
  const { name, total, currency, interval } = summarizePending(pending);

  const cancel = useMutation(
    trpc.portal.plan.cancelScheduled.mutationOptions({
      onSuccess: async () => {
        toast.success("The scheduled change is cancelled. Your plan stays as it is.");
        await Promise.all([
          queryClient.invalidateQueries(trpc.portal.plan.pathFilter()),
          queryClient.invalidateQueries(trpc.portal.subscription.pathFilter()),
        ]);
      },
      onError: (e) => setError(errorInfo(e).message),
    }),
  );

  return (
    <Card className="border-primary/40 bg-primary/5" data-testid="pending-change">
      <CardHeader>
        <CardDescription className="flex items-center gap-2">
          <CalendarClockIcon className="size-4" aria-hidden="true" />
          Scheduled change
        </CardDescription>
        <CardTitle>
          Changes to {name} on {formatDate(pending.effectiveAt)}
        </CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        {currency && interval && (
          <p className="text-sm text-muted-foreground">
            From then on you pay {formatMoney(total, currency)} / {PERIOD[interval as Interval]}.
            Nothing changes until that date.
          </p>
        )}
        <FormAlert message={error} />
        <PendingButton
          variant="outline"
          pending={cancel.isPending}
          onClick={() => {
            setError(undefined);
            cancel.mutate({ subscriptionId, attemptId });
          }}
        >
          Cancel scheduled change
        </PendingButton>
      </CardContent>
    </Card>
  );
}
