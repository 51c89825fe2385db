import { DeferredPopup } from "@/components/deferred-popup";
import { Button } from "@/components/ui/button";
import type { CancelDialogProps } from "@/features/billing/overview/cancel-dialog-content";

// Radix Dialog and the survey form (react-hook-form, zod) are not part of the overview's first
// visit: they load when the pointer or focus reaches the button, at the latest on a press.
const loadDialog = () =>
  import("@/features/billing/overview/cancel-dialog-content").then(
    (module) => module.CancelDialogContent,
  );

/** Cancel at the end of the period, after a one-question survey; states when access ends. */
export function CancelDialog(props: CancelDialogProps) {
  return (
    <DeferredPopup
      popup="dialog"
      load={loadDialog}
      props={props}
      renderTrigger={(triggerProps) => (
        <Button variant="outline" {...triggerProps}>
          Cancel subscription
        </Button>
      )}
    />
  );
}
