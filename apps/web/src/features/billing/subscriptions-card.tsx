import { useQuery } from "@tanstack/react-query";
import type * as React from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@folio/server/api";
import { RepeatIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { Badge, type badgeVariants } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { trpc } from "@/lib/trpc";
import type { VariantProps } from "class-variance-authority";
import { formatDate, formatMoney } from "@/features/billing/format";

type Subscription = inferRouterOutputs<AppRouter>["portal"]["billing"]["subscriptions"][number];
type Item = Subscription["items"][number];
type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>["variant"]>;

const STATUS: Record<string, { label: string; variant: BadgeVariant }> = {
  trialing: { label: "Trialing", variant: "secondary" },
  active: { label: "Active", variant: "success" },
  past_due: { label: "Past due", variant: "destructive" },
  unpaid: { label: "Unpaid", variant: "destructive" },
  incomplete: { label: "Awaiting payment", variant: "warning" },
  paused: { label: "Paused", variant: "secondary" },
  canceled: { label: "Ended", variant: "outline" },
};

function isCanceling(s: Subscription): boolean {
  return !s.ended && (s.cancelAtPeriodEnd || s.cancelAt !== null);
}

/** When a canceling subscription stops: its cancel date, else the end of the current period. */
function cancelsOn(s: Subscription): string | null {
  return s.cancelAt ?? s.currentPeriodEnd;
}

function statusOf(s: Subscription): { label: string; variant: BadgeVariant } {
  if (isCanceling(s))
    return { label: `Canceling on ${formatDate(cancelsOn(s))}`, variant: "warning" };
  return STATUS[s.status] ?? { label: s.status.replaceAll("_", " "), variant: "outline" };
}

function per(interval: string | null, count: number | null): string {
  if (!interval) return "";
  return count && count > 1 ? ` / ${count} ${interval}s` : ` / ${interval}`;
}

function quantityOf(item: Item): string {
  const quantity = item.quantity ?? 1;
  if (item.unitLabel) return ` × ${quantity} ${item.unitLabel}${quantity === 1 ? "" : "s"}`;
  return quantity > 1 ? ` × ${quantity}` : "";
}

function priceOf(item: Item): string {
  if (item.unitAmount === null) return "Usage-based";
  return `${formatMoney(item.unitAmount, item.currency)}${per(item.interval, item.intervalCount)}${quantityOf(item)}`;
}

function nameOf(item: Item | undefined): string {
  return item?.productName ?? item?.priceNickname ?? item?.priceLookupKey ?? "Subscription";
}

/** The total per period, when every item has a flat amount on the same schedule. */
function totalOf(s: Subscription): string | null {
  const [first] = s.items;
  if (!first || (s.items.length === 1 && (first.quantity ?? 1) === 1)) return null;
  const sameSchedule = s.items.every(
    (i) =>
      i.unitAmount !== null &&
      i.currency === first.currency &&
      i.interval === first.interval &&
      i.intervalCount === first.intervalCount,
  );
  if (!sameSchedule) return null;
  const sum = s.items.reduce((acc, i) => acc + (i.unitAmount ?? 0) * (i.quantity ?? 1), 0);
  return `${formatMoney(sum, first.currency)}${per(first.interval, first.intervalCount)}`;
}

function scheduleOf(s: Subscription): string | null {
  if (s.ended) return `Ended on ${formatDate(s.endedAt ?? s.canceledAt)}`;
  if (isCanceling(s)) return `Won't renew; you keep access until ${formatDate(cancelsOn(s))}`;
  if (s.status === "trialing" && s.trialEnd) {
    return `Free trial until ${formatDate(s.trialEnd)}; the first charge is then`;
  }
  if (s.status === "past_due" || s.status === "unpaid") {
    return "The last payment failed; Stripe retries it with your card on file";
  }
  if (s.currentPeriodEnd) return `Renews on ${formatDate(s.currentPeriodEnd)}`;
  return null;
}

function SubscriptionRow({ subscription: s }: { subscription: Subscription }) {
  const status = statusOf(s);
  const total = totalOf(s);
  const schedule = scheduleOf(s);
  return (
    <li className="space-y-3 py-5 first:pt-0 last:pb-0" aria-label={nameOf(s.items[0])}>
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1.5">
        <h3 className="font-semibold">{nameOf(s.items[0])}</h3>
        <Badge variant={status.variant}>{status.label}</Badge>
      </div>
      <ul className="space-y-1.5 text-sm">
        {s.items.map((item) => (
          <li key={item.id} className="flex flex-wrap items-baseline justify-between gap-x-4">
            <span className="min-w-0">
              {nameOf(item)}
              {item.priceNickname && (
                <span className="text-muted-foreground"> · {item.priceNickname}</span>
              )}
            </span>
            <span className="ml-auto text-right tabular-nums">{priceOf(item)}</span>
          </li>
        ))}
        {total && (
          <li className="flex items-baseline justify-between gap-x-4 border-t pt-1.5 font-medium">
            <span>Total</span>
            <span className="tabular-nums">{total}</span>
          </li>
        )}
      </ul>
      {schedule && <p className="text-sm text-muted-foreground">{schedule}.</p>}
    </li>
  );
}

/** The customer's subscriptions as Stripe last told us, on the billing overview. */
export function SubscriptionsCard({ className }: { className?: string }) {
  const subscriptions = useQuery(trpc.portal.billing.subscriptions.queryOptions());

  let body: React.ReactNode;
  if (subscriptions.isPending) {
    body = (
      <div className="space-y-3" role="status" aria-label="Loading subscriptions">
        <Skeleton className="h-5 w-1/3" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    );
  } else if (subscriptions.isError) {
    body = (
      <ErrorState
        title="Couldn't load your subscriptions"
        error={subscriptions.error}
        onRetry={() => void subscriptions.refetch()}
        className="py-10"
      />
    );
  } else if (subscriptions.data.length === 0) {
    body = (
      <EmptyState
        icon={RepeatIcon}
        title="You have no subscriptions"
        description="When you subscribe to a plan, its price, renewal date and status show up here."
        className="py-10"
      />
    );
  } else {
    body = (
      <ul className="divide-y">
        {subscriptions.data.map((s) => (
          <SubscriptionRow key={s.id} subscription={s} />
        ))}
      </ul>
    );
  }

  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>Subscriptions</CardTitle>
        <CardDescription>Plans you pay for and when they renew.</CardDescription>
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}
