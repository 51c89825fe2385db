import { useMutation, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { CheckIcon, LayersIcon, SparklesIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "@/lib/toast";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { authPageHref } from "@/features/auth/destinations";
import { meQueryOptions, type Me } from "@/features/auth/session";
import { formatMoney } from "@/features/billing/format";
import { useAttemptIds, useOnPageRestore } from "@/features/checkout/attempt";
import { CheckoutCanceledNotice } from "@/features/checkout/canceled-notice";
import { QuantityStepper } from "@/features/checkout/quantity-stepper";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { PricingFrame } from "./pricing-frame";
import {
  annualSaving,
  bestSavingPercent,
  pickCurrency,
  priceFor,
  seatPriceFor,
  type Interval,
  type Plan,
  type Pricing,
} from "./pricing";
import { Segmented } from "./segmented";

const pricingRoute = getRouteApi("/pricing");
const MAX_SEATS = 50;

const PER: Record<Interval, string> = { month: "month", year: "year" };

export function PricingPage() {
  const search = pricingRoute.useSearch();
  const navigate = useNavigate({ from: "/pricing" });
  const me = useQuery(meQueryOptions());
  const isCustomer = me.data?.user.role === "customer";
  const pricing = useQuery(trpc.catalog.pricing.queryOptions());
  const context = useQuery({
    ...trpc.portal.checkout.context.queryOptions(),
    enabled: isCustomer,
  });

  const interval = search.interval ?? "month";
  const currency = pickCurrency(
    pricing.data?.currencies ?? [],
    context.data?.currency,
    search.currency,
  );
  const currencyFixed = Boolean(context.data?.currency);
  const saving = pricing.data && currency ? bestSavingPercent(pricing.data.plans, currency) : null;

  return (
    <PricingFrame me={me.data ?? null}>
      <div className="space-y-8">
        <PageHeader
          title="Plans and pricing"
          documentTitle="Pricing"
          description="Start with a free trial where offered, change plans or cancel any time."
        />
        {search.checkout === "canceled" && (
          <CheckoutCanceledNotice next="Choose a plan to try again." />
        )}
        {context.data?.subscription && (
          <div className="flex flex-col gap-3 rounded-lg border border-primary/30 bg-primary/5 px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between">
            <p>
              You already have a subscription. Switch plans or add seats from{" "}
              <span className="font-medium">Change plan</span>.
            </p>
            <Button asChild size="sm">
              <Link to="/billing/plan">Change plan</Link>
            </Button>
          </div>
        )}

        {pricing.isPending ? (
          <PricingSkeleton />
        ) : pricing.isError ? (
          <ErrorState
            title="Plans could not be loaded"
            error={pricing.error}
            onRetry={() => void pricing.refetch()}
          />
        ) : pricing.data.plans.length === 0 || !currency ? (
          <EmptyState
            icon={LayersIcon}
            title="No plans are on sale yet"
            description="Plans appear here as soon as they are published in Stripe. Check back soon."
          />
        ) : (
          <>
            <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
              <Segmented
                label="Billing period"
                value={interval}
                onChange={(v) =>
                  void navigate({
                    search: (s) => ({ ...s, interval: v === "year" ? "year" : undefined }),
                    replace: true,
                  })
                }
                options={[
                  { value: "month", label: "Monthly" },
                  {
                    value: "year",
                    label: (
                      <>
                        Annual
                        {saving !== null && (
                          <span className="rounded bg-success/15 px-1.5 text-xs font-semibold text-foreground">
                            save up to {saving}%
                          </span>
                        )}
                      </>
                    ),
                  },
                ]}
              />
              {pricing.data.currencies.length > 1 &&
                (currencyFixed ? (
                  <p className="text-sm text-muted-foreground">
                    Prices in {currency.toUpperCase()}, the currency your account is billed in.
                  </p>
                ) : (
                  <Segmented
                    label="Currency"
                    value={currency}
                    onChange={(v) =>
                      void navigate({ search: (s) => ({ ...s, currency: v }), replace: true })
                    }
                    options={pricing.data.currencies.map((c) => ({
                      value: c,
                      label: c.toUpperCase(),
                    }))}
                  />
                ))}
            </div>
            <div className="grid gap-4 md:grid-cols-3">
              {pricing.data.plans.map((plan) => (
                <PlanCard
                  key={plan.id}
                  plan={plan}
                  addons={pricing.data.addons}
                  currency={currency}
                  interval={interval}
                  me={me.data ?? null}
                  subscribedTo={context.data?.subscription?.productIds ?? null}
                  trialEligible={context.data?.trialEligible ?? true}
                />
              ))}
            </div>
            <p className="text-center text-xs text-muted-foreground">
              Payment is handled by Stripe&apos;s secure checkout. Prices exclude taxes where they
              apply.
            </p>
          </>
        )}
      </div>
    </PricingFrame>
  );
}

function PlanCard({
  plan,
  addons,
  currency,
  interval,
  me,
  subscribedTo,
  trialEligible,
}: {
  plan: Plan;
  addons: Pricing["addons"];
  currency: string;
  interval: Interval;
  me: Me | null;
  /** The products a live subscription bills for; null without one. */
  subscribedTo: string[] | null;
  trialEligible: boolean;
}) {
  const [seats, setSeats] = useState(0);
  const attempts = useAttemptIds();
  const navigate = useNavigate();
  const hasSubscription = subscribedTo !== null;
  const current = subscribedTo?.includes(plan.id) ?? false;
  const price = priceFor(plan, currency, interval);
  const saving = annualSaving(priceFor(plan, currency, "month"), priceFor(plan, currency, "year"));
  const seat = seatPriceFor(addons, plan, currency, interval);
  const trialDays = price?.trialDays ?? null;
  const offersTrial = trialDays !== null && trialEligible;
  const subscribe = useMutation(
    trpc.portal.checkout.subscribe.mutationOptions({
      onSuccess: ({ url }, input) => {
        attempts.done(`${input.priceId}:${input.seats ?? 0}`);
        window.location.assign(url);
      },
      onError: (error) => {
        const { code, message } = errorInfo(error);
        toast.error(message, {
          ...(code === "CONFLICT" && {
            action: {
              label: "Change plan",
              onClick: () => void navigate({ to: "/billing/plan" }),
            },
          }),
        });
      },
    }),
  );
  useOnPageRestore(subscribe.reset);

  const headingId = `plan-${plan.id}`;
  const total = price
    ? price.unitAmount + (seat && seats > 0 ? seat.price.unitAmount * seats : 0)
    : 0;

  return (
    <Card role="group" aria-labelledby={headingId} className="flex flex-col">
      <CardHeader className="space-y-2">
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle id={headingId} className="text-lg">
            {plan.name}
          </CardTitle>
          {current && <Badge>Your plan</Badge>}
          {offersTrial && (
            <Badge variant="outline" className="border-success/40 bg-success/10">
              <SparklesIcon className="text-success" aria-hidden="true" />
              {trialDays}-day free trial
            </Badge>
          )}
        </div>
        {plan.description && (
          // Three lines on wide screens, so prices line up across the cards.
          <CardDescription className="md:min-h-[3lh]">{plan.description}</CardDescription>
        )}
      </CardHeader>
      <CardContent className="flex flex-1 flex-col gap-5">
        {price ? (
          <div>
            <p className="flex items-baseline gap-1">
              <span className="text-3xl font-semibold tracking-tight tabular-nums">
                {formatMoney(price.unitAmount, price.currency)}
              </span>
              <span className="text-sm text-muted-foreground">/ {PER[interval]}</span>
            </p>
            <p className="mt-1 min-h-5 text-sm text-muted-foreground">
              {interval === "year" && saving
                ? `Save ${formatMoney(saving.amount, currency)} (${saving.percent}%) a year`
                : interval === "month" && saving
                  ? `or ${formatMoney(priceFor(plan, currency, "year")?.unitAmount ?? 0, currency)} a year, ${saving.percent}% less`
                  : "\u00a0"}
            </p>
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">
            Not offered {interval === "year" ? "annually" : "monthly"} in {currency.toUpperCase()}.
          </p>
        )}
        {plan.features.length > 0 && (
          <ul className="space-y-2 text-sm" aria-label={`${plan.name} includes`}>
            {plan.features.map((f) => (
              <li key={f} className="flex gap-2">
                <CheckIcon className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
                {f}
              </li>
            ))}
          </ul>
        )}
        {seat && price && !hasSubscription && (
          <div className="mt-auto space-y-1 rounded-lg border bg-muted/30 p-3">
            <QuantityStepper
              label={`${capitalize(seat.addon.unitLabel ?? "seat")}s`}
              value={seats}
              onChange={setSeats}
              min={0}
              max={MAX_SEATS}
            />
            <p className="text-xs text-muted-foreground">
              {seat.addon.name}: {formatMoney(seat.price.unitAmount, currency)} per{" "}
              {seat.addon.unitLabel ?? "seat"} / {PER[interval]}
            </p>
          </div>
        )}
      </CardContent>
      <CardFooter className="flex-col items-stretch gap-2">
        {price && !hasSubscription && (
          <p className="text-sm" data-testid="plan-total">
            {offersTrial ? (
              <>
                <span className="font-medium">Free for {trialDays} days</span>, then{" "}
                {formatMoney(total, currency)} / {PER[interval]}
              </>
            ) : (
              <>
                <span className="font-medium">{formatMoney(total, currency)} today</span>, then
                every {PER[interval]}
              </>
            )}
          </p>
        )}
        {price && !hasSubscription && price.taxBehavior === "exclusive" && (
          <p className="text-xs text-muted-foreground">
            Plus tax where it applies, worked out at checkout from your address.
          </p>
        )}
        {!me ? (
          <Button asChild disabled={!price}>
            <a href={authPageHref("/sign-up", pricingHref(currency, interval))}>Sign up</a>
          </Button>
        ) : me.user.role !== "customer" ? (
          <Button disabled>Customers only</Button>
        ) : hasSubscription ? (
          <Button asChild variant="outline">
            <Link
              to="/billing/plan"
              aria-label={`${current ? "Manage your plan" : "Change plan"}: ${plan.name}`}
            >
              {current ? "Manage your plan" : "Change plan"}
            </Link>
          </Button>
        ) : (
          <Button
            disabled={!price || subscribe.isPending}
            aria-label={`${offersTrial ? "Start trial" : "Subscribe"}: ${plan.name}`}
            onClick={() => {
              if (!price) return;
              const choice = `${price.id}:${seats}`;
              subscribe.mutate({ priceId: price.id, seats, attemptId: attempts.idFor(choice) });
            }}
          >
            {subscribe.isPending ? "Opening checkout…" : offersTrial ? "Start trial" : "Subscribe"}
          </Button>
        )}
      </CardFooter>
    </Card>
  );
}

function pricingHref(currency: string, interval: Interval): string {
  const params = new URLSearchParams();
  if (interval === "year") params.set("interval", "year");
  params.set("currency", currency);
  return `/pricing?${params.toString()}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function PricingSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading plans">
      <Skeleton className="h-9 w-60" />
      <div className={cn("grid gap-4 md:grid-cols-3")}>
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-96 rounded-xl" />
        ))}
      </div>
    </div>
  );
}
