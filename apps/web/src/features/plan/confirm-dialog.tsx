import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { PendingButton } from "@/components/pending-button";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { FormAlert } from "@/features/auth/form-alert";
import { formatDate, formatMoney } from "@/features/billing/format";
import { errorInfo, isClientError } from "@/lib/errors";
import { trpc } from "@/lib/trpc";
import { useAttemptDialog } from "@/lib/use-attempt-dialog";
import type { CurrentPlan, Preview } from "./types";

/** Confirms the previewed change with its exact amount and effect, once per attempt. */
export function ConfirmDialog({
  preview: p,
  target,
  current,
  disabled,
  onStale,
}: {
  preview: Preview;
  target: string;
  current: CurrentPlan;
  disabled: boolean;
  onStale: () => void;
}) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  // A double click or a network retry replays the same Stripe request; a refused one (declined
  // card, stale preview) gets a fresh attempt next time.
  const { open, onOpenChange, attemptId, close, renewAttempt } = useAttemptDialog({
    onOpen: () => setError(undefined),
  });
  const money = (amount: number) => formatMoney(amount, p.currency);
  const now = p.timing === "now";

  const confirm = useMutation(
    trpc.portal.plan.confirm.mutationOptions({
      onSuccess: async (result) => {
        close();
        toast.success(
          result.timing === "now"
            ? `You're now on ${target}.${result.invoice ? ` We charged ${money(result.invoice.amountPaid)}.` : ""}`
            : `Your plan changes to ${target} on ${formatDate(result.effectiveAt)}.`,
          // A double click sends the attempt twice; the server answers both with the one change.
          { id: attemptId },
        );
        await Promise.all([
          queryClient.invalidateQueries(trpc.portal.plan.pathFilter()),
          queryClient.invalidateQueries(trpc.portal.subscription.pathFilter()),
          queryClient.invalidateQueries(trpc.portal.invoices.pathFilter()),
        ]);
      },
      onError: (e) => {
        const info = errorInfo(e);
        setError(info.message);
        if (isClientError(e)) renewAttempt();
        if (info.code === "CONFLICT") onStale();
      },
    }),
  );

  return (
    <Dialog
      open={open}
      // Stays open while the change is in flight.
      onOpenChange={(next) => !confirm.isPending && onOpenChange(next)}
    >
      <DialogTrigger asChild>
        <Button disabled={disabled}>
          {now
            ? `Upgrade now for ${money(p.dueNow)}`
            : `Schedule change for ${formatDate(p.effectiveAt)}`}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            {now
              ? `Switch to ${target} now?`
              : `Switch to ${target} on ${formatDate(p.effectiveAt)}?`}
          </DialogTitle>
          <DialogDescription asChild>
            <div className="space-y-2">
              {now ? (
                <p>
                  Your card on file is charged{" "}
                  <strong className="text-foreground" data-testid="confirm-amount">
                    {money(p.dueNow)}
                  </strong>{" "}
                  now and {target} starts immediately. Your next invoice is{" "}
                  {money(p.nextInvoice.amount)} on {formatDate(p.nextInvoice.date)}.
                </p>
              ) : (
                <p>
                  <strong className="text-foreground">Nothing is charged now.</strong> You keep{" "}
                  {current.plan.productName ?? "your plan"} until {formatDate(p.effectiveAt)}; then
                  your plan becomes {target} and that invoice is{" "}
                  <strong className="text-foreground" data-testid="confirm-amount">
                    {money(p.nextInvoice.amount)}
                  </strong>
                  . You can cancel this change before then.
                </p>
              )}
            </div>
          </DialogDescription>
        </DialogHeader>
        <FormAlert message={error} />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={confirm.isPending}>
              Not now
            </Button>
          </DialogClose>
          <PendingButton
            pending={confirm.isPending}
            onClick={() =>
              confirm.mutate({
                subscriptionId: p.subscriptionId,
                priceId: p.priceId,
                seats: p.seats,
                prorationDate: p.prorationDate,
                changeKey: p.changeKey,
                attemptId,
              })
            }
          >
            {now ? `Pay ${money(p.dueNow)} and switch` : "Schedule change"}
          </PendingButton>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
