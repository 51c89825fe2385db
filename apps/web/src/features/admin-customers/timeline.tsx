import { useInfiniteQuery } from "@tanstack/react-query";
import {
  BanknoteIcon,
  CoinsIcon,
  HistoryIcon,
  PackageIcon,
  RepeatIcon,
  ShoppingBagIcon,
  SparklesIcon,
  UserCogIcon,
  WebhookIcon,
  type LucideIcon,
} from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PendingButton } from "@/components/pending-button";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import type { TimelineEntry } from "@/features/admin-customers/search";
import { formatMoney } from "@/features/billing/format";
import { formatCount, formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

const PAGE = 25;

const ICONS: Record<TimelineEntry["kind"], LucideIcon> = {
  stripe_event: WebhookIcon,
  subscription_change: RepeatIcon,
  order: ShoppingBagIcon,
  shipment: PackageIcon,
  refund: BanknoteIcon,
  credit: CoinsIcon,
  wallet: SparklesIcon,
  action: UserCogIcon,
};

const KIND_LABELS: Record<TimelineEntry["kind"], string> = {
  stripe_event: "Stripe event",
  subscription_change: "Subscription",
  order: "Order",
  shipment: "Shipment",
  refund: "Refund",
  credit: "Credit",
  wallet: "Wallet",
  action: "Action",
};

function signed(amount: number, currency: string): string {
  return `${amount > 0 ? "+" : amount < 0 ? "−" : ""}${formatMoney(Math.abs(amount), currency)}`;
}

const words = (s: string) => s.replaceAll("_", " ");

const WALLET_TIMELINE_TITLES: Partial<Record<string, string>> = {
  top_up: "Credit pack bought",
  expiry: "Credits expired",
  pack_refund: "Credit pack refunded",
};

/** What one entry says: a title, optional details, and the money it moved. */
function describe(e: TimelineEntry): { title: string; details: string[]; money: string | null } {
  switch (e.kind) {
    case "stripe_event":
      return {
        title: e.type,
        details: [e.objectId ?? "", e.status === "applied" ? "" : `inbox: ${e.status}`],
        money: null,
      };
    case "subscription_change":
      return {
        title: `Subscription ${words(e.status)}${e.cancelAtPeriodEnd ? ", cancels at period end" : ""}`,
        details: [
          e.items.map((i) => `${i.productName ?? i.priceId} × ${i.quantity}`).join(", "),
          `${e.subscriptionId} · ${e.eventType}`,
        ],
        money: null,
      };
    case "order":
      return {
        title: `Order placed (${words(e.paymentState)})`,
        details: [e.orderId],
        money: formatMoney(e.money.amount, e.money.currency),
      };
    case "shipment":
      return {
        title: `Order ${e.state}`,
        details: [
          e.orderId,
          e.carrier || e.trackingNumber
            ? `${e.carrier ?? ""} ${e.trackingNumber ?? ""}`.trim()
            : "",
        ],
        money: null,
      };
    case "refund":
      return {
        title: `Refund ${words(e.status ?? "requested")}${e.origin === "stripe" ? " (made in Stripe)" : ""}`,
        details: [
          e.refundId,
          [
            e.reason ? words(e.reason) : "",
            e.destination === "customer_balance" ? "to credit balance" : "",
          ]
            .filter(Boolean)
            .join(" · "),
          e.note ? `“${e.note}”` : "",
        ],
        money: signed(e.money.amount, e.money.currency),
      };
    case "credit":
      return {
        title: e.money.amount >= 0 ? "Credit added" : "Credit used",
        details: [
          e.description ?? words(e.type),
          `balance after: ${formatMoney(e.creditAfter, e.money.currency)}`,
        ],
        money: signed(e.money.amount, e.money.currency),
      };
    case "wallet":
      return {
        title: WALLET_TIMELINE_TITLES[e.type] ?? words(e.type),
        details: [`balance after: ${formatCount(e.balanceAfter)} credits`],
        money: `${e.units > 0 ? "+" : "\u2212"}${formatCount(Math.abs(e.units))} credits`,
      };
    case "action": {
      const who = e.actor.name ?? e.actor.email ?? e.actor.id ?? e.actor.type;
      return {
        title: e.action,
        details: [`by ${who} (${e.actor.type})`, e.reason ? `“${e.reason}”` : "", e.target],
        money: e.money ? formatMoney(e.money.amount, e.money.currency) : null,
      };
    }
  }
}

/** Everything that happened to the customer, newest first; more is loaded on demand. */
export function CustomerTimeline({ customerId }: { customerId: string }) {
  const timeline = useInfiniteQuery(
    trpc.admin.customers.timeline.infiniteQueryOptions(
      { customerId, limit: PAGE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );

  if (timeline.isPending) {
    return (
      <div className="space-y-3" aria-busy="true" aria-label="Loading the timeline">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-14 w-full" />
        ))}
      </div>
    );
  }
  if (timeline.isError) {
    return (
      <ErrorState
        title="The timeline couldn't be loaded"
        error={timeline.error}
        onRetry={() => void timeline.refetch()}
      />
    );
  }
  const entries = timeline.data.pages.flatMap((p) => p.items);
  if (entries.length === 0) {
    return (
      <EmptyState
        icon={HistoryIcon}
        title="Nothing has happened yet"
        description="Orders, subscription changes, refunds, credit and staff actions will be listed here."
      />
    );
  }
  return (
    <div className="space-y-4">
      <ol className="relative space-y-1" aria-label="Customer timeline, newest first">
        {entries.map((e) => {
          const Icon = ICONS[e.kind];
          const { title, details, money } = describe(e);
          return (
            <li key={e.key} className="flex gap-3 rounded-lg px-2 py-2 hover:bg-muted/50">
              <div className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-full bg-accent text-accent-foreground">
                <Icon className="size-4" aria-hidden="true" />
              </div>
              {/* Side by side from sm up; on a phone the money and time go under the text. */}
              <div className="min-w-0 flex-1 gap-3 sm:flex">
                <div className="min-w-0 flex-1 space-y-0.5">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge variant="outline">{KIND_LABELS[e.kind]}</Badge>
                    <span className="font-medium wrap-anywhere">{title}</span>
                  </div>
                  {details
                    .filter((d) => d !== "")
                    .map((d) => (
                      <p key={d} className="text-sm wrap-anywhere text-muted-foreground">
                        {d}
                      </p>
                    ))}
                </div>
                <div className="mt-1 flex items-baseline gap-2 sm:mt-0 sm:shrink-0 sm:flex-col sm:items-end sm:gap-0.5 sm:text-right">
                  {money && <span className="font-medium tabular-nums">{money}</span>}
                  <time dateTime={e.at} className="text-xs text-muted-foreground tabular-nums">
                    {formatDateTime(e.at)}
                  </time>
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      {timeline.hasNextPage && (
        <PendingButton
          variant="outline"
          pending={timeline.isFetchingNextPage}
          onClick={() => void timeline.fetchNextPage()}
        >
          Show older entries
        </PendingButton>
      )}
    </div>
  );
}
