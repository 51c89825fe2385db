import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { recurringPrice } from "./subscriptions/items.ts";
import { addIntervals, type Interval } from "./time.ts";

/**
 * Subscription schedule phases: turning `phases[]` params into the phase objects Stripe
 * returns, with Stripe's rules (contiguous phases, one cadence and currency per phase,
 * the current phase's start fixed). No writes: callers store what this returns.
 */

export type ProrationBehavior = "always_invoice" | "create_prorations" | "none";

export interface PhaseItemInput {
  price: string;
  quantity?: number | undefined;
  metadata?: Record<string, string> | null | undefined;
}

export interface PhaseInput {
  items: PhaseItemInput[];
  start_date?: number | "now" | undefined;
  end_date?: number | "now" | undefined;
  duration?: { interval: Interval; interval_count?: number | undefined } | undefined;
  proration_behavior?: ProrationBehavior | undefined;
  billing_cycle_anchor?: "automatic" | "phase_start" | undefined;
  collection_method?: "charge_automatically" | "send_invoice" | undefined;
  default_payment_method?: string | undefined;
  description?: string | null | undefined;
  metadata?: Record<string, string> | null | undefined;
  currency?: string | undefined;
}

export interface BuildOptions {
  now: number;
  /** Where the first phase starts when it gives no `start_date` (create: the schedule's start). */
  defaultStart?: number | undefined;
  /** Phases ending by then are past ones (an active schedule's current phase start). */
  pastBefore?: number | undefined;
  /** The currency every phase must use (an existing subscription's). */
  currency?: string | undefined;
  /** `phases` or `schedule_details[phases]`. */
  param: string;
}

function at(value: number | "now", now: number): number {
  return value === "now" ? now : value;
}

/**
 * A phase's prices: recurring, one cadence, none twice, in the schedule's currency (the
 * first phase's, unless given). Returns them with that currency.
 */
function phasePrices(
  ctx: Ctx,
  input: PhaseInput,
  P: (name: string) => string,
  given: string | undefined,
): { prices: Stripe.Price[]; currency: string | undefined } {
  let currency = given;
  const prices = input.items.map((it, n) =>
    recurringPrice(ctx, it.price, `${P("items")}[${n}][price]`),
  );
  const first = prices[0] as Stripe.Price;
  const seen = new Set<string>();
  prices.forEach((price, n) => {
    const itemParam = `${P("items")}[${n}][price]`;
    if (
      price.recurring?.interval !== first.recurring?.interval ||
      price.recurring?.interval_count !== first.recurring?.interval_count
    )
      throw invalidParam(
        itemParam,
        "All prices on a subscription must have the same recurring interval and interval_count.",
      );
    if (seen.has(price.id))
      throw invalidParam(itemParam, "Cannot add multiple subscription items with the same price.");
    seen.add(price.id);
    currency ??= input.currency ?? price.currency;
    if (price.currency !== currency)
      throw invalidParam(
        itemParam,
        `The price ${price.id} is in ${price.currency}, but this subscription schedule is in ${currency}. All phases must use the same currency.`,
      );
  });
  input.items.forEach((it, n) => {
    if (it.quantity !== undefined && it.quantity < 0)
      throw invalidParam(`${P("items")}[${n}][quantity]`, "Quantity must be non-negative.");
  });
  return { prices, currency };
}

/** Where a phase starts (contiguous with the one before) and ends. */
function phaseBounds(
  input: PhaseInput,
  previous: Stripe.SubscriptionSchedule.Phase | undefined,
  cadence: Stripe.Price.Recurring,
  P: (name: string) => string,
  options: BuildOptions,
): { start: number; end: number } {
  const { now } = options;
  let start: number;
  if (previous) {
    start = previous.end_date;
    if (input.start_date !== undefined && at(input.start_date, now) !== start)
      throw invalidParam(
        P("start_date"),
        "Phases must be contiguous: a phase's start_date must equal the end_date of the phase before it.",
      );
  } else if (input.start_date !== undefined) {
    start = at(input.start_date, now);
  } else if (options.defaultStart !== undefined) {
    start = options.defaultStart;
  } else {
    throw invalidRequest(
      "The subscription schedule update is missing at least one phase with a `start_date` to anchor end dates to.",
      { param: P("start_date") },
    );
  }
  if (input.end_date !== undefined && input.duration !== undefined)
    throw invalidRequest("You may only specify one of these parameters: duration, end_date.", {
      code: "parameters_exclusive",
      param: P("duration"),
    });
  // Without end_date or duration a phase lasts one billing period of its price.
  const end =
    input.end_date !== undefined
      ? at(input.end_date, now)
      : input.duration !== undefined
        ? addIntervals(start, input.duration.interval, input.duration.interval_count ?? 1, 1)
        : addIntervals(start, cadence.interval, cadence.interval_count, 1);
  if (end <= start)
    throw invalidParam(P("end_date"), "The phase end_date must be after its start_date.");
  const past = options.pastBefore !== undefined && end <= options.pastBefore;
  if (end < now && !past)
    throw invalidParam(P("end_date"), "The phase end_date must be in the future.");
  return { start, end };
}

/** Validates `phases[]` and returns the phase objects, each ending where the next starts. */
export function buildPhases(
  ctx: Ctx,
  inputs: PhaseInput[],
  options: BuildOptions,
): Stripe.SubscriptionSchedule.Phase[] {
  const { param } = options;
  if (inputs.length === 0) throw missingParam(param);
  let currency = options.currency;
  const phases: Stripe.SubscriptionSchedule.Phase[] = [];
  inputs.forEach((input, i) => {
    const P = (name: string) => `${param}[${i}][${name}]`;
    if (input.items.length === 0) throw missingParam(P("items"));
    const checked = phasePrices(ctx, input, P, currency);
    const { prices } = checked;
    currency = checked.currency;
    const first = prices[0] as Stripe.Price;
    const cadence = first.recurring as Stripe.Price.Recurring;
    const { start, end } = phaseBounds(input, phases[i - 1], cadence, P, options);
    phases.push(
      phaseObject({
        start,
        end,
        currency: currency ?? first.currency,
        items: input.items.map((it, n) => ({
          price: prices[n] as Stripe.Price,
          quantity: it.quantity ?? 1,
          metadata: applyMetadata({}, it.metadata),
        })),
        prorationBehavior: input.proration_behavior ?? "create_prorations",
        billingCycleAnchor: input.billing_cycle_anchor ?? null,
        collectionMethod: input.collection_method ?? null,
        defaultPaymentMethod: input.default_payment_method ?? null,
        description: input.description ?? null,
        metadata: applyMetadata({}, input.metadata),
        trialEnd: null,
      }),
    );
  });
  return phases;
}

export function phaseObject(p: {
  start: number;
  end: number;
  currency: string;
  items: { price: Stripe.Price; quantity: number; metadata: Record<string, string> }[];
  prorationBehavior: ProrationBehavior;
  billingCycleAnchor: "automatic" | "phase_start" | null;
  collectionMethod: "charge_automatically" | "send_invoice" | null;
  defaultPaymentMethod: string | null;
  description: string | null;
  metadata: Record<string, string>;
  trialEnd: number | null;
}): Stripe.SubscriptionSchedule.Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: p.billingCycleAnchor,
    billing_thresholds: null,
    collection_method: p.collectionMethod,
    currency: p.currency,
    default_payment_method: p.defaultPaymentMethod,
    default_tax_rates: [],
    description: p.description,
    discounts: [],
    end_date: p.end,
    invoice_settings: null,
    items: p.items.map((it) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: it.metadata,
      plan: it.price.id,
      price: it.price.id,
      quantity: it.quantity,
      tax_rates: [],
    })),
    metadata: p.metadata,
    on_behalf_of: null,
    proration_behavior: p.prorationBehavior,
    start_date: p.start,
    transfer_data: null,
    trial_end: p.trialEnd,
  };
}

/**
 * The `items` of a subscription update that turns the subscription's items into a phase's:
 * an item whose price stays keeps its id (quantity updated), others are deleted or added.
 * Null when nothing would change.
 */
export interface ItemChange {
  id?: string;
  price?: string;
  quantity?: number;
  deleted?: boolean;
  metadata?: Record<string, string>;
}

export function itemsForPhase(
  sub: Stripe.Subscription,
  phase: Stripe.SubscriptionSchedule.Phase,
): ItemChange[] | null {
  const kept = new Set<string>();
  let changed = false;
  const items: ItemChange[] = phase.items.map((it) => {
    const price = typeof it.price === "string" ? it.price : it.price.id;
    const quantity = it.quantity ?? 1;
    const match = sub.items.data.find((o) => o.price.id === price && !kept.has(o.id));
    if (match) {
      kept.add(match.id);
      if ((match.quantity ?? 1) !== quantity) changed = true;
      return { id: match.id, quantity };
    }
    changed = true;
    return { price, quantity, metadata: it.metadata ?? {} };
  });
  for (const old of sub.items.data) {
    if (kept.has(old.id)) continue;
    changed = true;
    items.push({ id: old.id, deleted: true });
  }
  return changed ? items : null;
}
