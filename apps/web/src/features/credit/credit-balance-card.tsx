import { useQuery } from "@tanstack/react-query";
import type * as React from "react";
import { WalletIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatMoney } from "@/features/billing/format";
import { trpc } from "@/lib/trpc";

/** What the customer can spend now: Stripe's customer balance, in the customer's sign. */
export function CreditBalanceCard() {
  const balance = useQuery(trpc.portal.credit.balance.queryOptions());

  let body: React.ReactNode;
  if (balance.isPending) {
    body = <Skeleton className="h-9 w-40" />;
  } else if (balance.isError) {
    body = (
      <ErrorState
        title="Your balance couldn't be loaded"
        error={balance.error}
        onRetry={() => void balance.refetch()}
      />
    );
  } else {
    const { credit, owed, currency } = balance.data;
    body = (
      <div className="space-y-1">
        <p className="text-3xl font-semibold tabular-nums">
          {currency ? formatMoney(credit, currency) : formatMoney(0, "usd")}
        </p>
        <p className="text-sm text-muted-foreground">
          {owed > 0 && currency
            ? `You owe ${formatMoney(owed, currency)}; it is added to your next invoice.`
            : credit > 0
              ? "Applied automatically to your next invoices before your card is charged."
              : "No credit right now. Credit from our team, refunds to credit and plan changes show up here."}
        </p>
      </div>
    );
  }

  return (
    <Card>
      <CardHeader className="flex flex-row items-center gap-3">
        <div className="flex size-10 items-center justify-center rounded-full bg-accent text-accent-foreground">
          <WalletIcon className="size-5" aria-hidden="true" />
        </div>
        <div className="space-y-1">
          <CardTitle>
            <h2>Credit available</h2>
          </CardTitle>
          <CardDescription>Account credit you can spend on invoices.</CardDescription>
        </div>
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}
