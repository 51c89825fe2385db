import type Stripe from "stripe";
import type { Ctx } from "../../core/types.ts";
import { clockOf } from "../../core/util.ts";
import { getBillingSettings } from "../settings.ts";
import { periodOf } from "./state.ts";

/** The time-driven jobs of a subscription (renewal, trial end notice, cancel_at…). */

export function jobId(kind: string, id: string): string {
  return `${kind}:${id}`;
}

/** (Re)schedules every time-driven job of a subscription from its current state. */
export function scheduleSubscriptionJobs(ctx: Ctx, sub: Stripe.Subscription): void {
  const clockId = clockOf(sub);
  const settings = getBillingSettings(ctx);
  for (const kind of [
    "billing.cycle",
    "billing.trial_will_end",
    "billing.upcoming",
    "billing.cancel_at",
    "billing.incomplete_expire",
  ]) {
    ctx.unschedule(jobId(kind, sub.id));
  }
  if (sub.status === "canceled" || sub.status === "incomplete_expired") return;
  const now = ctx.clockNow(clockId);
  if (sub.status === "incomplete") {
    ctx.schedule({
      id: jobId("billing.incomplete_expire", sub.id),
      kind: "billing.incomplete_expire",
      runAt: sub.created + settings.incompleteExpiresAfter,
      clockId,
      payload: { subscription: sub.id },
    });
    return;
  }
  if (sub.status === "paused") return;
  const { end } = periodOf(sub);
  ctx.schedule({
    id: jobId("billing.cycle", sub.id),
    kind: "billing.cycle",
    runAt: end,
    clockId,
    payload: { subscription: sub.id, periodEnd: end },
  });
  if (sub.status === "trialing" && sub.trial_end !== null) {
    const at = sub.trial_end - settings.trialWillEndBefore;
    if (at > now) {
      ctx.schedule({
        id: jobId("billing.trial_will_end", sub.id),
        kind: "billing.trial_will_end",
        runAt: at,
        clockId,
        payload: { subscription: sub.id, trialEnd: sub.trial_end },
      });
    }
  }
  if (settings.upcomingInvoiceBefore > 0 && sub.cancel_at === null) {
    const at = end - settings.upcomingInvoiceBefore;
    if (at > now) {
      ctx.schedule({
        id: jobId("billing.upcoming", sub.id),
        kind: "billing.upcoming",
        runAt: at,
        clockId,
        payload: { subscription: sub.id, periodEnd: end },
      });
    }
  }
  if (sub.cancel_at !== null && sub.cancel_at < end) {
    ctx.schedule({
      id: jobId("billing.cancel_at", sub.id),
      kind: "billing.cancel_at",
      runAt: Math.max(sub.cancel_at, now),
      clockId,
      payload: { subscription: sub.id, at: sub.cancel_at },
    });
  }
}
