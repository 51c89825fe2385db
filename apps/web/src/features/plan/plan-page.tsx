import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowLeftIcon, InfoIcon, RepeatIcon } from "lucide-react";
import { useState } from "react";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate, formatMoney } from "@/features/billing/format";
import { trpc } from "@/lib/trpc";
import { PendingChangeCard } from "./pending-change-card";
import { currentChoice, PERIOD, plural, resolveChoice, type PlanChoice } from "./plan";
import { PlanChooser } from "./plan-chooser";
import { PreviewPanel } from "./preview-panel";
import type { CurrentPlan, PlanOptions } from "./types";

function BackToOverview() {
  return (
    <Button asChild variant="ghost" size="sm" className="-ml-2 w-fit">
      <Link to="/billing">
        <ArrowLeftIcon aria-hidden="true" />
        Back to overview
      </Link>
    </Button>
  );
}

/** `/billing/plan`: pick another plan, billing period or number of seats, see exactly what it costs. */
export function PlanPage() {
  const options = useQuery(trpc.portal.plan.options.queryOptions());
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <BackToOverview />
        <PageHeader
          title="Change plan"
          description="Switch plans, billing period or seats. You see the exact amount before anything changes."
        />
      </div>
      {options.isPending ? (
        <PlanSkeleton />
      ) : options.isError ? (
        <ErrorState
          title="Couldn't load your plan"
          error={options.error}
          onRetry={() => void options.refetch()}
        />
      ) : !options.data.subscription ? (
        <EmptyState
          icon={RepeatIcon}
          title="You don't have a plan to change"
          description="Choose a plan first; once you're subscribed you can switch plans and seats here."
          action={
            <Button asChild>
              <a href="/pricing">See plans and pricing</a>
            </Button>
          }
        />
      ) : (
        <ChangePlan options={options.data} current={options.data.subscription} />
      )}
    </div>
  );
}

function ChangePlan({ options, current }: { options: PlanOptions; current: CurrentPlan }) {
  // A change that lands (a new plan, or a change scheduled or cancelled) starts the choice
  // over from the subscription as it now is.
  const start = currentChoice(current, options.plans);
  const [choice, setChoice] = useState<PlanChoice>(start);
  const landed = JSON.stringify([start, options.pending?.scheduleId ?? null]);
  const [seen, setSeen] = useState(landed);
  if (seen !== landed) {
    setSeen(landed);
    setChoice(start);
  }
  const resolved = resolveChoice(options, choice);
  const locked = options.blocked ?? (options.pending ? "pending" : null);

  return (
    <div className="space-y-6">
      <CurrentPlanCard current={current} />
      {options.pending && (
        <PendingChangeCard pending={options.pending} subscriptionId={current.id} />
      )}
      {options.blocked && (
        <p
          role="status"
          className="flex items-start gap-2 rounded-lg border border-warning/40 bg-warning/10 px-4 py-3 text-sm"
        >
          <InfoIcon className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
          {options.blocked}
        </p>
      )}
      {options.plans.length === 0 ? (
        <EmptyState
          icon={RepeatIcon}
          title={`No other plans in ${current.currency.toUpperCase()}`}
          description="There is nothing to switch to in your billing currency right now."
        />
      ) : (
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
          <PlanChooser
            options={options}
            current={current}
            choice={choice}
            onChange={setChoice}
            disabled={locked !== null}
          />
          <PreviewPanel
            current={current}
            resolved={resolved}
            locked={locked}
            onReset={() => setChoice(start)}
          />
        </div>
      )}
    </div>
  );
}

function CurrentPlanCard({ current }: { current: CurrentPlan }) {
  const seats = current.seats?.quantity ?? 0;
  return (
    <Card>
      <CardHeader>
        <CardDescription>Your current plan</CardDescription>
        <CardTitle className="text-xl">
          {current.plan.productName ?? "Your plan"}
          {seats > 0 && (
            <span className="font-normal text-muted-foreground"> + {plural(seats, "seat")}</span>
          )}
        </CardTitle>
      </CardHeader>
      <CardContent className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
        <p>
          <span className="text-muted-foreground">You pay </span>
          <span className="font-medium tabular-nums">
            {formatMoney(current.amount, current.currency)} / {PERIOD[current.interval]}
          </span>
        </p>
        <p>
          <span className="text-muted-foreground">
            {current.status === "trialing" ? "Free trial until " : "Current period ends "}
          </span>
          <span className="font-medium">{formatDate(current.periodEnd)}</span>
        </p>
      </CardContent>
    </Card>
  );
}

function PlanSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading your plan">
      <Skeleton className="h-28 w-full rounded-xl" />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-3">
          <Skeleton className="h-9 w-48" />
          <Skeleton className="h-20 w-full" />
          <Skeleton className="h-20 w-full" />
        </div>
        <Skeleton className="h-72 w-full rounded-xl" />
      </div>
    </div>
  );
}
