import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../core/errors.ts";
import { applyMetadata } from "../core/params.ts";
import type { Ctx } from "../core/types.ts";
import { previousAttributes } from "../core/util.ts";
import { getCustomer } from "../resources/customers.ts";
import { clockOf, idOf } from "../core/util.ts";
import {
  buildPhases,
  phaseObject,
  type PhaseInput,
  type ProrationBehavior,
} from "./schedule-phases.ts";
import { cancelNow } from "./subscriptions/cancel.ts";
import { getSubscription, periodOf, saveSubscription } from "./subscriptions/state.ts";
import { scheduleSubscriptionJobs } from "./subscriptions/jobs.ts";
import {
  applyPhase,
  collectionOf,
  defaultSettings,
  endSchedule,
  ENDED_SUB,
  getSchedule,
  LIVE,
  liveSubscription,
  newSchedule,
  saveSchedule,
  scheduleJobs,
  startSchedule,
  syncCancelAt,
  type DefaultSettingsInput,
  type EndBehavior,
  type Schedule,
} from "./schedule-lifecycle.ts";

/**
 * Subscription schedules: a schedule owns a subscription and changes it phase by phase
 * (`subscription_schedule.advance` jobs at each phase end, on the customer's test clock),
 * then releases or cancels it (`end_behavior`).
 */

/** `from_subscription`: one phase mirroring the subscription's current period and items. */
export function createFromSubscription(
  ctx: Ctx,
  subscriptionId: string,
  metadata: Record<string, string> | null | undefined,
): Schedule {
  const sub = getSubscription(ctx, subscriptionId, "from_subscription");
  if (sub.schedule)
    throw invalidParam(
      "from_subscription",
      `You cannot migrate a subscription that is already attached to a schedule: \`${idOf(sub.schedule)}\`.`,
    );
  if (ENDED_SUB.has(sub.status))
    throw invalidParam(
      "from_subscription",
      `You cannot create a subscription schedule from a subscription with status \`${sub.status}\`.`,
    );
  const now = ctx.clockNow(clockOf(sub));
  const period = periodOf(sub);
  // A subscription already set to cancel keeps that cancellation as the schedule's end.
  const cancels = sub.cancel_at !== null && sub.cancel_at > now;
  const phase = phaseObject({
    start: period.start,
    end: cancels ? Math.min(sub.cancel_at as number, period.end) : period.end,
    currency: sub.currency,
    items: sub.items.data.map((i) => ({
      price: i.price,
      quantity: i.quantity ?? 1,
      metadata: { ...i.metadata },
    })),
    prorationBehavior: "create_prorations",
    billingCycleAnchor: null,
    collectionMethod: null,
    defaultPaymentMethod: null,
    description: null,
    metadata: {},
    trialEnd: sub.status === "trialing" ? sub.trial_end : null,
  });
  const customer = getCustomer(ctx, idOf(sub.customer));
  const schedule: Schedule = {
    ...newSchedule(ctx, customer, {
      phases: [phase],
      end_behavior: cancels ? "cancel" : "release",
      metadata: applyMetadata({}, metadata),
      default_settings: defaultSettings({
        collection_method: collectionOf(sub.collection_method),
        default_payment_method: sub.default_payment_method
          ? idOf(sub.default_payment_method)
          : undefined,
        description: sub.description,
        days_until_due: sub.days_until_due ?? undefined,
      }),
    }),
    status: "active",
    subscription: sub.id,
    current_phase: { start_date: phase.start_date, end_date: phase.end_date },
  };
  ctx.store.insert(schedule);
  ctx.emit("subscription_schedule.created", schedule);
  saveSubscription(ctx, sub, { ...sub, schedule: schedule.id });
  scheduleJobs(ctx, schedule);
  return schedule;
}

/** `customer` + `phases`: starts now (creating the subscription) or waits `not_started`. */
export function createWithPhases(
  ctx: Ctx,
  input: {
    customer: string;
    phases: PhaseInput[];
    startDate: number | "now" | undefined;
    endBehavior: EndBehavior | undefined;
    metadata: Record<string, string> | null | undefined;
    defaultSettings: DefaultSettingsInput;
  },
): Schedule {
  const customer = getCustomer(ctx, input.customer, "customer");
  const now = ctx.clockNow(clockOf(customer));
  const start = input.startDate === undefined || input.startDate === "now" ? now : input.startDate;
  if (start < now)
    throw invalidParam(
      "start_date",
      "Backdating a subscription schedule (a start_date in the past) is not emulated; use `now` or a future time.",
    );
  const phases = buildPhases(ctx, input.phases, { now, defaultStart: start, param: "phases" });
  const ds = input.defaultSettings;
  if (ds.collection_method === "send_invoice" && ds.days_until_due === undefined)
    throw missingParam("default_settings[invoice_settings][days_until_due]");
  const schedule = newSchedule(ctx, customer, {
    phases,
    end_behavior: input.endBehavior ?? "release",
    metadata: applyMetadata({}, input.metadata),
    default_settings: defaultSettings(input.defaultSettings),
  });
  ctx.store.insert(schedule);
  if (start <= now) {
    // Starting now: the subscription (and its first invoice) exist before the created event.
    startSchedule(ctx, schedule, false);
    syncCancelAt(ctx, getSchedule(ctx, schedule.id));
    ctx.emit("subscription_schedule.created", getSchedule(ctx, schedule.id));
  } else {
    ctx.emit("subscription_schedule.created", schedule);
  }
  const stored = getSchedule(ctx, schedule.id);
  scheduleJobs(ctx, stored);
  return stored;
}

export interface UpdateScheduleInput {
  phases?: PhaseInput[] | undefined;
  end_behavior?: EndBehavior | undefined;
  metadata?: Record<string, string> | null | undefined;
  proration_behavior?: ProrationBehavior | undefined;
  default_settings?: DefaultSettingsInput | undefined;
}

/**
 * New `phases` for a schedule, as an update would store them: past phases may be omitted
 * (they are kept), and the phase running now must keep its start_date.
 */
export function replacePhases(
  ctx: Ctx,
  s: Schedule,
  inputs: PhaseInput[],
  param: string,
): Pick<Schedule, "phases" | "current_phase"> {
  const now = ctx.clockNow(clockOf(s));
  const current = s.status === "active" ? s.current_phase : null;
  const built = buildPhases(ctx, inputs, {
    now,
    currency: liveSubscription(ctx, s)?.currency,
    pastBefore: current?.start_date,
    param,
  });
  if (!current) return { phases: built, current_phase: null };
  const live = built.find((ph) => ph.end_date > current.start_date);
  if (!live || live.start_date !== current.start_date)
    throw invalidRequest("You can not modify the start date of the current phase.", {
      param: `${param}[0][start_date]`,
    });
  const past = s.phases.filter((ph) => ph.end_date <= current.start_date);
  return {
    phases: [...past, ...built.filter((ph) => ph.end_date > current.start_date)],
    current_phase: { start_date: live.start_date, end_date: live.end_date },
  };
}

function mustBeLive(s: Schedule, verb: string): void {
  if (!LIVE.has(s.status))
    throw invalidRequest(
      `You cannot ${verb} a subscription schedule that is currently in the \`${s.status}\` status. It must be in \`not_started\` or \`active\`.`,
    );
}

/**
 * `POST /v1/subscription_schedules/:id`. `phases` replaces the future (past phases can be
 * omitted and are kept); the current phase keeps its start, and a change to its items
 * applies to the subscription now with `proration_behavior`.
 */
export function updateSchedule(ctx: Ctx, id: string, p: UpdateScheduleInput): Schedule {
  const s = getSchedule(ctx, id);
  mustBeLive(s, "update");
  const next: Schedule = { ...s };
  if (p.phases) Object.assign(next, replacePhases(ctx, s, p.phases, "phases"));
  if (p.end_behavior !== undefined) next.end_behavior = p.end_behavior;
  if (p.metadata !== undefined) next.metadata = applyMetadata(s.metadata, p.metadata);
  if (p.default_settings !== undefined) {
    const ds = s.default_settings;
    next.default_settings = defaultSettings({
      collection_method: p.default_settings.collection_method ?? collectionOf(ds.collection_method),
      default_payment_method:
        p.default_settings.default_payment_method ??
        (ds.default_payment_method ? idOf(ds.default_payment_method) : undefined),
      description:
        p.default_settings.description !== undefined
          ? p.default_settings.description
          : ds.description,
      days_until_due:
        p.default_settings.days_until_due ?? ds.invoice_settings.days_until_due ?? undefined,
    });
  }
  ctx.store.update(next);
  const sub = liveSubscription(ctx, next);
  const livePhase = next.phases.find((ph) => ph.start_date === next.current_phase?.start_date);
  if (sub && livePhase && p.phases)
    applyPhase(ctx, sub, livePhase, p.proration_behavior ?? "create_prorations");
  syncCancelAt(ctx, next);
  const stored = getSchedule(ctx, id);
  const prev = previousAttributes(s, stored);
  if (prev) ctx.emit("subscription_schedule.updated", stored, prev);
  // A phase that now ends (`end_date: now`) or starts now takes effect at once.
  advanceSchedule(ctx, id);
  return getSchedule(ctx, id);
}

/** `POST …/release` (and `end_behavior: release` at the end): the subscription runs on alone. */
export function releaseSchedule(
  ctx: Ctx,
  id: string,
  options: { preserveCancelDate?: boolean | undefined } = {},
): Schedule {
  const s = getSchedule(ctx, id);
  mustBeLive(s, "release");
  const sub = liveSubscription(ctx, s);
  if (sub) {
    let next: Stripe.Subscription = { ...sub, schedule: null };
    if (!options.preserveCancelDate && s.end_behavior === "cancel" && sub.cancel_at !== null) {
      next = {
        ...next,
        cancel_at: null,
        cancel_at_period_end: false,
        canceled_at: null,
        ...(next.cancellation_details
          ? { cancellation_details: { ...next.cancellation_details, reason: null } }
          : {}),
      };
    }
    saveSubscription(ctx, sub, next);
    scheduleSubscriptionJobs(ctx, next);
  }
  const next: Schedule = {
    ...s,
    status: "released",
    released_at: ctx.clockNow(clockOf(s)),
    released_subscription: s.subscription ? idOf(s.subscription) : null,
    subscription: null,
    current_phase: null,
  };
  ctx.store.update(next);
  scheduleJobs(ctx, next);
  ctx.emit("subscription_schedule.released", next, previousAttributes(s, next));
  return next;
}

/** `POST …/cancel`: cancels the subscription now (final invoice, proration per the options). */
export function cancelSchedule(
  ctx: Ctx,
  id: string,
  options: { invoiceNow?: boolean | undefined; prorate?: boolean | undefined },
): Schedule {
  const s = getSchedule(ctx, id);
  mustBeLive(s, "cancel");
  const sub = liveSubscription(ctx, s);
  // Canceling the subscription ends the schedule through the onEnded hook below.
  if (sub)
    cancelNow(ctx, sub, {
      invoiceNow: options.invoiceNow ?? true,
      prorate: options.prorate ?? true,
      reason: "cancellation_requested",
    });
  const after = getSchedule(ctx, id);
  return after.status === "canceled"
    ? after
    : endSchedule(ctx, after, "subscription_schedule.canceled");
}

/**
 * Moves a schedule through every phase boundary up to `at` (default: its clock's now):
 * starts a `not_started` schedule, applies each next phase, and at the end of the last
 * phase releases or cancels.
 */
export function advanceSchedule(ctx: Ctx, id: string, at?: number): void {
  for (let guard = 0; guard < 100; guard++) {
    const s = ctx.store.getTyped<Schedule>("subscription_schedule", id);
    if (!s || !LIVE.has(s.status)) return;
    const now = at ?? ctx.clockNow(clockOf(s));
    if (s.status === "not_started") {
      const first = s.phases[0];
      if (!first || first.start_date > now) break;
      startSchedule(ctx, s, true);
      syncCancelAt(ctx, getSchedule(ctx, id));
      continue;
    }
    const current = s.current_phase;
    if (!current || current.end_date > now) break;
    const index = s.phases.findIndex((ph) => ph.start_date === current.start_date);
    const nextPhase = s.phases[index + 1];
    const sub = liveSubscription(ctx, s);
    if (!nextPhase) {
      if (s.end_behavior === "cancel" && sub) {
        cancelNow(ctx, sub, { reason: "cancellation_requested", invoicePending: true });
        const after = getSchedule(ctx, id);
        if (after.status !== "canceled") endSchedule(ctx, after, "subscription_schedule.canceled");
      } else if (s.end_behavior === "cancel") {
        endSchedule(ctx, s, "subscription_schedule.canceled");
      } else {
        releaseSchedule(ctx, id);
      }
      return;
    }
    if (sub) applyPhase(ctx, sub, nextPhase, nextPhase.proration_behavior as ProrationBehavior);
    saveSchedule(ctx, getSchedule(ctx, id), {
      ...getSchedule(ctx, id),
      current_phase: { start_date: nextPhase.start_date, end_date: nextPhase.end_date },
    });
  }
  const final = ctx.store.getTyped<Schedule>("subscription_schedule", id);
  if (final) scheduleJobs(ctx, final);
}

/** `subscription_schedule.expiring`, seven days before the last phase ends. */
export function runExpiring(ctx: Ctx, id: string, end: number): void {
  const s = ctx.store.getTyped<Schedule>("subscription_schedule", id);
  if (!s || !LIVE.has(s.status) || s.phases[s.phases.length - 1]?.end_date !== end) return;
  ctx.emit("subscription_schedule.expiring", s);
}

/** A renewal first applies the phase that starts at that period end. */
export function advanceOnRenewal(ctx: Ctx, sub: Stripe.Subscription, periodEnd: number): void {
  if (sub.schedule) advanceSchedule(ctx, idOf(sub.schedule), periodEnd);
}

/**
 * A subscription that ends (canceled via the API, dunning, customer deletion) ends its
 * schedule; ending for non-payment is an abort.
 */
export function endWithSubscription(ctx: Ctx, sub: Stripe.Subscription): void {
  if (!sub.schedule) return;
  const s = ctx.store.getTyped<Schedule>("subscription_schedule", idOf(sub.schedule));
  if (!s || !LIVE.has(s.status)) return;
  endSchedule(
    ctx,
    s,
    sub.cancellation_details?.reason === "payment_failed"
      ? "subscription_schedule.aborted"
      : "subscription_schedule.canceled",
  );
}

/** Schedules that have not started yet go with their deleted customer. */
export function cancelUnstartedSchedules(ctx: Ctx, customer: Stripe.Customer): void {
  for (const s of ctx.store.list<Schedule>("subscription_schedule", { customer: customer.id })) {
    if (s.status === "not_started") endSchedule(ctx, s, "subscription_schedule.canceled");
  }
}
