import { useQuery } from "@tanstack/react-query";
import { Undo2Icon } from "lucide-react";
import { lazy, Suspense } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { formatMoney } from "@/features/billing/format";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";
import { useAttemptDialog } from "@/lib/use-attempt-dialog";
import type { RouterInputs } from "@folio/server/api";

type Target = RouterInputs["admin"]["refunds"]["options"];

// The form (react-hook-form, zod) is its own chunk, loaded when the dialog first opens.
const RefundForm = lazy(() =>
  import("@/features/refunds/refund-form").then((module) => ({ default: module.RefundForm })),
);

/**
 * Refunds all or part of an order or paid invoice. The form makes one attempt id when it opens:
 * a double click, a retry after a timeout or a second tab sends the same refund, which the
 * server makes once. Above support's limit the refund becomes a request for approval.
 */
export function RefundDialog({
  target,
  label = "Refund",
  accessibleLabel,
  size,
}: {
  target: Target;
  label?: string;
  /** The button's name for screen readers when `label` alone is ambiguous (one per table row). */
  accessibleLabel?: string;
  size?: "sm";
}) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog();
  const options = useQuery({ ...trpc.admin.refunds.options.queryOptions(target), enabled: open });

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" size={size} aria-label={accessibleLabel}>
          <Undo2Icon aria-hidden="true" />
          {label}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>{"orderId" in target ? "Refund order" : "Refund invoice"}</DialogTitle>
          <DialogDescription>
            Money goes back to the card it came from, or onto the customer&apos;s credit balance for
            their next invoices.
          </DialogDescription>
        </DialogHeader>
        {options.isPending ? (
          <div className="space-y-3" aria-label="Loading what can be refunded">
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-20 w-full" />
          </div>
        ) : options.isError ? (
          <p role="alert" className="text-sm text-destructive">
            {errorInfo(options.error).message}
          </p>
        ) : options.data.refundable === 0 ? (
          <p className="text-sm text-muted-foreground">
            Nothing is left to refund: {formatMoney(options.data.paid, options.data.currency)} was
            paid and all of it is refunded or already requested.
          </p>
        ) : (
          <Suspense fallback={<Skeleton className="h-72 w-full" />}>
            <RefundForm
              key={attemptId}
              target={target}
              options={options.data}
              attemptId={attemptId}
              onDone={close}
            />
          </Suspense>
        )}
      </DialogContent>
    </Dialog>
  );
}
