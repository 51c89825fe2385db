import type { LoadedPopupProps } from "@/components/deferred-popup";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { formatDate } from "@/features/billing/format";
import { CancelForm } from "@/features/billing/overview/cancel-form";
import { useAttemptDialog } from "@/lib/use-attempt-dialog";

export interface CancelDialogProps {
  planName: string;
  endsOn: string | null;
}

/** The cancel dialog and its survey form, loaded on first interaction (see `CancelDialog`). */
export function CancelDialogContent({
  planName,
  endsOn,
  trigger,
  defaultOpen,
}: CancelDialogProps & LoadedPopupProps) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog({ initiallyOpen: defaultOpen });
  const date = formatDate(endsOn);

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90svh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Cancel your {planName} plan?</DialogTitle>
          <DialogDescription>
            You keep full access until <strong className="text-foreground">{date}</strong>. After
            that your plan ends and you won't be charged again. You can resume any time before{" "}
            {date}.
          </DialogDescription>
        </DialogHeader>
        <CancelForm planName={planName} date={date} attemptId={attemptId} close={close} />
      </DialogContent>
    </Dialog>
  );
}
