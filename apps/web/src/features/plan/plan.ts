import type { CurrentPlan, PlanOptions, PlanPrice } from "./types";

// Pure helpers of the change-plan page: which plans to show for a billing period, which seat
// price goes with a plan, and how to name periods.

export type Interval = PlanPrice["interval"];

export interface PlanChoice {
  productId: string;
  interval: Interval;
  seats: number;
}

/** One entry per plan product, in the catalog's order, with its price for each period. */
export function plansByProduct(
  plans: PlanPrice[],
): Array<{ productId: string; prices: PlanPrice[] }> {
  const out: Array<{ productId: string; prices: PlanPrice[] }> = [];
  for (const p of plans) {
    const entry = out.find((e) => e.productId === p.productId);
    if (entry) entry.prices.push(p);
    else out.push({ productId: p.productId, prices: [p] });
  }
  return out;
}

/** Billing periods any plan is offered for, shortest first. */
export function intervalsOf(plans: PlanPrice[]): Interval[] {
  const order: Interval[] = ["day", "week", "month", "year"];
  return order.filter((i) => plans.some((p) => p.interval === i && p.intervalCount === 1));
}

export function priceOf(
  plans: PlanPrice[],
  productId: string,
  interval: Interval,
): PlanPrice | undefined {
  return plans.find(
    (p) => p.productId === productId && p.interval === interval && p.intervalCount === 1,
  );
}

/** The seat price on the plan's schedule, if seats can be added to its tier. */
export function seatPriceOf(seatPrices: PlanOptions["seatPrices"], plan: PlanPrice | undefined) {
  if (!plan) return undefined;
  return seatPrices.find(
    (s) =>
      s.interval === plan.interval &&
      s.intervalCount === plan.intervalCount &&
      (s.addonTiers === null || (plan.tier !== null && s.addonTiers.includes(plan.tier))),
  );
}

/** What the page starts from: the subscription as it is. */
export function currentChoice(current: CurrentPlan, plans: PlanPrice[]): PlanChoice {
  const plan = plans.find((p) => p.priceId === current.plan.priceId);
  return {
    productId: plan?.productId ?? "",
    interval: current.interval,
    seats: current.seats?.quantity ?? 0,
  };
}

/** The catalog price the choice means, and whether it differs from the subscription. */
export function resolveChoice(options: PlanOptions, choice: PlanChoice) {
  const plan = priceOf(options.plans, choice.productId, choice.interval);
  const seat = seatPriceOf(options.seatPrices, plan);
  const seats = seat ? choice.seats : 0;
  const current = options.subscription;
  const changed =
    plan !== undefined &&
    current !== null &&
    (plan.priceId !== current.plan.priceId || seats !== (current.seats?.quantity ?? 0));
  return { plan, seat, seats, changed };
}

export const PERIOD: Record<Interval, string> = {
  day: "day",
  week: "week",
  month: "month",
  year: "year",
};

export const PERIOD_ADJECTIVE: Record<Interval, string> = {
  day: "Daily",
  week: "Weekly",
  month: "Monthly",
  year: "Annual",
};

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
