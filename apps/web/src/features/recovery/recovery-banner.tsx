import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertTriangleIcon, ExternalLinkIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { PendingButton } from "@/components/pending-button";
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
import { formatMoney } from "@/features/billing/format";
import type { Overview } from "@/features/billing/overview/types";
import { useCardUpdate } from "@/features/recovery/use-card-update";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

type Owed = NonNullable<Overview["amountOwed"]>;
type Problem = { kind: "declined"; message: string } | { kind: "verify"; url: string | null };

/**
 * A failed payment, the amount owed and the two ways out: a new card (Stripe Checkout) or paying
 * the open invoice now. Disappears once the invoice is paid, without a reload.
 */
export function RecoveryBanner({ owed, status }: { owed: Owed; status: string }) {
  const queryClient = useQueryClient();
  const card = useQuery({ ...trpc.portal.subscription.card.queryOptions(), staleTime: 60_000 });
  const update = useCardUpdate();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attemptId, setAttemptId] = useState(() => crypto.randomUUID());
  const amount = formatMoney(owed.amount, owed.currency);

  // The invoice's state shows on the overview and in the invoice list.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.portal.subscription.pathFilter()),
      queryClient.invalidateQueries(trpc.portal.invoices.pathFilter()),
    ]);
  const pay = useMutation(
    trpc.portal.subscription.payOpenInvoice.mutationOptions({
      onSuccess: async (result) => {
        setConfirming(false);
        setAttemptId(crypto.randomUUID());
        if (result.outcome === "paid") {
          toast.success(`Paid ${formatMoney(result.amountPaid, result.currency)}. Thank you!`);
        } else if (result.outcome === "requires_action") {
          setProblem({ kind: "verify", url: result.hostedInvoiceUrl });
        } else {
          toast.success("This invoice is already paid; nothing more to do.");
        }
        await refresh();
      },
      onError: async (error) => {
        setConfirming(false);
        // A retry is a new attempt (Stripe would replay this one's decline).
        setAttemptId(crypto.randomUUID());
        setProblem({ kind: "declined", message: errorInfo(error).message });
        await refresh();
      },
    }),
  );
  const cardName = card.data ? `your card ending in ${card.data.last4}` : "your card on file";

  return (
    <section
      aria-labelledby="recovery-title"
      className="space-y-4 rounded-xl border border-destructive/40 bg-destructive/5 p-5"
    >
      <div className="flex gap-3">
        <AlertTriangleIcon className="mt-0.5 size-5 shrink-0 text-destructive" aria-hidden="true" />
        <div className="space-y-1">
          <h2 id="recovery-title" className="font-semibold">
            {status === "incomplete"
              ? `Your first payment didn't go through: ${amount} is due`
              : `Your last payment failed: ${amount} is due`}
          </h2>
          <p className="text-sm text-muted-foreground">
            Pay now with {cardName}, or put in a new card first.
            {owed.number && ` Invoice ${owed.number}.`}
          </p>
        </div>
      </div>
      {problem && (
        <div role="alert" className="rounded-md bg-background p-3 text-sm">
          {problem.kind === "declined" ? (
            problem.message
          ) : (
            <>
              Your bank wants you to confirm this payment.{" "}
              {problem.url ? (
                <>
                  <a
                    href={problem.url}
                    target="_blank"
                    rel="noreferrer"
                    className="font-medium text-primary underline underline-offset-4"
                  >
                    Complete the verification on the invoice page
                    <ExternalLinkIcon
                      className="ml-1 inline size-3.5 align-[-2px]"
                      aria-hidden="true"
                    />
                    <span className="sr-only">(opens in a new tab)</span>
                  </a>
                  , then come back here.
                </>
              ) : (
                "Complete it from the invoice email, then come back here."
              )}
            </>
          )}
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <AlertDialog open={confirming} onOpenChange={setConfirming}>
          <AlertDialogTrigger asChild>
            <PendingButton variant="destructive" pending={pay.isPending}>
              Pay {amount} now
            </PendingButton>
          </AlertDialogTrigger>
          <AlertDialogContent>
            <AlertDialogHeader>
              <AlertDialogTitle>Pay {amount} now?</AlertDialogTitle>
              <AlertDialogDescription>
                We charge {cardName} {amount} for the open invoice. Your plan then continues as
                normal.
              </AlertDialogDescription>
            </AlertDialogHeader>
            <AlertDialogFooter>
              <AlertDialogCancel disabled={pay.isPending}>Not now</AlertDialogCancel>
              <PendingButton pending={pay.isPending} onClick={() => pay.mutate({ attemptId })}>
                Pay {amount}
              </PendingButton>
            </AlertDialogFooter>
          </AlertDialogContent>
        </AlertDialog>
        <PendingButton variant="outline" pending={update.isPending} onClick={update.start}>
          Update card
        </PendingButton>
      </div>
    </section>
  );
}
