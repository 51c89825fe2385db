import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ErrorState } from "@/components/error-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { UsageAlerts } from "@/features/usage/usage-alerts";
import { signedUnits } from "@/features/usage/search";
import { AdjustWalletDialog } from "@/features/wallets/adjust-wallet-dialog";
import { WALLET_TYPE_LABELS } from "@/features/wallets/search";
import { formatCount, formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

/** A customer's usage this period, wallet balance and latest transactions, on their admin page. */
export function CustomerWallet({ userId }: { userId: string }) {
  const wallet = useQuery(trpc.admin.wallets.forCustomer.queryOptions({ userId }));
  if (wallet.isPending) return <Skeleton className="h-48 rounded-xl" />;
  if (wallet.isError) {
    return (
      <ErrorState
        title="Usage and credits couldn't be loaded"
        error={wallet.error}
        onRetry={() => void wallet.refetch()}
      />
    );
  }
  const { credits, meters, alerts, recent } = wallet.data;
  return (
    <div className="space-y-4">
      <UsageAlerts alerts={alerts} audience="staff" />
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>
              <h3>Wallet</h3>
            </CardTitle>
            <CardDescription>Credits for usage past the allowance.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-3">
            <p className="text-2xl font-semibold tabular-nums">
              {formatCount(credits.balance)} credits
            </p>
            <AdjustWalletDialog userId={userId} balance={credits.balance} />
          </CardContent>
        </Card>
        {meters.map((m) => (
          <Card key={m.meter}>
            <CardHeader>
              <CardTitle>
                <h3>{m.name}</h3>
              </CardTitle>
              <CardDescription>This period</CardDescription>
            </CardHeader>
            <CardContent className="text-sm">
              <p className="text-2xl font-semibold tabular-nums">
                {formatCount(m.used)}
                <span className="text-sm font-normal text-muted-foreground">
                  {" "}
                  {m.included === null ? "of unlimited" : `of ${formatCount(m.included)} included`}
                </span>
              </p>
              <p className="text-muted-foreground">
                {formatCount(m.creditsUsed)} paid with credits
                {m.overage === "metered" && `, ${formatCount(m.overageQuantity)} billed as overage`}
                {m.overage === "blocked" && "; refused past the allowance"}
              </p>
            </CardContent>
          </Card>
        ))}
      </div>
      {recent.length > 0 && (
        <div className="space-y-2">
          <ul className="divide-y rounded-lg border text-sm">
            {recent.map((t) => (
              <li key={t.id} className="flex items-center justify-between gap-4 px-4 py-2">
                <span>
                  <span className="font-medium">{WALLET_TYPE_LABELS[t.type]}</span>
                  {(t.reason ?? t.meterName ?? t.meterKey) && (
                    <span className="text-muted-foreground">
                      {" "}
                      · {t.reason ?? t.meterName ?? t.meterKey}
                    </span>
                  )}
                  <span className="block text-xs text-muted-foreground">
                    {formatDateTime(t.at)}
                  </span>
                </span>
                <span className="font-medium tabular-nums">{signedUnits(t.units)}</span>
              </li>
            ))}
          </ul>
          <Link
            to="/admin/wallets"
            search={{ customer: userId }}
            className="text-sm font-medium text-primary underline-offset-4 hover:underline"
          >
            All of this customer&apos;s transactions
          </Link>
        </div>
      )}
    </div>
  );
}
