import { CoinsIcon } from "lucide-react";
import { lazy, Suspense } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { useAttemptDialog } from "@/lib/use-attempt-dialog";

// The form (react-hook-form, zod) is its own chunk, loaded when the dialog first opens.
const GrantForm = lazy(() =>
  import("@/features/credit-grants/grant-credit-form").then((module) => ({
    default: module.GrantForm,
  })),
);

/**
 * Grants credit to (or takes it from) a customer's Stripe credit balance: their next invoices
 * use it. One attempt id per opening makes repeats one balance transaction; above support's
 * limit it becomes a request for approval.
 */
export function GrantCreditDialog({
  userId,
  hasStripe,
  currency,
}: {
  userId: string;
  hasStripe: boolean;
  /** The customer's balance currency once Stripe fixed one; any currency before that. */
  currency: string | null;
}) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" disabled={!hasStripe}>
          <CoinsIcon aria-hidden="true" />
          Grant credit
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Grant or take back credit</DialogTitle>
          <DialogDescription>
            Changes the customer&apos;s Stripe credit balance; their next invoices use it. They see
            the entry, with its reason, on their credit page.
          </DialogDescription>
        </DialogHeader>
        <Suspense fallback={<Skeleton className="h-80 w-full" />}>
          <GrantForm
            key={attemptId}
            userId={userId}
            fixedCurrency={currency}
            attemptId={attemptId}
            onDone={close}
          />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
