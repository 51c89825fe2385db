import type { Db } from "@folio/db";
import type Stripe from "stripe";
import type { Clock } from "../../clock.ts";
import { DomainError } from "../../errors.ts";
import { callStripe } from "../../stripe-errors.ts";
import { changeCatalog } from "./catalog.ts";
import {
  alreadyScheduled,
  changeKeyOf,
  planChangeFor,
  type ChangeTiming,
  type PlanTarget,
  type PlannedChange,
} from "./change.ts";
import { reportPendingOverage } from "../../overage/report.ts";
import { flexibleForOverage, isMeteredItem, overagePricesFor } from "./overage.ts";
import { currentPlanOf, ownedSubscription, whyNotChangeable } from "./subscription.ts";

export interface PreviewLine {
  description: string | null;
  amount: number;
  proration: boolean;
}

export interface PlanChangePreview {
  subscriptionId: string;
  priceId: string;
  seats: number;
  timing: ChangeTiming;
  /** When the change takes effect: now (the proration date), or the end of the current period. */
  effectiveAt: Date;
  /** Unix seconds the prorations were computed at; the confirm must send it back. Null when
   * nothing is prorated (a downgrade at period end, a change during a trial). */
  prorationDate: number | null;
  /** Send back with the confirm: names this exact change (see changeKeyOf). */
  changeKey: string;
  currency: string;
  /** Charged now (the invoice the change creates, after account credit). 0 at period end. */
  dueNow: number;
  /** Credit for the unused time of the current plan (a positive amount, netted in dueNow). */
  unusedTimeCredit: number;
  /** Charge for the rest of the current period on the new plan. */
  remainingTimeCharge: number;
  /** A new billing period started now (a longer interval) is billed in full. */
  newPeriodCharge: number;
  /** Whatever else the invoice carries: metered usage of a period that ends now, pending
   * one-off items, discounts, tax. */
  otherCharges: number;
  /** Account credit the invoice uses. */
  balanceApplied: number;
  /** The lines of the invoice created now (empty at period end). */
  lines: PreviewLine[];
  /** The first invoice on the new plan that is not part of the change itself. */
  nextInvoice: { amount: number; date: Date };
}

export interface PlanChangeDeps {
  db: Db;
  stripe: Stripe;
  clock: Clock;
}

const DOING = "preview your plan change";

/**
 * Stripe's "now" for this subscription: its test clock's time; else the time Stripe prorates
 * a preview of the change at (Stripe's clock, which ours may not match); else ours.
 */
export async function stripeNowFor(deps: PlanChangeDeps, change: PlannedChange): Promise<number> {
  const { subscription } = change.current;
  const clock = subscription.test_clock;
  if (clock) {
    const id = typeof clock === "string" ? clock : clock.id;
    const tc = await callStripe(DOING, () => deps.stripe.testHelpers.testClocks.retrieve(id));
    return tc.frozen_time;
  }
  if (!change.trial && change.timing === "now") {
    const invoice = await callStripe(DOING, () =>
      deps.stripe.invoices.createPreview({
        subscription: subscription.id,
        subscription_details: { items: change.updateItems, proration_behavior: "always_invoice" },
      }),
    );
    const at = invoice.parent?.subscription_details?.subscription_proration_date;
    if (typeof at === "number") return at;
  }
  return Math.floor(deps.clock.now().getTime() / 1000);
}

function priceOf(line: Stripe.InvoiceLineItem): string | undefined {
  const p = line.pricing?.price_details?.price;
  return typeof p === "string" ? p : p?.id;
}

function isProration(line: Stripe.InvoiceLineItem): boolean {
  const p = line.parent;
  return Boolean(
    p?.subscription_item_details?.proration ?? p?.invoice_item_details?.proration ?? false,
  );
}

/** Loads the caller's subscription and plans the change, refusing what cannot be done now. */
export async function loadChange(
  deps: PlanChangeDeps,
  userId: string,
  target: PlanTarget,
  doing: string,
): Promise<PlannedChange> {
  const owned = await ownedSubscription(deps, userId, target.subscriptionId, doing);
  const { customerId } = owned;
  const why = whyNotChangeable(owned.subscription);
  if (why) throw new DomainError("PRECONDITION_FAILED", why);
  if (owned.subscription.schedule) throw alreadyScheduled();
  const subscription = await flexibleForOverage(deps, owned.subscription, userId, doing);
  if (subscription.items.data.some(isMeteredItem)) {
    // Overage not reported yet is billed at this plan's rate when its metered price leaves, and
    // so shows in the preview (see reportPendingOverage).
    await callStripe(doing, () => reportPendingOverage(deps, subscription.id));
  }
  const catalog = await changeCatalog(deps.db, subscription.currency);
  const current = currentPlanOf(subscription, customerId, catalog);
  const plan = catalog.plans.find((p) => p.priceId === target.priceId);
  // An unknown price is refused by planChangeFor, with the reason.
  const overage = plan ? await overagePricesFor(deps, plan, doing) : [];
  return planChangeFor(current, catalog, target, overage);
}

/**
 * Stripe's own invoice preview of the change. A change applied now previews the invoice
 * `subscriptions.update` will create (`always_invoice`) at a fixed `proration_date`, returned
 * here so the confirm uses the same one and the invoice matches the preview to the cent.
 */
export async function previewPlanChange(
  deps: PlanChangeDeps,
  userId: string,
  target: PlanTarget,
): Promise<PlanChangePreview> {
  const change = await loadChange(deps, userId, target, DOING);
  const { subscription } = change.current;
  const preview = (details: Stripe.InvoiceCreatePreviewParams.SubscriptionDetails) =>
    callStripe(DOING, () =>
      deps.stripe.invoices.createPreview({
        subscription: subscription.id,
        subscription_details: { items: change.updateItems, ...details },
      }),
    );
  const base = {
    subscriptionId: subscription.id,
    priceId: change.plan.priceId,
    seats: change.seats,
    timing: change.timing,
    currency: subscription.currency,
  };
  const periodEnd = new Date(change.current.periodEnd * 1000);

  if (change.timing === "period_end" || change.trial) {
    // Nothing is billed until the current period (or trial) ends; then the new items renew.
    const sameSchedule =
      change.plan.interval === change.current.interval &&
      change.plan.intervalCount === change.current.intervalCount;
    // On the same schedule, the renewal with the new items; a shorter period would restart
    // now in that preview, so it is previewed as the schedule's phase starting at period end.
    const next = sameSchedule
      ? await preview({ proration_behavior: "none" })
      : await callStripe(DOING, () =>
          deps.stripe.invoices.createPreview({
            customer: change.current.customerId,
            schedule_details: {
              phases: [
                {
                  items: change.newItems,
                  start_date: change.current.periodEnd,
                  duration: {
                    interval: change.plan.interval,
                    interval_count: change.plan.intervalCount,
                  },
                },
              ],
            },
          }),
        );
    const effectiveAt = change.trial
      ? new Date((await stripeNowFor(deps, change)) * 1000)
      : periodEnd;
    return {
      ...base,
      effectiveAt,
      prorationDate: null,
      changeKey: changeKeyOf(change, null),
      dueNow: 0,
      unusedTimeCredit: 0,
      remainingTimeCharge: 0,
      newPeriodCharge: 0,
      otherCharges: 0,
      balanceApplied: 0,
      lines: [],
      nextInvoice: { amount: next.total, date: periodEnd },
    };
  }

  const prorationDate = await stripeNowFor(deps, change);
  const invoice = await preview({
    proration_behavior: "always_invoice",
    proration_date: prorationDate,
  });
  const lines = invoice.lines.data.map((l) => ({
    description: l.description,
    amount: l.amount,
    proration: isProration(l),
  }));
  const sum = (pick: (l: Stripe.InvoiceLineItem) => boolean) =>
    invoice.lines.data.filter(pick).reduce((s, l) => s + l.amount, 0);
  const unusedTimeCredit = -sum((l) => isProration(l) && l.amount < 0);
  const remainingTimeCharge = sum((l) => isProration(l) && l.amount > 0);
  // A longer period starts now and is billed in full; its lines belong to the plan's items.
  // Metered items bill usage, not the period: the one cut short, which counts as other charges.
  const metered = new Set([
    ...change.current.meteredItems.map((i) => i.price.id),
    ...change.overage.map((o) => o.priceId),
  ]);
  const newPeriod = invoice.lines.data.filter(
    (l) =>
      !isProration(l) &&
      l.parent?.type === "subscription_item_details" &&
      !metered.has(priceOf(l) ?? ""),
  );
  const newPeriodCharge = newPeriod.reduce((s, l) => s + l.amount, 0);
  let nextInvoice: PlanChangePreview["nextInvoice"];
  if (newPeriod.length > 0) {
    // A longer period starts now: it renews at its end for what it costs now.
    nextInvoice = {
      amount: newPeriod.reduce((s, l) => s + l.amount, 0),
      date: new Date(Math.max(...newPeriod.map((l) => l.period.end)) * 1000),
    };
  } else {
    const renewal = await preview({ proration_behavior: "none" });
    nextInvoice = { amount: renewal.total, date: periodEnd };
  }
  return {
    ...base,
    effectiveAt: new Date(prorationDate * 1000),
    prorationDate,
    changeKey: changeKeyOf(change, prorationDate),
    dueNow: invoice.amount_due,
    unusedTimeCredit,
    remainingTimeCharge,
    newPeriodCharge,
    otherCharges: invoice.total - (remainingTimeCharge - unusedTimeCredit + newPeriodCharge),
    balanceApplied: Math.max(0, invoice.total - invoice.amount_due),
    lines,
    nextInvoice,
  };
}
