import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CalendarClockIcon, ZapIcon } from "lucide-react";
import { useEffect, useState } from "react";
import { ErrorState } from "@/components/error-state";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate, formatMoney } from "@/features/billing/format";
import { trpc } from "@/lib/trpc";
import { ConfirmDialog } from "./confirm-dialog";
import { PERIOD, PERIOD_ADJECTIVE, plural, type resolveChoice } from "./plan";
import type { CurrentPlan, Preview } from "./types";

/** Waits until the choice stops changing (a seat stepper held down) before asking Stripe. */
function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Stripe's preview of the chosen change: what is charged now, credited, and billed next. */
export function PreviewPanel({
  current,
  resolved,
  locked,
  onReset,
}: {
  current: CurrentPlan;
  resolved: ReturnType<typeof resolveChoice>;
  locked: string | null;
  onReset: () => void;
}) {
  const input = useSettled(
    resolved.plan && resolved.changed
      ? { subscriptionId: current.id, priceId: resolved.plan.priceId, seats: resolved.seats }
      : null,
  );
  const preview = useQuery({
    ...trpc.portal.plan.preview.queryOptions(
      input ?? { subscriptionId: "", priceId: "", seats: 0 },
    ),
    enabled: input !== null && locked === null,
    placeholderData: keepPreviousData,
    // The proration date ages: a preview older than a few minutes is asked for again.
    staleTime: 2 * 60_000,
  });

  let body: React.ReactNode;
  if (locked !== null) {
    body = (
      <p className="text-sm text-muted-foreground">
        {locked === "pending"
          ? "Cancel the scheduled change to pick another one."
          : "Changes are paused until the issue above is resolved."}
      </p>
    );
  } else if (!resolved.changed || input === null) {
    body = (
      <p className="text-sm text-muted-foreground">
        Pick another plan, billing period or number of seats to see what it costs.
      </p>
    );
  } else if (preview.isError) {
    body = (
      <ErrorState
        title="Couldn't preview this change"
        error={preview.error}
        onRetry={() => void preview.refetch()}
        className="px-4 py-8"
      />
    );
  } else if (!preview.data) {
    body = (
      <div className="space-y-3" role="status" aria-label="Calculating the change">
        <Skeleton className="h-5 w-2/3" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-9 w-full" />
      </div>
    );
  } else {
    body = (
      <PreviewBody
        preview={preview.data}
        current={current}
        resolved={resolved}
        busy={
          preview.isFetching ||
          preview.data.priceId !== input.priceId ||
          preview.data.seats !== input.seats
        }
        onReset={onReset}
        onStale={() => void preview.refetch()}
      />
    );
  }

  return (
    <Card className="lg:sticky lg:top-28" aria-live="polite">
      <CardHeader>
        <CardTitle>What changes</CardTitle>
        <CardDescription>Calculated by Stripe for your subscription.</CardDescription>
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}

function Row({
  label,
  value,
  strong,
}: {
  label: React.ReactNode;
  value: string;
  strong?: boolean;
}) {
  return (
    <div
      className={
        strong
          ? "flex justify-between gap-4 border-t pt-2 font-semibold"
          : "flex justify-between gap-4"
      }
    >
      <dt className={strong ? undefined : "text-muted-foreground"}>{label}</dt>
      <dd className="text-right tabular-nums">{value}</dd>
    </div>
  );
}

function PreviewBody({
  preview: p,
  current,
  resolved,
  busy,
  onReset,
  onStale,
}: {
  preview: Preview;
  current: CurrentPlan;
  resolved: ReturnType<typeof resolveChoice>;
  busy: boolean;
  onReset: () => void;
  onStale: () => void;
}) {
  const money = (amount: number) => formatMoney(amount, p.currency);
  const plan = resolved.plan!;
  const target = `${plan.productName}${p.seats > 0 ? ` + ${plural(p.seats, "seat")}` : ""}`;
  const now = p.timing === "now";
  return (
    <div className="space-y-4" aria-busy={busy}>
      <p className="flex items-start gap-2 text-sm">
        {now ? (
          <ZapIcon className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
        ) : (
          <CalendarClockIcon className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
        )}
        <span data-testid="plan-change-effect">
          {now ? (
            <>
              <span className="font-medium">Applies now.</span> You switch to {target} (
              {money(plan.unitAmount)} / {PERIOD[plan.interval]}) today.
            </>
          ) : (
            <>
              <span className="font-medium">Changes on {formatDate(p.effectiveAt)}.</span> You keep{" "}
              {current.plan.productName ?? "your plan"} until then; nothing is charged now.
            </>
          )}
        </span>
      </p>
      <dl className="space-y-2 text-sm" data-testid="plan-preview">
        {p.unusedTimeCredit > 0 && (
          <Row label="Credit for unused time" value={`−${money(p.unusedTimeCredit)}`} />
        )}
        {p.remainingTimeCharge > 0 && (
          <Row
            label={`${plan.productName} for the rest of this period`}
            value={money(p.remainingTimeCharge)}
          />
        )}
        {p.newPeriodCharge > 0 && (
          <Row
            label={`New ${PERIOD_ADJECTIVE[plan.interval].toLowerCase()} period`}
            value={money(p.newPeriodCharge)}
          />
        )}
        {p.otherCharges !== 0 && (
          <Row
            label="Other charges and discounts"
            value={p.otherCharges < 0 ? `−${money(-p.otherCharges)}` : money(p.otherCharges)}
          />
        )}
        {p.balanceApplied > 0 && (
          <Row label="Account credit used" value={`−${money(p.balanceApplied)}`} />
        )}
        <Row label="Due now" value={money(p.dueNow)} strong />
        <Row
          label={`Next invoice, ${formatDate(p.nextInvoice.date)}`}
          value={money(p.nextInvoice.amount)}
        />
      </dl>
      <div className="flex flex-col gap-2">
        <ConfirmDialog
          preview={p}
          target={target}
          current={current}
          disabled={busy}
          onStale={onStale}
        />
        <Button variant="ghost" onClick={onReset}>
          Keep my current plan
        </Button>
      </div>
    </div>
  );
}
