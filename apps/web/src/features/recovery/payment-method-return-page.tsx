import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { Loader2Icon } from "lucide-react";
import { useEffect, useRef } from "react";
import { toast } from "@/lib/toast";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { formatMoney } from "@/features/billing/format";
import { trpc } from "@/lib/trpc";

const routeApi = getRouteApi("/billing/payment-method/return");

/**
 * Where Stripe Checkout (setup mode) sends the customer back: the new card becomes the default,
 * then the overview takes over (with "Pay now" still there if an invoice is open).
 */
export function PaymentMethodReturnPage() {
  const { session_id: sessionId } = routeApi.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const complete = useMutation(
    trpc.portal.subscription.completeCardUpdate.mutationOptions({
      onSuccess: async (result) => {
        const card = result.card ? `Card ending in ${result.card.last4}` : "Your new card";
        toast.success(
          result.amountOwed > 0 && result.currency
            ? `${card} is now your default. You can pay the ${formatMoney(result.amountOwed, result.currency)} due now.`
            : `${card} is now your default.`,
        );
        await queryClient.invalidateQueries(trpc.portal.subscription.pathFilter());
        await navigate({ to: "/billing", replace: true });
      },
    }),
  );
  // Once per visit; completing the same session again is harmless (the server replays it).
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !sessionId) return;
    started.current = true;
    complete.mutate({ sessionId });
  }, [complete, sessionId]);

  return (
    <div className="space-y-6">
      <PageHeader title="Your new card" documentTitle="Updating your card" />
      {!sessionId ? (
        <p role="alert" className="text-sm text-muted-foreground">
          This link is missing its card details. Start again from Billing.
        </p>
      ) : complete.isError ? (
        <ErrorState
          title="Your card was not updated"
          error={complete.error}
          onRetry={() => complete.mutate({ sessionId })}
        />
      ) : (
        <p role="status" className="flex items-center gap-2 text-sm text-muted-foreground">
          <Loader2Icon className="size-4 animate-spin" aria-hidden="true" />
          Saving your new card…
        </p>
      )}
      <Button variant="outline" asChild>
        <Link to="/billing">Back to billing</Link>
      </Button>
    </div>
  );
}
