import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { RepeatIcon } from "lucide-react";
import { lazy, Suspense } from "react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate } from "@/features/billing/format";
import { CreditBalanceCard } from "@/features/billing/overview/credit-balance-card";
import { PaymentMethodCard } from "@/features/billing/overview/payment-method-card";
import { planName } from "@/features/billing/overview/status";
import type { Overview } from "@/features/billing/overview/types";
import { SubscriptionsCard } from "@/features/billing/subscriptions-card";
import { trpc } from "@/lib/trpc";

// Only a customer with a failed payment sees the banner: its code (with Radix's alert dialog)
// loads then, while the overview's skeleton stays up, so the page does not shift under them.
const RecoveryBanner = lazy(() =>
  import("@/features/recovery/recovery-banner").then((module) => ({
    default: module.RecoveryBanner,
  })),
);

const billingRoute = getRouteApi("/billing");

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

function OverviewSkeleton() {
  return (
    <div className="grid gap-4 md:grid-cols-3" role="status" aria-label="Loading your billing">
      <Skeleton className="h-72 md:col-span-2" />
      <div className="space-y-4">
        <Skeleton className="h-36" />
        <Skeleton className="h-32" />
      </div>
    </div>
  );
}

function NoSubscription({ lastEnded }: { lastEnded: Overview["lastEnded"] }) {
  return (
    <EmptyState
      icon={RepeatIcon}
      title={lastEnded ? `Your ${planName(lastEnded.items[0])} plan has ended` : "Choose a plan"}
      description={
        lastEnded
          ? `It ended on ${formatDate(lastEnded.endedAt ?? lastEnded.canceledAt)}. Pick a plan to start again; your invoices and credit stay here.`
          : "You don't have a subscription yet. Compare the plans, start with a free trial where one is offered, and manage everything here afterwards."
      }
      action={
        <Button asChild>
          <Link to="/pricing">See plans and pricing</Link>
        </Button>
      }
      className="md:col-span-2"
    />
  );
}

/** The customer's billing at a glance: plan, what happens next, card, credit; recovery first. */
export function BillingOverviewPage() {
  const { me } = billingRoute.useRouteContext();
  const overview = useQuery(trpc.portal.subscription.overview.queryOptions());

  let body;
  if (overview.isPending) {
    body = <OverviewSkeleton />;
  } else if (overview.isError) {
    body = (
      <ErrorState
        title="Couldn't load your billing"
        error={overview.error}
        onRetry={() => void overview.refetch()}
      />
    );
  } else {
    const { subscription, lastEnded, balance, amountOwed } = overview.data;
    body = (
      <div className="space-y-4">
        {subscription && amountOwed && amountOwed.amount > 0 && (
          <RecoveryBanner owed={amountOwed} status={subscription.status} />
        )}
        <div className="grid items-start gap-4 md:grid-cols-3">
          {subscription ? (
            <SubscriptionsCard subscription={subscription} className="md:col-span-2" />
          ) : (
            <NoSubscription lastEnded={lastEnded} />
          )}
          <div className="grid gap-4">
            {subscription && <PaymentMethodCard />}
            {balance && <CreditBalanceCard balance={balance} />}
            <Card>
              <CardHeader>
                <CardTitle>Account</CardTitle>
                <CardDescription>The details invoices are addressed to.</CardDescription>
              </CardHeader>
              <CardContent>
                <dl className="space-y-3 text-sm">
                  <div>
                    <dt className="text-muted-foreground">Name</dt>
                    <dd className="font-medium break-words">{me.user.name}</dd>
                  </div>
                  <div>
                    <dt className="text-muted-foreground">Email</dt>
                    <dd className="font-medium break-all">{me.user.email}</dd>
                  </div>
                </dl>
              </CardContent>
            </Card>
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-8">
      <PageHeader
        title={`Hi ${firstName(me.user.name)}`}
        documentTitle="Billing"
        description="Your plan, what happens next and how you pay, all in one place."
      />
      <Suspense fallback={<OverviewSkeleton />}>{body}</Suspense>
    </div>
  );
}
