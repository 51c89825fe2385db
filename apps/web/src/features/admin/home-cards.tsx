import { useQuery } from "@tanstack/react-query";
import { Link, type LinkProps } from "@tanstack/react-router";
import {
  ArrowRightIcon,
  CreditCardIcon,
  PackageIcon,
  ScaleIcon,
  WebhookIcon,
  type LucideIcon,
} from "lucide-react";
import type { ReactNode } from "react";
import { ErrorState } from "@/components/error-state";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatCount, formatDuration } from "@/lib/format";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";

/** One figure with what it counts, e.g. 3 "pending". */
function Figure({ value, label, alert }: { value: number; label: string; alert?: boolean }) {
  return (
    <div className="flex flex-col">
      <dd
        className={cn(
          "order-first text-2xl font-semibold tabular-nums",
          alert && value > 0 && "text-destructive",
        )}
      >
        {formatCount(value)}
      </dd>
      <dt className="text-xs text-muted-foreground">{label}</dt>
    </div>
  );
}

function HomeCard({
  title,
  icon: Icon,
  link,
  linkLabel,
  children,
  footnote,
}: {
  title: string;
  icon: LucideIcon;
  link: LinkProps;
  linkLabel: string;
  children: ReactNode;
  footnote?: ReactNode;
}) {
  return (
    <Card className="h-full gap-4">
      <CardHeader className="flex flex-row items-center gap-2">
        <Icon className="size-4 text-muted-foreground" aria-hidden="true" />
        <CardTitle>
          <h2 className="text-base">{title}</h2>
        </CardTitle>
      </CardHeader>
      <CardContent className="space-y-3">
        <dl className="flex flex-wrap gap-x-6 gap-y-3">{children}</dl>
        {footnote && <p className="text-xs text-muted-foreground">{footnote}</p>}
        <Link
          {...link}
          className="inline-flex items-center gap-1 text-sm font-medium text-primary underline-offset-4 hover:underline focus-visible:underline"
        >
          {linkLabel}
          <ArrowRightIcon className="size-3.5" aria-hidden="true" />
        </Link>
      </CardContent>
    </Card>
  );
}

/**
 * What needs attention now, for the signed-in role: the server sends only the cards the role
 * may see (and act on), so a card that is absent is one this role has no business with.
 */
export function HomeCards({ canFulfil }: { canFulfil: boolean }) {
  const home = useQuery({
    ...trpc.admin.home.queryOptions(),
    refetchInterval: 30_000,
  });

  if (home.isPending) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" role="status" aria-label="Loading">
        {Array.from({ length: 2 }, (_, i) => (
          <Skeleton key={i} className="h-40 rounded-xl" />
        ))}
      </div>
    );
  }
  if (home.isError) {
    return (
      <ErrorState
        title="What needs attention couldn't be loaded"
        error={home.error}
        onRetry={() => void home.refetch()}
      />
    );
  }

  const { shipping, approvals, failedPayments, webhooks } = home.data;
  return (
    <section aria-label="Needs attention" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {shipping && (
        <HomeCard
          title="Shipping tasks"
          icon={PackageIcon}
          link={{ to: canFulfil ? "/admin/fulfilment" : "/admin/orders" }}
          linkLabel={canFulfil ? "Open the fulfilment queue" : "Open orders"}
        >
          <Figure value={shipping.pending} label="Pending" />
          <Figure value={shipping.picking} label="Picking" />
          <Figure value={shipping.packed} label="Packed" />
          <Figure value={shipping.shipped} label="In transit" />
        </HomeCard>
      )}
      {approvals && (
        <HomeCard
          title="Awaiting approval"
          icon={ScaleIcon}
          link={{ to: "/admin/approvals" }}
          linkLabel="Review requests"
        >
          <Figure value={approvals.refunds} label="Refunds" />
          <Figure value={approvals.creditGrants} label="Credit grants" />
        </HomeCard>
      )}
      {failedPayments && (
        <HomeCard
          title="Failed payments"
          icon={CreditCardIcon}
          link={{ to: "/admin/customers", search: { subscription: "past_due" } }}
          linkLabel="Customers past due"
        >
          <Figure value={failedPayments.pastDue} label="Past due" alert />
          <Figure value={failedPayments.unpaid} label="Unpaid" alert />
          <Figure
            value={failedPayments.openInvoicesWithFailedAttempts}
            label="Open invoices with a failed attempt"
          />
        </HomeCard>
      )}
      {webhooks && (
        <HomeCard
          title="Stripe webhooks"
          icon={WebhookIcon}
          link={{
            to: "/admin/webhooks",
            search: webhooks.dead > 0 ? { status: "dead" } : {},
          }}
          linkLabel={webhooks.dead > 0 ? "Look at dead letters" : "Open the inbox"}
          footnote={
            webhooks.waiting === 0
              ? "Up to date: every event received is applied."
              : `Lag ${formatDuration(webhooks.lagSeconds)}: the oldest of ${formatCount(webhooks.waiting)} waiting events.`
          }
        >
          <Figure value={webhooks.waiting} label="Waiting" />
          <Figure value={webhooks.failed} label="Failing" alert />
          <Figure value={webhooks.dead} label="Dead letters" alert />
        </HomeCard>
      )}
    </section>
  );
}
