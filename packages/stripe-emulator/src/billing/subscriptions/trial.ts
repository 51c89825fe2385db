import type Stripe from "stripe";
import { invalidParam } from "../../core/errors.ts";
import { addIntervals } from "../time.ts";
import type { CreateSubscriptionInput } from "./validate.ts";

/** A new subscription's trial and first period (trial, billing_cycle_anchor). */

type Param = (name: string) => string;

/** When the trial ends: `trial_end`, `trial_period_days`, or the price's own trial days. */
export function trialEndFor(
  input: CreateSubscriptionInput,
  first: Stripe.Price,
  now: number,
  P: Param,
): number | null {
  if (input.trialEnd !== undefined && input.trialEnd !== "now") {
    if (input.trialEnd <= now)
      throw invalidParam(
        P("trial_end"),
        "Invalid timestamp: must be an integer Unix timestamp in the future.",
      );
    return input.trialEnd;
  }
  if (input.trialEnd === undefined && input.trialPeriodDays !== undefined) {
    if (input.trialPeriodDays > 730)
      throw invalidParam(P("trial_period_days"), "trial_period_days can be at most 730.");
    return input.trialPeriodDays > 0 ? now + input.trialPeriodDays * 86_400 : null;
  }
  if (input.trialEnd === undefined && input.trialFromPlan) {
    const days = first.recurring?.trial_period_days ?? null;
    if (days) return now + days * 86_400;
  }
  return null;
}

export function trialSettingsFor(
  input: CreateSubscriptionInput,
): Stripe.Subscription.TrialSettings {
  return {
    end_behavior: {
      billing_cycle_anchor: null,
      missing_payment_method:
        input.trialSettings?.end_behavior.missing_payment_method ?? "create_invoice",
    },
  };
}

/** `billing_cycle_anchor` must lie between now and the next natural billing date. */
export function checkAnchor(
  input: CreateSubscriptionInput,
  first: Stripe.Price,
  trialEnd: number | null,
  now: number,
  P: Param,
): void {
  if (input.billingCycleAnchor === undefined) return;
  if (input.billingCycleAnchor < now)
    throw invalidParam(P("billing_cycle_anchor"), "billing_cycle_anchor cannot be in the past.");
  const cadence = first.recurring as Stripe.Price.Recurring;
  if (
    input.billingCycleAnchor >
    addIntervals(trialEnd ?? now, cadence.interval, cadence.interval_count, 1)
  )
    throw invalidParam(
      P("billing_cycle_anchor"),
      "billing_cycle_anchor cannot be later than next natural billing date for plan.",
    );
}

/** The first period: a trial runs to trial_end; a future anchor gives a prorated first period. */
export function firstPeriod(
  input: CreateSubscriptionInput,
  first: Stripe.Price,
  trialEnd: number | null,
  now: number,
): { anchor: number; period: { start: number; end: number } } {
  const cadence = first.recurring as Stripe.Price.Recurring;
  const anchor = input.billingCycleAnchor ?? trialEnd ?? now;
  const end =
    trialEnd ??
    (anchor > now ? anchor : addIntervals(anchor, cadence.interval, cadence.interval_count, 1));
  return { anchor, period: { start: now, end } };
}
