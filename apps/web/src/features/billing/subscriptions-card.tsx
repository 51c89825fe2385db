import { Link } from "@tanstack/react-router";
import type * as React from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@/components/ui/card";
import { formatDate, formatMoney } from "@/features/billing/format";
import { CancelDialog } from "@/features/billing/overview/cancel-dialog";
import { NextCharge } from "@/features/billing/overview/next-charge";
import { PendingChange } from "@/features/billing/overview/pending-change";
import { ResumeButton } from "@/features/billing/overview/resume-button";
import {
  endsOn,
  isCanceling,
  per,
  planName,
  statusWords,
} from "@/features/billing/overview/status";
import type { CurrentSubscription, SubscriptionItem } from "@/features/billing/overview/types";

function quantityOf(item: SubscriptionItem): string {
  const quantity = item.quantity ?? 1;
  if (item.unitLabel) return ` × ${quantity} ${item.unitLabel}${quantity === 1 ? "" : "s"}`;
  return quantity > 1 ? ` × ${quantity}` : "";
}

function priceOf(item: SubscriptionItem): string {
  if (item.unitAmount === null) return "Usage-based";
  return `${formatMoney(item.unitAmount, item.currency)}${per(item.interval, item.intervalCount)}${quantityOf(item)}`;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <dt className="text-muted-foreground">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

// Statuses with a period to end: an incomplete subscription has not started yet.
const CANCELABLE = ["active", "trialing", "past_due", "unpaid", "paused"];

/** The customer's current plan: what it is, its state in plain words, what happens next. */
export function SubscriptionsCard({
  subscription: s,
  className,
}: {
  subscription: CurrentSubscription;
  className?: string;
}) {
  const status = statusWords(s);
  const name = planName(s.items[0]);
  const canceling = isCanceling(s);
  return (
    <Card className={className} role="region" aria-labelledby="plan-title">
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1.5">
          <h2 id="plan-title" className="text-lg leading-none font-semibold">
            {name}
          </h2>
          <Badge variant={status.variant} className={status.className}>
            {status.label}
          </Badge>
        </div>
        <CardDescription>{status.meaning}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        <ul className="space-y-1.5 text-sm" aria-label="What you pay for">
          {s.items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-baseline justify-between gap-x-4">
              <span className="min-w-0">
                {planName(item)}
                {item.priceNickname && (
                  <span className="text-muted-foreground"> · {item.priceNickname}</span>
                )}
              </span>
              <span className="ml-auto text-right tabular-nums">{priceOf(item)}</span>
            </li>
          ))}
        </ul>
        <dl className="grid gap-4 text-sm sm:grid-cols-2">
          {canceling ? (
            <Fact label="Cancels on">
              <span className="font-medium">{formatDate(endsOn(s))}</span>
            </Fact>
          ) : (
            <Fact label="Next charge">
              <NextCharge />
            </Fact>
          )}
          {s.trialDaysLeft !== null && (
            <Fact label="Trial">
              <span className="font-medium">
                {s.trialDaysLeft === 1 ? "1 day left" : `${s.trialDaysLeft} days left`}
              </span>{" "}
              <span className="text-muted-foreground">(ends {formatDate(s.trialEnd)})</span>
            </Fact>
          )}
          {s.hasScheduledChange && (
            <Fact label="Scheduled change">
              <PendingChange />{" "}
              <Link
                to="/billing/plan"
                className="font-medium text-primary underline-offset-4 hover:underline"
              >
                Review
              </Link>
            </Fact>
          )}
        </dl>
      </CardContent>
      <CardFooter className="flex flex-wrap gap-2 border-t pt-6">
        {!canceling && (
          <Button asChild>
            <Link to="/billing/plan">Change plan</Link>
          </Button>
        )}
        {canceling ? (
          <ResumeButton planName={name} />
        ) : s.hasScheduledChange ? (
          // Stripe's schedule would undo a cancellation at its next phase: one change at a time.
          <p className="text-sm text-muted-foreground">
            To cancel, first undo the scheduled change on Change plan.
          </p>
        ) : (
          CANCELABLE.includes(s.status) && <CancelDialog planName={name} endsOn={endsOn(s)} />
        )}
      </CardFooter>
    </Card>
  );
}
