import type Stripe from "stripe";
import { invalidParam, missingParam } from "../../core/errors.ts";
import { applyMetadata } from "../../core/params.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf } from "../../core/util.ts";
import type { SubscriptionUpdate } from "../../resources/subscriptions/params.ts";
import type { LineInput } from "../invoices/lines.ts";
import { addIntervals } from "../time.ts";
import { usageUpTo } from "../meters/lines.ts";
import { meteredChange, type MeteredChange } from "./metered-change.ts";
import { buildItem, itemLines, planFromPrice, recurringPrice } from "./items.ts";
import { prorationLines } from "./prorations.ts";
import { periodOf } from "./state.ts";

/**
 * What an update does to a subscription's items, period and money, worked out without
 * writing anything, so `subscriptions.update` and `invoices.createPreview` agree to the cent.
 */

export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface PlannedChange {
  items: Stripe.SubscriptionItem[];
  /** Proration lines (credits for unused time, charges for remaining time). */
  prorations: LineInput[];
  /** Lines billed right away for a new billing period (interval change, anchor reset, trial end). */
  newPeriodLines: LineInput[];
  /** The billing period restarts at `at` (and is invoiced immediately). */
  reset: boolean;
  period: { start: number; end: number };
  anchor: number;
  trialEnd: number | null;
  endsTrial: boolean;
  at: number;
  behavior: ProrationBehavior;
  itemsChanged: boolean;
  /** Metered prices that start billing usage mid-period (see meteredChange). */
  meteredFrom: MeteredChange["from"];
}

export interface PlanInput {
  items?: SubscriptionUpdate["items"];
  proration_behavior?: ProrationBehavior | undefined;
  proration_date?: number | undefined;
  trial_end?: number | "now" | undefined;
  billing_cycle_anchor?: "now" | "unchanged" | { type: "now" | "unchanged" } | undefined;
}

type Param = (name: string) => string;
type Period = { start: number; end: number };

interface ItemChanges {
  /** The items after the change (kept ones updated, deleted ones gone, added ones last). */
  items: Stripe.SubscriptionItem[];
  added: Stripe.SubscriptionItem[];
  itemsChanged: boolean;
}

/** Applies `items[]` (update by id, delete, add) to a copy of the subscription's items. */
function changeItems(
  ctx: Ctx,
  sub: Stripe.Subscription,
  p: PlanInput,
  P: Param,
  at: { period: Period; now: number; register: boolean },
): ItemChanges {
  const byId = new Map(sub.items.data.map((i) => [i.id, i]));
  const next: Stripe.SubscriptionItem[] = sub.items.data.map((i) => ({ ...i }));
  const deleted = new Set<string>();
  const added: Stripe.SubscriptionItem[] = [];
  let itemsChanged = false;
  (p.items ?? []).forEach((ip, i) => {
    const base = `${P("items")}[${i}]`;
    if (ip.id !== undefined) {
      if (!byId.get(ip.id))
        throw invalidParam(
          `${base}[id]`,
          `No such subscription item: '${ip.id}'`,
          "resource_missing",
        );
      if (ip.deleted) {
        deleted.add(ip.id);
        itemsChanged = true;
        return;
      }
      const target = next.find((x) => x.id === ip.id) as Stripe.SubscriptionItem;
      if (ip.price !== undefined && ip.price !== target.price.id) {
        const price = recurringPrice(ctx, ip.price, `${base}[price]`);
        target.price = price;
        target.plan = planFromPrice(price);
        itemsChanged = true;
      }
      if (ip.quantity !== undefined && ip.quantity !== target.quantity) {
        target.quantity = ip.quantity;
        itemsChanged = true;
      }
      if (ip.metadata !== undefined) target.metadata = applyMetadata(target.metadata, ip.metadata);
      return;
    }
    if (ip.deleted) throw missingParam(`${base}[id]`);
    if (ip.price === undefined) throw missingParam(`${base}[price]`);
    const price = recurringPrice(ctx, ip.price, `${base}[price]`);
    const metadata = applyMetadata({}, ip.metadata);
    added.push(
      buildItem(ctx, sub.id, price, ip.quantity ?? 1, metadata, at.period, at.now, at.register),
    );
    itemsChanged = true;
  });
  return { items: [...next.filter((i) => !deleted.has(i.id)), ...added], added, itemsChanged };
}

/** At least one item; one currency (the subscription's) and one cadence; no price twice. */
function checkItems(sub: Stripe.Subscription, items: Stripe.SubscriptionItem[], P: Param): void {
  if (items.length === 0)
    throw invalidParam(P("items"), "A subscription must have at least one active item.");
  const first = items[0] as Stripe.SubscriptionItem;
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (item.price.currency !== sub.currency)
      throw invalidParam(
        `${P("items")}`,
        `The price ${item.price.id} is in ${item.price.currency}, but this subscription is in ${sub.currency}.`,
      );
    if (
      item.price.recurring?.interval !== first.price.recurring?.interval ||
      item.price.recurring?.interval_count !== first.price.recurring?.interval_count
    )
      throw invalidParam(
        `${P("items")}`,
        "All prices on a subscription must have the same recurring interval and interval_count.",
      );
    if (seen.has(item.price.id))
      throw invalidParam(
        `${P("items")}[${i}][price]`,
        "Cannot add multiple subscription items with the same price.",
      );
    seen.add(item.price.id);
  }
}

interface PeriodChange {
  trialEnd: number | null;
  endsTrial: boolean;
  reset: boolean;
  anchor: number;
  period: Period;
}

/** trial_end, billing_cycle_anchor=now and a new cadence move or restart the period. */
function changePeriod(
  sub: Stripe.Subscription,
  p: PlanInput,
  P: Param,
  cadence: { old: Stripe.Price.Recurring | null | undefined; next: Stripe.Price.Recurring },
  now: number,
): PeriodChange {
  const period = periodOf(sub);
  const change: PeriodChange = {
    trialEnd: sub.trial_end,
    endsTrial: false,
    reset: false,
    anchor: sub.billing_cycle_anchor,
    period,
  };
  const anchorParam =
    typeof p.billing_cycle_anchor === "object"
      ? p.billing_cycle_anchor.type
      : p.billing_cycle_anchor;
  if (p.trial_end === "now") {
    if (sub.status === "trialing") {
      change.endsTrial = true;
      change.trialEnd = now;
      change.reset = true;
    }
  } else if (p.trial_end !== undefined) {
    if (p.trial_end <= now)
      throw invalidParam(
        P("trial_end"),
        "Invalid timestamp: must be an integer Unix timestamp in the future.",
      );
    change.trialEnd = p.trial_end;
    change.anchor = p.trial_end;
    change.period = { start: sub.status === "trialing" ? period.start : now, end: p.trial_end };
  }
  const cadenceChanged =
    cadence.old?.interval !== cadence.next.interval ||
    cadence.old.interval_count !== cadence.next.interval_count;
  if (anchorParam === "now" || cadenceChanged) change.reset = true;
  if (change.reset) {
    change.anchor = now;
    change.period = {
      start: now,
      end: addIntervals(now, cadence.next.interval, cadence.next.interval_count, 1),
    };
  }
  return change;
}

/** Credits for the old items' unused time and charges for the new ones' remaining time. */
function changeProrations(
  ctx: Ctx,
  sub: Stripe.Subscription,
  changes: ItemChanges & { withPeriods: Stripe.SubscriptionItem[] },
  reset: boolean,
  at: number,
): LineInput[] {
  const period = periodOf(sub);
  const qty = (i: Stripe.SubscriptionItem) => i.quantity ?? 1;
  const prorations: LineInput[] = [];
  for (const old of sub.items.data) {
    const changed = changes.withPeriods.find((x) => x.id === old.id);
    const sameMoney = changed && changed.price.id === old.price.id && qty(changed) === qty(old);
    if (!reset && sameMoney) continue;
    const after = !reset && changed ? { price: changed.price, quantity: qty(changed) } : null;
    prorations.push(
      ...prorationLines(
        ctx,
        sub,
        old.id,
        { price: old.price, quantity: qty(old) },
        after,
        period,
        at,
      ),
    );
  }
  if (!reset) {
    for (const item of changes.added) {
      prorations.push(
        ...prorationLines(
          ctx,
          sub,
          item.id,
          null,
          { price: item.price, quantity: qty(item) },
          period,
          at,
        ),
      );
    }
  }
  return prorations;
}

/**
 * Works out what an update does to items, periods and money without writing anything.
 * `register: false` leaves new item ids unregistered (previews).
 */
export function planChange(
  ctx: Ctx,
  sub: Stripe.Subscription,
  p: PlanInput,
  options: { register: boolean; paramPrefix?: string },
): PlannedChange {
  const P = (name: string) => (options.paramPrefix ? `${options.paramPrefix}[${name}]` : name);
  const now = ctx.clockNow(clockOf(sub));
  const period = periodOf(sub);
  const at = p.proration_date ?? now;
  if (
    p.proration_date !== undefined &&
    (p.proration_date < period.start || p.proration_date > Math.max(period.end, now))
  ) {
    throw invalidParam(
      P("proration_date"),
      "proration_date must be within the current billing period.",
    );
  }
  const behavior: ProrationBehavior = p.proration_behavior ?? "create_prorations";
  const changes = changeItems(ctx, sub, p, P, { period, now, register: options.register });
  checkItems(sub, changes.items, P);
  const first = changes.items[0] as Stripe.SubscriptionItem;
  const cadence = {
    old: sub.items.data[0]?.price.recurring,
    next: first.price.recurring as Stripe.Price.Recurring,
  };
  const {
    trialEnd,
    endsTrial,
    reset,
    anchor,
    period: newPeriod,
  } = changePeriod(sub, p, P, cadence, now);
  const trialing = sub.status === "trialing" && !endsTrial;
  const withPeriods = changes.items.map((i) => ({
    ...i,
    current_period_start: newPeriod.start,
    current_period_end: newPeriod.end,
  }));
  const prorate = behavior !== "none" && !trialing && sub.status !== "incomplete" && !endsTrial;
  const prorations =
    prorate && (changes.itemsChanged || reset)
      ? changeProrations(ctx, sub, { ...changes, withPeriods }, reset, at)
      : [];
  // A new period is billed in advance; metered items bill the usage of the period cut short.
  const newPeriodLines: LineInput[] = reset
    ? [
        ...itemLines(ctx, sub, withPeriods, newPeriod, false),
        ...usageUpTo(ctx, sub, { start: period.start, end: now }),
      ]
    : [];
  const metered = meteredChange(ctx, sub, withPeriods, { reset, prorate, now });
  return {
    items: withPeriods,
    prorations: [...prorations.filter((l) => l.amount !== 0 || l.quantity === 0), ...metered.usage],
    newPeriodLines,
    reset,
    period: newPeriod,
    anchor,
    trialEnd,
    endsTrial,
    at,
    behavior,
    itemsChanged: changes.itemsChanged,
    meteredFrom: metered.from,
  };
}
