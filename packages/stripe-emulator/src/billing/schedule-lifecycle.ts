import type Stripe from "stripe";
import type { Ctx } from "../core/types.ts";
import { isDeleted, mustGet, previousAttributes } from "../core/util.ts";
import { getCustomer } from "../resources/customers.ts";
import { clockOf, idOf } from "../core/util.ts";
import { itemsForPhase, type ProrationBehavior } from "./schedule-phases.ts";
import { createSubscription } from "./subscriptions/create.ts";
import { saveSubscription } from "./subscriptions/state.ts";
import { scheduleSubscriptionJobs } from "./subscriptions/jobs.ts";
import { updateSubscription } from "./subscriptions/update.ts";

/**
 * The building blocks of a subscription schedule's life, shared by the API commands and the
 * phase-advancing job in `schedules.ts`: the stored object, starting it, making the
 * subscription match a phase, ending it, and its time-driven jobs.
 */

export type Schedule = Stripe.SubscriptionSchedule;
export type EndBehavior = "cancel" | "release";

export interface DefaultSettingsInput {
  collection_method?: "charge_automatically" | "send_invoice" | undefined;
  default_payment_method?: string | undefined;
  description?: string | null | undefined;
  days_until_due?: number | undefined;
}

export const LIVE = new Set(["not_started", "active"]);
export const ENDED_SUB = new Set(["canceled", "incomplete_expired"]);
const EXPIRING_NOTICE = 7 * 86_400;

export function collectionOf(value: unknown): "charge_automatically" | "send_invoice" | undefined {
  return value === "charge_automatically" || value === "send_invoice" ? value : undefined;
}

export function getSchedule(ctx: Ctx, id: string, param = "id"): Schedule {
  return mustGet<Schedule>(ctx, "subscription_schedule", id, param, "subscription schedule");
}

export function liveSubscription(ctx: Ctx, s: Schedule): Stripe.Subscription | undefined {
  const id = s.subscription ? idOf(s.subscription) : "";
  const sub = id ? ctx.store.getTyped<Stripe.Subscription>("subscription", id) : undefined;
  return sub && !isDeleted(sub) && !ENDED_SUB.has(sub.status) ? sub : undefined;
}

export function saveSchedule(ctx: Ctx, before: Schedule, next: Schedule): Schedule {
  ctx.store.update(next);
  const prev = previousAttributes(before, next);
  if (prev) ctx.emit("subscription_schedule.updated", next, prev);
  return next;
}

export function defaultSettings(
  input: DefaultSettingsInput,
): Stripe.SubscriptionSchedule.DefaultSettings {
  return {
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: "automatic",
    billing_thresholds: null,
    collection_method: input.collection_method ?? "charge_automatically",
    default_payment_method: input.default_payment_method ?? null,
    description: input.description ?? null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      days_until_due: input.days_until_due ?? null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    on_behalf_of: null,
    transfer_data: null,
  };
}

export function newSchedule(
  ctx: Ctx,
  customer: Stripe.Customer,
  fields: Pick<Schedule, "phases" | "end_behavior" | "metadata" | "default_settings">,
): Schedule {
  return {
    id: ctx.ids.id("sub_sched"),
    object: "subscription_schedule",
    application: null,
    billing_mode: { flexible: null, type: "classic" },
    canceled_at: null,
    completed_at: null,
    created: ctx.clockNow(clockOf(customer)),
    current_phase: null,
    customer: customer.id,
    customer_account: null,
    livemode: false,
    pause_schedules: [],
    released_at: null,
    released_subscription: null,
    status: "not_started",
    subscription: null,
    test_clock: clockOf(customer),
    ...fields,
  };
}

/**
 * The first phase begins: its subscription is created — by the create request (`later`
 * false: the created event follows) or when `start_date` comes (`subscription_schedule.updated`).
 */
export function startSchedule(ctx: Ctx, s: Schedule, later: boolean): void {
  const phase = s.phases[0] as Stripe.SubscriptionSchedule.Phase;
  const ds = s.default_settings;
  const collection = collectionOf(phase.collection_method ?? ds.collection_method);
  const pm = phase.default_payment_method ?? ds.default_payment_method;
  // Started by the clock, nobody is there to answer an error: without a card the new
  // subscription waits `incomplete` with its open first invoice instead.
  const hasCard = Boolean(
    pm || getCustomer(ctx, idOf(s.customer)).invoice_settings?.default_payment_method,
  );
  const { subscription } = createSubscription(ctx, {
    ...(later && !hasCard ? { paymentBehavior: "default_incomplete" as const } : {}),
    customer: idOf(s.customer),
    items: phase.items.map((it) => ({
      price: idOf(it.price),
      quantity: it.quantity,
      metadata: it.metadata,
    })),
    defaultPaymentMethod: pm ? idOf(pm) : undefined,
    collectionMethod: collection,
    daysUntilDue:
      collection === "send_invoice" ? (ds.invoice_settings.days_until_due ?? undefined) : undefined,
    description: phase.description ?? ds.description ?? undefined,
    metadata: phase.metadata,
    billingCycleAnchor: undefined,
    paramPrefix: "phases[0]",
    schedule: s.id,
  });
  const next: Schedule = {
    ...s,
    status: "active",
    subscription: subscription.id,
    current_phase: { start_date: phase.start_date, end_date: phase.end_date },
  };
  if (later) saveSchedule(ctx, s, next);
  else ctx.store.update(next);
}

/**
 * Makes the subscription match a phase: items (an unchanged price keeps its item),
 * `billing_cycle_anchor: phase_start`, and the phase's metadata, payment method and
 * collection method — through the same update path as `subscriptions.update`.
 */
export function applyPhase(
  ctx: Ctx,
  sub: Stripe.Subscription,
  phase: Stripe.SubscriptionSchedule.Phase,
  proration: ProrationBehavior,
): void {
  const items = itemsForPhase(sub, phase);
  const resetAnchor = phase.billing_cycle_anchor === "phase_start";
  const metadata =
    phase.metadata && Object.keys(phase.metadata).length > 0 ? phase.metadata : undefined;
  const pm = phase.default_payment_method ? idOf(phase.default_payment_method) : undefined;
  // Switching to send_invoice would need days_until_due, which a phase does not carry.
  const collection =
    phase.collection_method === "charge_automatically"
      ? ("charge_automatically" as const)
      : undefined;
  if (!items && !resetAnchor && !metadata && !pm && !collection) return;
  updateSubscription(ctx, sub.id, {
    ...(items ? { items } : {}),
    ...(items || resetAnchor ? { proration_behavior: proration } : {}),
    ...(resetAnchor ? { billing_cycle_anchor: "now" as const } : {}),
    ...(metadata ? { metadata } : {}),
    ...(pm ? { default_payment_method: pm } : {}),
    ...(collection ? { collection_method: collection } : {}),
  });
}

/**
 * With `end_behavior: cancel` the subscription carries the schedule's end as `cancel_at`
 * (that is what `release(preserve_cancel_date)` keeps); otherwise the schedule sets none.
 */
export function syncCancelAt(ctx: Ctx, s: Schedule): void {
  const sub = liveSubscription(ctx, s);
  const last = s.phases[s.phases.length - 1];
  if (!sub || !last || s.status !== "active") return;
  const want = s.end_behavior === "cancel" ? last.end_date : null;
  if (sub.cancel_at === want) return;
  const details = sub.cancellation_details ?? {
    comment: null,
    feedback: null,
    feedback_option: null,
    reason: null,
  };
  const next: Stripe.Subscription = {
    ...sub,
    cancel_at: want,
    cancel_at_period_end: false,
    canceled_at: want === null ? null : ctx.clockNow(clockOf(sub)),
    cancellation_details: { ...details, reason: want === null ? null : "cancellation_requested" },
  };
  saveSubscription(ctx, sub, next);
  scheduleSubscriptionJobs(ctx, next);
}

export function endSchedule(
  ctx: Ctx,
  s: Schedule,
  event: "subscription_schedule.canceled" | "subscription_schedule.aborted",
): Schedule {
  const next: Schedule = {
    ...s,
    status: "canceled",
    canceled_at: ctx.clockNow(clockOf(s)),
    current_phase: null,
  };
  ctx.store.update(next);
  scheduleJobs(ctx, next);
  ctx.emit(event, next, previousAttributes(s, next));
  return next;
}

export function scheduleJobs(ctx: Ctx, s: Schedule): void {
  ctx.unschedule(`schedule.advance:${s.id}`);
  ctx.unschedule(`schedule.expiring:${s.id}`);
  if (!LIVE.has(s.status)) return;
  const clockId = clockOf(s);
  const runAt = s.status === "not_started" ? s.phases[0]?.start_date : s.current_phase?.end_date;
  if (runAt === undefined) return;
  ctx.schedule({
    id: `schedule.advance:${s.id}`,
    kind: "subscription_schedule.advance",
    runAt,
    clockId,
    payload: { schedule: s.id },
  });
  const end = s.phases[s.phases.length - 1]?.end_date ?? runAt;
  if (end - EXPIRING_NOTICE > ctx.clockNow(clockId)) {
    ctx.schedule({
      id: `schedule.expiring:${s.id}`,
      kind: "subscription_schedule.expiring",
      runAt: end - EXPIRING_NOTICE,
      clockId,
      payload: { schedule: s.id, end },
    });
  }
}
