import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RefreshCwIcon } from "lucide-react";
import { useId, useState } from "react";
import { PendingButton } from "@/components/pending-button";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";
import type { RouterOutputs } from "@folio/server/api";

type ResyncResult = RouterOutputs["admin"]["customers"]["resync"];

const KIND_LABELS: Record<ResyncResult["changes"][number]["kind"], string> = {
  customer: "Customer",
  subscription: "Subscription",
  invoice: "Invoice",
  customer_balance_transaction: "Balance transaction",
};

/**
 * "Resync from Stripe": fetches the customer's objects from Stripe into Folio, then shows what
 * that changed. Nothing changes in Stripe; the action is audited with the reason given.
 */
export function ResyncDialog({
  customerId,
  hasStripe,
}: {
  customerId: string;
  hasStripe: boolean;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const resync = useMutation(
    trpc.admin.customers.resync.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.admin.customers.pathFilter()),
    }),
  );
  const result = resync.data;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          resync.reset();
          setReason("");
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" disabled={!hasStripe}>
          <RefreshCwIcon aria-hidden="true" />
          Resync from Stripe
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>Resync from Stripe</DialogTitle>
          <DialogDescription>
            Fetches this customer, their subscriptions, invoices and balance transactions from
            Stripe and stores them in Folio. Nothing changes in Stripe.
          </DialogDescription>
        </DialogHeader>
        {result ? (
          <ResyncChanges result={result} />
        ) : (
          <div className="space-y-2">
            <Label htmlFor={reasonId}>Reason (optional, kept in the audit log)</Label>
            <Textarea
              id={reasonId}
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. Stripe's dashboard shows a different plan"
            />
            {resync.isError && (
              <p role="alert" className="text-sm text-destructive">
                {errorInfo(resync.error).message}
              </p>
            )}
          </div>
        )}
        <DialogFooter>
          {result ? (
            <Button onClick={() => setOpen(false)}>Done</Button>
          ) : (
            <PendingButton
              pending={resync.isPending}
              onClick={() => resync.mutate({ customerId, reason: reason.trim() || undefined })}
            >
              Resync now
            </PendingButton>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ResyncChanges({ result }: { result: ResyncResult }) {
  if (result.changes.length === 0) {
    return (
      <p role="status" className="text-sm">
        Fetched {result.fetched} object{result.fetched === 1 ? "" : "s"} from Stripe. Folio already
        matched Stripe: nothing changed.
      </p>
    );
  }
  return (
    <div role="status" className="space-y-3 text-sm">
      <p>
        Fetched {result.fetched} object{result.fetched === 1 ? "" : "s"} from Stripe;{" "}
        {result.changes.length} changed in Folio:
      </p>
      <ul className="max-h-72 space-y-2 overflow-y-auto">
        {result.changes.map((c) => (
          <li key={`${c.kind}:${c.id}`} className="rounded-md border p-2">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{KIND_LABELS[c.kind]}</span>
              <code className="text-xs break-all">{c.id}</code>
              <span className="text-muted-foreground">{c.change}</span>
            </div>
            {c.fields.length > 0 && (
              <p className="mt-1 text-muted-foreground">
                Fields: <span className="font-mono text-xs">{c.fields.join(", ")}</span>
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
