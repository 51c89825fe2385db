import { Badge } from "@/components/ui/badge";
import { formatMoney } from "@/features/billing/format";
import { QuantityStepper } from "@/features/checkout/quantity-stepper";
import { cn } from "@/lib/utils";
import {
  intervalsOf,
  PERIOD,
  PERIOD_ADJECTIVE,
  plansByProduct,
  priceOf,
  seatPriceOf,
  type PlanChoice,
} from "./plan";
import type { CurrentPlan, PlanOptions } from "./types";

const MAX_SEATS = 100;

/** Names of the plans seats can be added to. */
function seatPlans(options: PlanOptions): string[] {
  const tiers = new Set(options.seatPrices.flatMap((s) => s.addonTiers ?? []));
  const names = options.plans
    .filter((p) => options.seatPrices.some((s) => s.addonTiers === null) || tiers.has(p.tier ?? ""))
    .map((p) => p.productName);
  return [...new Set(names)];
}

/** Billing period tabs, the plans as one radio group, and the seat count. */
export function PlanChooser({
  options,
  current,
  choice,
  onChange,
  disabled,
}: {
  options: PlanOptions;
  current: CurrentPlan;
  choice: PlanChoice;
  onChange: (choice: PlanChoice) => void;
  disabled: boolean;
}) {
  const intervals = intervalsOf(options.plans);
  const products = plansByProduct(options.plans);
  const selected = priceOf(options.plans, choice.productId, choice.interval);
  const seat = seatPriceOf(options.seatPrices, selected);
  const seatsElsewhere = !seat && options.seatPrices.length > 0;

  return (
    <fieldset disabled={disabled} className="min-w-0 space-y-5 disabled:opacity-60">
      <legend className="sr-only">Choose a plan</legend>
      {intervals.length > 1 && (
        <fieldset className="inline-flex rounded-lg bg-muted p-1">
          <legend className="sr-only">Billing period</legend>
          {intervals.map((i) => (
            <label
              key={i}
              className="cursor-pointer rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground transition-colors has-[:checked]:bg-background has-[:checked]:text-foreground has-[:checked]:shadow-sm has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50"
            >
              <input
                type="radio"
                name="period"
                value={i}
                className="sr-only"
                checked={choice.interval === i}
                onChange={() => onChange({ ...choice, interval: i })}
              />
              {PERIOD_ADJECTIVE[i]}
            </label>
          ))}
        </fieldset>
      )}
      <div role="radiogroup" aria-label="Plans" className="space-y-3">
        {products.map(({ productId, prices }) => {
          const price = priceOf(options.plans, productId, choice.interval);
          const first = prices[0]!;
          const checked = choice.productId === productId && price !== undefined;
          const isCurrent = price?.priceId === current.plan.priceId;
          const id = `plan-option-${productId}`;
          return (
            <label
              key={productId}
              htmlFor={id}
              className={cn(
                "flex cursor-pointer gap-3 rounded-xl border bg-card p-4 transition-colors has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50",
                checked ? "border-primary bg-primary/5" : "hover:bg-accent/40",
                !price && "cursor-not-allowed opacity-60",
              )}
            >
              <input
                id={id}
                type="radio"
                name="plan"
                className="mt-1 size-4 accent-[var(--primary)]"
                checked={checked}
                disabled={!price}
                onChange={() => onChange({ ...choice, productId })}
              />
              <span className="min-w-0 flex-1 space-y-1">
                <span className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{first.productName}</span>
                  {isCurrent && <Badge variant="secondary">Current plan</Badge>}
                </span>
                {first.description && (
                  <span className="block text-sm text-muted-foreground">{first.description}</span>
                )}
              </span>
              <span className="shrink-0 text-right text-sm">
                {price ? (
                  <>
                    <span className="block font-semibold tabular-nums">
                      {formatMoney(price.unitAmount, price.currency)}
                    </span>
                    <span className="text-muted-foreground">/ {PERIOD[price.interval]}</span>
                  </>
                ) : (
                  <span className="text-muted-foreground">
                    Not offered {PERIOD_ADJECTIVE[choice.interval].toLowerCase()}
                  </span>
                )}
              </span>
            </label>
          );
        })}
      </div>
      {seat ? (
        <div className="space-y-1 rounded-xl border bg-muted/30 p-4">
          <QuantityStepper
            label="Seats"
            value={choice.seats}
            onChange={(seats) => onChange({ ...choice, seats })}
            min={0}
            max={MAX_SEATS}
          />
          <p className="text-xs text-muted-foreground">
            {seat.productName}: {formatMoney(seat.unitAmount, seat.currency)} per seat /{" "}
            {PERIOD[seat.interval]}
          </p>
        </div>
      ) : (
        seatsElsewhere && (
          <p className="text-sm text-muted-foreground">
            Extra seats come with {seatPlans(options).join(" or ") || "other plans"}.
            {(current.seats?.quantity ?? 0) > 0 && " Your seats end with this change."}
          </p>
        )
      )}
    </fieldset>
  );
}
