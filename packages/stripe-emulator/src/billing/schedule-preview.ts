import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import type { Ctx } from "../core/types.ts";
import { getCustomer } from "../resources/customers.ts";
import type { DiscountParam } from "./discounts.ts";
import { clockOf, idOf } from "../core/util.ts";
import { createPreview, type PreviewInput } from "./preview.ts";
import {
  buildPhases,
  itemsForPhase,
  type PhaseInput,
  type ProrationBehavior,
} from "./schedule-phases.ts";
import { getSchedule, liveSubscription, LIVE, type EndBehavior } from "./schedule-lifecycle.ts";
import { replacePhases } from "./schedules.ts";
import { periodOf } from "./subscriptions/state.ts";

/**
 * `invoices.createPreview` with `schedule` / `schedule_details`: the next invoice under the
 * schedule's phases. It reuses the subscription preview (so amounts match what the phase
 * change bills), evaluated at the moment the next phase starts when that comes first.
 */

export interface SchedulePreviewInput {
  customer?: string | undefined;
  schedule?: string | undefined;
  subscription?: string | undefined;
  hasSubscriptionDetails: boolean;
  discounts?: DiscountParam[] | null | undefined;
  details?:
    | {
        phases?: PhaseInput[] | undefined;
        end_behavior?: EndBehavior | undefined;
        proration_behavior?: ProrationBehavior | undefined;
      }
    | undefined;
}

function noUpcoming(customer: string): never {
  throw invalidRequest(`No upcoming invoices for customer: ${customer}`, {
    code: "invoice_upcoming_none",
  });
}

/** The same unit of work, seen at time `t` (previews only: nothing is written). */
function atTime(ctx: Ctx, t: number): Ctx {
  return { ...ctx, now: () => t, clockNow: () => t };
}

export function previewSchedule(ctx: Ctx, p: SchedulePreviewInput): Stripe.Invoice {
  if (p.subscription !== undefined || p.hasSubscriptionDetails)
    throw invalidRequest(
      "You may only specify one of these parameters: schedule or schedule_details, subscription or subscription_details.",
      {
        code: "parameters_exclusive",
        param: p.subscription !== undefined ? "subscription" : "subscription_details",
      },
    );
  const details = p.details ?? {};
  if (p.schedule === undefined) {
    // A schedule that does not exist yet: its first phase's first invoice.
    if (p.customer === undefined) throw missingParam("customer");
    if (!details.phases) throw missingParam("schedule_details[phases]");
    const customer = getCustomer(ctx, p.customer, "customer");
    const now = ctx.clockNow(clockOf(customer));
    const [first] = buildPhases(ctx, details.phases, {
      now,
      defaultStart: now,
      param: "schedule_details[phases]",
    });
    return firstInvoice(ctx, customer.id, first, p.discounts);
  }
  const s = getSchedule(ctx, p.schedule, "schedule");
  const customerId = idOf(s.customer);
  if (p.customer !== undefined && p.customer !== customerId)
    throw invalidParam("customer", "The subscription schedule does not belong to this customer.");
  if (!LIVE.has(s.status)) noUpcoming(customerId);
  const { phases, current_phase } = details.phases
    ? replacePhases(ctx, s, details.phases, "schedule_details[phases]")
    : s;
  if (s.status === "not_started") return firstInvoice(ctx, customerId, phases[0], p.discounts);
  const sub = liveSubscription(ctx, s);
  if (!sub || !current_phase) return noUpcoming(customerId);
  return previewUnderPhases(ctx, sub, {
    phases,
    currentStart: current_phase.start_date,
    endBehavior: details.end_behavior ?? (s.end_behavior === "cancel" ? "cancel" : "release"),
    prorationNow: details.proration_behavior ?? "create_prorations",
    discounts: p.discounts,
  });
}

function firstInvoice(
  ctx: Ctx,
  customer: string,
  phase: Stripe.SubscriptionSchedule.Phase | undefined,
  discounts: DiscountParam[] | null | undefined,
): Stripe.Invoice {
  if (!phase) return noUpcoming(customer);
  return createPreview(atTime(ctx, phase.start_date), {
    customer,
    discounts,
    subscription_details: {
      items: phase.items.map((it) => ({ price: idOf(it.price), quantity: it.quantity ?? 1 })),
    },
  });
}

function previewUnderPhases(
  ctx: Ctx,
  sub: Stripe.Subscription,
  o: {
    phases: Stripe.SubscriptionSchedule.Phase[];
    currentStart: number;
    endBehavior: EndBehavior;
    prorationNow: ProrationBehavior;
    discounts: DiscountParam[] | null | undefined;
  },
): Stripe.Invoice {
  const customer = idOf(sub.customer);
  const base = { subscription: sub.id, discounts: o.discounts };
  const keepCancel = o.endBehavior === "cancel" ? {} : { cancel_at_period_end: false };
  const index = o.phases.findIndex((ph) => ph.start_date === o.currentStart);
  const live = o.phases[index];
  // A change to the phase running now applies now, as the update would apply it.
  const nowItems = live ? itemsForPhase(sub, live) : null;
  if (nowItems)
    return createPreview(
      ctx,
      {
        ...base,
        subscription_details: {
          items: nowItems,
          proration_behavior: o.prorationNow,
          ...keepCancel,
        },
      },
      { ignoreSchedule: true },
    );
  if (!live || live.end_date > periodOf(sub).end)
    return createPreview(
      ctx,
      { ...base, subscription_details: keepCancel },
      { ignoreSchedule: true },
    );
  const next = o.phases[index + 1];
  if (!next) {
    if (o.endBehavior === "cancel") return noUpcoming(customer);
    return createPreview(
      ctx,
      { ...base, subscription_details: keepCancel },
      { ignoreSchedule: true },
    );
  }
  // The next phase starts at or before the renewal: preview from that moment.
  return createPreview(
    atTime(ctx, next.start_date),
    {
      ...base,
      subscription_details: {
        items: itemsForPhase(sub, next) ?? undefined,
        proration_behavior: next.proration_behavior as ProrationBehavior,
        ...(next.billing_cycle_anchor === "phase_start"
          ? { billing_cycle_anchor: "now" as const }
          : {}),
        ...keepCancel,
      },
    },
    { ignoreSchedule: true },
  );
}

/** The next invoice of a subscription a schedule manages (its next phase may change it). */
export const previewScheduled = (ctx: Ctx, sub: Stripe.Subscription, p: PreviewInput) =>
  previewSchedule(ctx, {
    customer: p.customer,
    schedule: idOf(sub.schedule),
    hasSubscriptionDetails: false,
    discounts: p.discounts,
  });
