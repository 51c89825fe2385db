import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import {
  CircleAlertIcon,
  ClockIcon,
  CreditCardIcon,
  Loader2Icon,
  type LucideIcon,
} from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { toast } from "@/lib/toast";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { formatDate, formatMoney } from "@/features/billing/format";
import { queryClient, trpc } from "@/lib/trpc";
import { trpcClient } from "@/lib/trpc-client";

const returnRoute = getRouteApi("/billing/checkout/return");

/** States after which asking again changes nothing (until the customer acts). */
const SETTLED = new Set(["subscribed", "paid", "open", "expired", "requires_payment"]);
const POLL_MS = 1500;
/** After this long, say that it is taking longer than usual (and keep asking). */
const SLOW_MS = 15_000;

type Confirmation = Awaited<ReturnType<typeof trpcClient.portal.checkout.confirm.mutate>>;

/**
 * Where Stripe Checkout sends the customer back. Asks the server to confirm the session — it
 * fetches it from Stripe and stores it, so this does not wait for the webhook — until the
 * subscription or order is in, then moves on to the overview or the orders with a toast.
 */
export function CheckoutReturnPage() {
  const { session_id: sessionId } = returnRoute.useSearch();
  const navigate = useNavigate();
  const [slow, setSlow] = useState(false);
  const done = useRef(false);

  const confirm = useQuery({
    queryKey: ["checkout-confirm", sessionId],
    queryFn: () => trpcClient.portal.checkout.confirm.mutate({ sessionId: sessionId ?? "" }),
    enabled: sessionId !== undefined,
    // Until the state settles; an error stops polling (the page offers "Try again").
    refetchInterval: (query) =>
      query.state.status === "error" ||
      (query.state.data !== undefined && SETTLED.has(query.state.data.state))
        ? false
        : POLL_MS,
    staleTime: 0,
    gcTime: 0,
  });

  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_MS);
    return () => clearTimeout(timer);
  }, []);

  const data = confirm.data;
  useEffect(() => {
    if (!data || done.current) return;
    if (data.state !== "subscribed" && data.state !== "paid") return;
    done.current = true;
    void queryClient.invalidateQueries(trpc.portal.pathFilter());
    if (data.state === "subscribed") {
      toast.success(subscribedMessage(data));
      void navigate({ to: "/billing", replace: true });
    } else {
      toast.success(
        `Order placed${data.amountTotal !== null && data.currency ? `: ${formatMoney(data.amountTotal, data.currency)} paid` : ""}. You can follow it here.`,
      );
      void navigate({ to: "/billing/orders", replace: true });
    }
  }, [data, navigate]);

  if (sessionId === undefined) {
    return (
      <Outcome
        icon={CircleAlertIcon}
        title="This link does not name a checkout"
        text="Open Plans or the Shop to start again. Nothing was charged from this page."
        actions={<StartAgain mode="subscription" />}
      />
    );
  }
  if (confirm.isError) {
    return (
      <div className="space-y-6">
        <PageHeader title="Checkout" />
        <ErrorState
          title="We could not confirm this checkout"
          error={confirm.error}
          onRetry={() => void confirm.refetch()}
        />
      </div>
    );
  }
  if (!data || !SETTLED.has(data.state) || data.state === "subscribed" || data.state === "paid") {
    return <Confirming slow={slow} />;
  }
  if (data.state === "open") {
    return (
      <Outcome
        icon={CreditCardIcon}
        title="Your payment was not completed"
        text="Nothing was charged. If your card was declined, go back to checkout and use another card, or ask your bank why it was refused."
        actions={
          <>
            {data.checkoutUrl && (
              <Button asChild>
                <a href={data.checkoutUrl}>Return to checkout</a>
              </Button>
            )}
            <StartAgain mode={data.mode} variant="outline" />
          </>
        }
      />
    );
  }
  if (data.state === "expired") {
    return (
      <Outcome
        icon={ClockIcon}
        title="This checkout has expired"
        text="Checkout pages stay open for a limited time. Nothing was charged; start again when you are ready."
        actions={<StartAgain mode={data.mode} />}
      />
    );
  }
  return (
    <Outcome
      icon={CircleAlertIcon}
      title="Your first payment did not go through"
      text="Your subscription is waiting for its first payment. Open Billing to update your card and pay; until then it is not active."
      actions={
        <Button asChild>
          <Link to="/billing">Go to billing</Link>
        </Button>
      }
    />
  );
}

function subscribedMessage(data: Confirmation): string {
  const plan = data.subscription?.productName ?? "your plan";
  if (data.subscription?.status === "trialing" && data.subscription.trialEnd) {
    return `Your trial of ${plan} has started. It ends on ${formatDate(data.subscription.trialEnd)}.`;
  }
  return `You are subscribed to ${plan}. Welcome aboard!`;
}

function Confirming({ slow }: { slow: boolean }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-4 py-16 text-center">
      <Loader2Icon className="size-8 animate-spin text-primary" aria-hidden="true" />
      <div role="status" aria-live="polite" className="space-y-1.5">
        <h1 className="text-xl font-semibold tracking-tight">Confirming your payment…</h1>
        <p className="text-sm text-muted-foreground">
          {slow
            ? "This is taking longer than usual. You can keep this page open, or check Billing in a minute: nothing is charged twice."
            : "This takes a few seconds. Please keep this page open."}
        </p>
      </div>
      {slow && (
        <Button asChild variant="outline">
          <Link to="/billing">Go to billing</Link>
        </Button>
      )}
    </div>
  );
}

function Outcome({
  icon: Icon,
  title,
  text,
  actions,
}: {
  icon: LucideIcon;
  title: string;
  text: string;
  actions: ReactNode;
}) {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center gap-4 py-12 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-warning/15 text-warning">
        <Icon className="size-6" aria-hidden="true" />
      </div>
      <div role="alert" className="space-y-1.5">
        <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
        <p className="text-sm text-balance text-muted-foreground">{text}</p>
      </div>
      <div className="flex flex-wrap justify-center gap-2">{actions}</div>
    </div>
  );
}

function StartAgain({
  mode,
  variant = "default",
}: {
  mode: Confirmation["mode"];
  variant?: "default" | "outline";
}) {
  return (
    <Button asChild variant={variant}>
      {mode === "payment" ? (
        <Link to="/billing/shop">Back to the shop</Link>
      ) : (
        <Link to="/pricing">Choose a plan</Link>
      )}
    </Button>
  );
}
