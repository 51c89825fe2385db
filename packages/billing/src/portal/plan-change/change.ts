import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { z } from "zod";
import { DomainError } from "../../errors.ts";
import {
  monthsOf,
  seatPriceFor,
  type CatalogRecurringPrice,
  type ChangeCatalog,
} from "./catalog.ts";
import { overageUpdateItems, type OveragePrice } from "./overage.ts";
import type { CurrentPlan } from "./subscription.ts";

export const MAX_SEATS = 100;

/** What the customer picked: a plan price and a number of seats (0 = no seat add-on). */
export const planTargetSchema = z.object({
  subscriptionId: z.string().min(1).max(255),
  priceId: z.string().min(1).max(255),
  seats: z.number().int().min(0).max(MAX_SEATS),
});
export type PlanTarget = z.infer<typeof planTargetSchema>;

/**
 * When a change takes effect. Upgrades (a higher amount per period on the same schedule, or a
 * longer period) apply now and are invoiced at once; downgrades and shorter periods wait for the
 * end of the period the customer already paid for.
 */
export type ChangeTiming = "now" | "period_end";

/** An item as a schedule phase names it; metered items have no quantity. */
export interface PhaseItem {
  price: string;
  quantity?: number;
}

export interface PlannedChange {
  current: CurrentPlan;
  plan: CatalogRecurringPrice;
  seatPrice: CatalogRecurringPrice | null;
  seats: number;
  timing: ChangeTiming;
  /** The new plan's metered overage prices (none for a plan without metered overage). */
  overage: OveragePrice[];
  /** A trial is changed in place: no proration, nothing to pay until the trial ends. */
  trial: boolean;
  /** `items` for `subscriptions.update` (timing "now"). */
  updateItems: Stripe.SubscriptionUpdateParams.Item[];
  /** The items as they are, and as they will be: a schedule's two phases (timing "period_end"). */
  currentItems: PhaseItem[];
  newItems: PhaseItem[];
}

/** Only one change at a time: a scheduled one must be cancelled before the next. */
export function alreadyScheduled(): DomainError {
  return new DomainError(
    "PRECONDITION_FAILED",
    "You already have a plan change scheduled. Cancel it first to choose another change.",
    { reason: "scheduled" },
  );
}

const perPeriod = (items: Array<{ unit: number | null; quantity: number }>) =>
  items.reduce((sum, i) => sum + (i.unit ?? 0) * i.quantity, 0);

/**
 * Works out what moving `current` to `target` means, or says why it cannot be done. `overage`:
 * the target plan's metered overage prices (see overagePricesFor). Metered items bill usage in
 * arrears, so they play no part in which way the change goes, nor in its prorations.
 */
export function planChangeFor(
  current: CurrentPlan,
  catalog: ChangeCatalog,
  target: Pick<PlanTarget, "priceId" | "seats">,
  overage: OveragePrice[],
): PlannedChange {
  const currency = current.subscription.currency;
  const plan = catalog.plans.find((p) => p.priceId === target.priceId);
  if (!plan) {
    throw new DomainError(
      "BAD_REQUEST",
      `That plan isn't available in ${currency.toUpperCase()}. Choose one of the plans listed.`,
    );
  }
  const seatPrice = seatPriceFor(catalog, plan);
  if (target.seats > 0 && !seatPrice) {
    throw new DomainError(
      "BAD_REQUEST",
      `Seats can't be added to ${plan.productName} billed every ${plan.interval}. Set seats to 0 or choose a plan that includes them.`,
    );
  }
  const { planItem, seatItem } = current;
  const planQuantity = planItem.quantity ?? 1;
  const currentSeats = seatItem?.quantity ?? 0;
  const unchanged =
    planItem.price.id === plan.priceId &&
    currentSeats === target.seats &&
    (target.seats === 0 || seatItem?.price.id === seatPrice?.priceId);
  if (unchanged) {
    throw new DomainError(
      "BAD_REQUEST",
      "That is already your plan. Pick a different plan or number of seats.",
      { reason: "unchanged" },
    );
  }

  const trial = current.subscription.status === "trialing";
  const longer = monthsOf(plan) - monthsOf(current);
  if (trial && longer !== 0) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `You can switch to ${plan.interval === "year" ? "annual" : "monthly"} billing once your free trial ends. Until then, pick a plan billed every ${current.interval}.`,
    );
  }
  const oldAmount = perPeriod([
    { unit: planItem.price.unit_amount, quantity: planQuantity },
    ...(seatItem ? [{ unit: seatItem.price.unit_amount, quantity: currentSeats }] : []),
  ]);
  const newAmount = perPeriod([
    { unit: plan.unitAmount, quantity: planQuantity },
    { unit: seatPrice?.unitAmount ?? 0, quantity: target.seats },
  ]);
  let timing: ChangeTiming;
  if (trial) timing = "now";
  else if (longer !== 0) timing = longer > 0 ? "now" : "period_end";
  else timing = newAmount >= oldAmount ? "now" : "period_end";

  const updateItems: Stripe.SubscriptionUpdateParams.Item[] = [
    { id: planItem.id, price: plan.priceId },
  ];
  if (seatItem && target.seats > 0) {
    updateItems.push({ id: seatItem.id, price: seatPrice!.priceId, quantity: target.seats });
  } else if (seatItem) {
    updateItems.push({ id: seatItem.id, deleted: true });
  } else if (target.seats > 0) {
    updateItems.push({ price: seatPrice!.priceId, quantity: target.seats });
  }
  updateItems.push(...overageUpdateItems(current.meteredItems, overage));
  const currentItems: PhaseItem[] = [
    { price: planItem.price.id, quantity: planQuantity },
    ...(seatItem ? [{ price: seatItem.price.id, quantity: currentSeats }] : []),
    ...current.meteredItems.map((i) => ({ price: i.price.id })),
  ];
  const newItems: PhaseItem[] = [
    { price: plan.priceId, quantity: planQuantity },
    ...(target.seats > 0 ? [{ price: seatPrice!.priceId, quantity: target.seats }] : []),
    ...overage.map((o) => ({ price: o.priceId })),
  ];
  return {
    current,
    plan,
    seatPrice,
    seats: target.seats,
    overage,
    timing,
    trial,
    updateItems,
    currentItems,
    newItems,
  };
}

/**
 * Names one exact change: the subscription as it was previewed, the target and the proration
 * date. The confirm recomputes it from the live subscription, so a preview of a subscription
 * that has changed since (another tab, a renewal) cannot be confirmed by mistake.
 */
export function changeKeyOf(change: PlannedChange, prorationDate: number | null): string {
  const s = change.current.subscription;
  const state = {
    subscription: s.id,
    periodEnd: change.current.periodEnd,
    items: s.items.data.map((i) => [i.id, i.price.id, i.quantity ?? 1]).sort(),
    target: change.newItems,
    prorationDate,
  };
  return createHash("sha256").update(JSON.stringify(state)).digest("hex").slice(0, 32);
}
