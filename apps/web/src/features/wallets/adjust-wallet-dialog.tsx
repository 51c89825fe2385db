import { SparklesIcon } from "lucide-react";
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
import { useAttemptDialog } from "@/lib/use-attempt-dialog";

// The form (react-hook-form, zod) is its own chunk, loaded when the dialog first opens.
const AdjustWalletForm = lazy(() =>
  import("@/features/wallets/adjust-wallet-form").then((m) => ({ default: m.AdjustWalletForm })),
);

/**
 * Grants wallet credits to a customer or takes them back, with a reason. One attempt id per
 * opening makes repeats one ledger entry; support is limited to its credit limit.
 */
export function AdjustWalletDialog({ userId, balance }: { userId: string; balance: number }) {
  const { open, onOpenChange, attemptId, close } = useAttemptDialog();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <SparklesIcon aria-hidden="true" />
          Grant or debit credits
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Grant or debit wallet credits</DialogTitle>
          <DialogDescription>
            Credits pay for usage past the plan&apos;s allowance. The customer sees the entry, with
            its reason, in their transactions.
          </DialogDescription>
        </DialogHeader>
        <Suspense fallback={<Skeleton className="h-72 w-full" />}>
          <AdjustWalletForm
            key={attemptId}
            userId={userId}
            balance={balance}
            attemptId={attemptId}
            onDone={close}
          />
        </Suspense>
      </DialogContent>
    </Dialog>
  );
}
