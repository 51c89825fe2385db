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
import { formatDate } from "@/features/billing/format";
import { useAttemptDialog } from "@/lib/use-attempt-dialog";

// The survey form (react-hook-form, zod) is not part of the overview's first visit: it loads
// when the pointer or focus reaches the button, or at the latest when the dialog opens.
const loadForm = () => import("@/features/billing/overview/cancel-form");
const CancelForm = lazy(() => loadForm().then((module) => ({ default: module.CancelForm })));

/** Cancel at the end of the period, after a one-question survey; states when access ends. */
export function CancelDialog({ planName, endsOn }: { planName: string; endsOn: string | null }) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog();
  const date = formatDate(endsOn);
  const preload = () => void loadForm();

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" onPointerEnter={preload} onFocus={preload}>
          Cancel subscription
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90svh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Cancel your {planName} plan?</DialogTitle>
          <DialogDescription>
            You keep full access until <strong className="text-foreground">{date}</strong>. After
            that your plan ends and you won't be charged again. You can resume any time before{" "}
            {date}.
          </DialogDescription>
        </DialogHeader>
        <Suspense fallback={<Skeleton className="h-96 w-full" />}>
          <CancelForm planName={planName} date={date} attemptId={attemptId} close={close} />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
