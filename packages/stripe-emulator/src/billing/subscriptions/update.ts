import type Stripe from "stripe";
import { invalidParam, invalidRequest, missingParam } from "../../core/errors.ts";
import { applyMetadata } from "../../core/params.ts";
import type { Ctx } from "../../core/types.ts";
import { clockOf, idOf } from "../../core/util.ts";
import type { SubscriptionUpdate } from "../../resources/subscriptions/params.ts";
import { discountIdsFor, resolveDiscountParams } from "../discounts.ts";
import { paymentMethodUsable } from "../payments.ts";
import { jobsAfterUpdate, updateInvoice } from "./update-invoice.ts";
import { planChange, type PlannedChange } from "./plan-change.ts";
import { recordMeteredFrom } from "../meters/lines.ts";
import { createInvoiceItems, oneOffLines, type OneOffItem } from "./prorations.ts";
import { getSubscription, periodOf, saveSubscription } from "./state.ts";

/**
 * `POST /v1/subscriptions/:id`. Prorations become pending invoice items
 * (`create_prorations`), an immediate `subscription_update` invoice (`always_invoice`, or
 * any billing-period reset), or nothing (`none`).
 */
export type UpdateInput = Omit<SubscriptionUpdate, "add_invoice_items"> & {
  add_invoice_items?: OneOffItem[] | undefined;
};

/** The checks that need the subscription but change nothing, in Stripe's order. */
function checkUpdate(ctx: Ctx, sub: Stripe.Subscription, p: UpdateInput, now: number): void {
  const ended = sub.status === "canceled" || sub.status === "incomplete_expired";
  if (ended) {
    const allowed = new Set(["metadata", "cancellation_details"]);
    const bad = Object.keys(p).find(
      (k) => !allowed.has(k) && (p as Record<string, unknown>)[k] !== undefined,
    );
    if (bad)
      throw invalidRequest(
        "A canceled subscription can only update its cancellation_details and metadata.",
        { param: bad },
      );
  }
  if (sub.schedule && !ended && (p.cancel_at_period_end !== undefined || p.cancel_at !== undefined))
    throw invalidRequest(
      `The subscription is managed by the subscription schedule \`${idOf(sub.schedule)}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
      { param: p.cancel_at_period_end !== undefined ? "cancel_at_period_end" : "cancel_at" },
    );
  if (
    p.default_payment_method &&
    !paymentMethodUsable(ctx, p.default_payment_method, idOf(sub.customer))
  ) {
    throw invalidParam(
      "default_payment_method",
      `The customer does not have a payment method with the ID ${p.default_payment_method}. The payment method must be attached to the customer.`,
      "resource_missing",
    );
  }
  if (p.cancel_at !== undefined && p.cancel_at !== null && p.cancel_at <= now)
    throw invalidParam("cancel_at", "cancel_at must be in the future.");
  if (p.cancel_at_period_end && p.cancel_at !== undefined && p.cancel_at !== null)
    throw invalidRequest(
      "You may only specify one of these parameters: cancel_at, cancel_at_period_end.",
      { code: "parameters_exclusive", param: "cancel_at" },
    );
  if (
    p.collection_method === "send_invoice" &&
    p.days_until_due === undefined &&
    sub.days_until_due === null
  )
    throw missingParam("days_until_due");
  if (
    p.payment_behavior === "pending_if_incomplete" &&
    (p.metadata !== undefined || p.cancel_at_period_end !== undefined)
  )
    throw invalidRequest(
      "payment_behavior=pending_if_incomplete only supports changes to items, proration and trial_end.",
      { param: "payment_behavior" },
    );
}

/** The plain settings an update sets: metadata, payment and collection, trial, pause. */
function applySettings(
  sub: Stripe.Subscription,
  p: UpdateInput,
  plan: PlannedChange | null,
  now: number,
): Stripe.Subscription {
  const next: Stripe.Subscription = { ...sub };
  if (plan) {
    next.items = { ...sub.items, data: plan.items };
    next.billing_cycle_anchor = plan.anchor;
    next.trial_end = plan.trialEnd;
    if (plan.endsTrial) next.status = "active";
    else if (p.trial_end !== undefined && p.trial_end !== "now") {
      next.status = "trialing";
      next.trial_start = sub.trial_start ?? now;
    }
  }
  if (p.metadata !== undefined) next.metadata = applyMetadata(sub.metadata, p.metadata);
  if (p.description !== undefined) next.description = p.description;
  if (p.default_payment_method !== undefined)
    next.default_payment_method = p.default_payment_method;
  if (p.collection_method !== undefined) next.collection_method = p.collection_method;
  if (p.days_until_due !== undefined) next.days_until_due = p.days_until_due;
  if (p.collection_method === "charge_automatically") next.days_until_due = null;
  if (p.trial_settings)
    next.trial_settings = {
      end_behavior: { billing_cycle_anchor: null, ...p.trial_settings.end_behavior },
    };
  if (p.pause_collection !== undefined)
    next.pause_collection =
      p.pause_collection === null
        ? null
        : {
            behavior: p.pause_collection.behavior,
            resumes_at: p.pause_collection.resumes_at ?? null,
          };
  return next;
}

/** cancellation_details, cancel_at_period_end and cancel_at, applied to `next`. */
function applyCancellation(
  sub: Stripe.Subscription,
  next: Stripe.Subscription,
  p: UpdateInput,
  plan: PlannedChange | null,
  now: number,
): void {
  if (p.cancellation_details !== undefined) {
    next.cancellation_details = {
      comment:
        p.cancellation_details.comment !== undefined
          ? p.cancellation_details.comment
          : (sub.cancellation_details?.comment ?? null),
      feedback:
        p.cancellation_details.feedback !== undefined
          ? p.cancellation_details.feedback
          : (sub.cancellation_details?.feedback ?? null),
      feedback_option: sub.cancellation_details?.feedback_option ?? null,
      reason: sub.cancellation_details?.reason ?? null,
    };
  }
  const periodEnd = plan ? plan.period.end : periodOf(sub).end;
  const requested = () => ({
    ...(next.cancellation_details ?? { comment: null, feedback: null, feedback_option: null }),
    reason: "cancellation_requested" as const,
  });
  if (p.cancel_at_period_end === true) {
    next.cancel_at_period_end = true;
    next.cancel_at = periodEnd;
    next.canceled_at = now;
    next.cancellation_details = requested();
  } else if (p.cancel_at_period_end === false || p.cancel_at === null) {
    next.cancel_at_period_end = false;
    next.cancel_at = null;
    next.canceled_at = null;
    if (next.cancellation_details)
      next.cancellation_details = { ...next.cancellation_details, reason: null };
  }
  if (p.cancel_at !== undefined && p.cancel_at !== null) {
    next.cancel_at = p.cancel_at;
    next.cancel_at_period_end = false;
    next.canceled_at = now;
    next.cancellation_details = requested();
  } else if (plan?.reset && next.cancel_at_period_end) {
    next.cancel_at = periodEnd;
  }
}

export function updateSubscription(ctx: Ctx, id: string, p: UpdateInput): Stripe.Subscription {
  const sub = getSubscription(ctx, id, "id");
  const ended = sub.status === "canceled" || sub.status === "incomplete_expired";
  const now = ctx.clockNow(clockOf(sub));
  checkUpdate(ctx, sub, p, now);
  const plan = ended ? null : planChange(ctx, sub, p, { register: true });
  const resolved = p.discounts
    ? resolveDiscountParams(ctx, p.discounts, {
        customer: idOf(sub.customer),
        currency: sub.currency,
        param: "discounts",
      })
    : p.discounts === null
      ? []
      : null;
  const next = applySettings(sub, p, plan, now);
  applyCancellation(sub, next, p, plan, now);
  if (resolved) {
    next.discounts = discountIdsFor(ctx, resolved, {
      customer: idOf(sub.customer),
      subscription: sub.id,
      start: now,
    });
  }
  const oneOff = p.add_invoice_items
    ? oneOffLines(ctx, p.add_invoice_items, sub.currency, "add_invoice_items")
    : [];
  const immediate =
    plan !== null &&
    (plan.reset || (plan.behavior === "always_invoice" && plan.prorations.length > 0));
  if (oneOff.length > 0) createInvoiceItems(ctx, next, oneOff);
  if (plan && plan.prorations.length > 0) {
    createInvoiceItems(ctx, next, plan.prorations);
  }
  for (const m of plan?.meteredFrom ?? []) recordMeteredFrom(ctx, m.item, m);
  ctx.store.update(next);
  if (!immediate || !plan) {
    saveSubscription(ctx, sub, next);
    return jobsAfterUpdate(ctx, sub.id);
  }
  return updateInvoice(ctx, { sub, next, plan, p, now });
}
