import type Stripe from "stripe";
import { z } from "zod";
import { DomainError } from "../errors.ts";
import { callStripe } from "../stripe-errors.ts";
import { attemptIdSchema, storeForCustomer, type CustomerCommandDeps } from "./command.ts";
import { currentSubscription, type CurrentSubscription } from "./overview.ts";

/** Stripe's `cancellation_details.feedback` values, in the order the survey lists them. */
export const CANCELLATION_FEEDBACK = [
  "too_expensive",
  "missing_features",
  "switched_service",
  "unused",
  "customer_service",
  "too_complex",
  "low_quality",
  "other",
] as const satisfies readonly Stripe.SubscriptionUpdateParams.CancellationDetails.Feedback[];
export type CancellationFeedback = (typeof CANCELLATION_FEEDBACK)[number];

export const cancelInput = z.object({
  attemptId: attemptIdSchema,
  feedback: z.enum(CANCELLATION_FEEDBACK, { message: "Choose a reason from the list." }),
  comment: z
    .string()
    .trim()
    .max(500, { message: "Keep the comment under 500 characters." })
    .optional()
    .transform((c) => (c ? c : undefined)),
});
export const resumeInput = z.object({ attemptId: attemptIdSchema });

// Statuses a customer may end at the period's end (an incomplete one has no period yet).
const CANCELABLE = ["active", "trialing", "past_due", "unpaid", "paused"];

async function liveSubscriptionOf(deps: CustomerCommandDeps): Promise<CurrentSubscription> {
  const sub = await currentSubscription(deps, deps.actor.userId);
  if (!sub) throw new DomainError("NOT_FOUND", "You have no subscription to change.");
  return sub;
}

function endOf(sub: { cancelAt: Date | null; currentPeriodEnd: Date | null }): Date | null {
  return sub.cancelAt ?? sub.currentPeriodEnd;
}

const stateOf = (s: Stripe.Subscription | CurrentSubscription) =>
  "object" in s
    ? { cancelAtPeriodEnd: s.cancel_at_period_end, cancelAt: s.cancel_at }
    : {
        cancelAtPeriodEnd: s.cancelAtPeriodEnd,
        cancelAt: s.cancelAt ? Math.floor(s.cancelAt.getTime() / 1000) : null,
      };

/**
 * Sets the caller's subscription to end at the end of the current period, with the reason they
 * gave (Stripe's cancellation feedback). Access continues until then. Already set to end: nothing
 * changes (a second click is a no-op); the same attempt id replays Stripe's first answer.
 */
export async function cancelSubscriptionAtPeriodEnd(
  deps: CustomerCommandDeps,
  input: z.input<typeof cancelInput>,
): Promise<{ endsAt: Date | null }> {
  const { attemptId, feedback, comment } = cancelInput.parse(input);
  const sub = await liveSubscriptionOf(deps);
  if (sub.cancelAtPeriodEnd || sub.cancelAt) return { endsAt: endOf(sub) };
  if (!CANCELABLE.includes(sub.status)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This subscription has not started yet (its first payment is not complete), so there is nothing to cancel at the period's end.",
    );
  }
  if (sub.scheduleId) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "You have a plan change scheduled. Cancel that change on the Change plan page first, then cancel your subscription.",
    );
  }
  const updated = await callStripe("cancel your subscription", () =>
    deps.stripe.subscriptions.update(
      sub.id,
      {
        cancel_at_period_end: true,
        cancellation_details: { feedback, comment: comment ?? "" },
      },
      { idempotencyKey: `folio-cancel-${deps.actor.userId}-${attemptId}` },
    ),
  );
  await storeForCustomer(deps, updated, {
    audit: {
      action: "subscription.cancel_scheduled",
      target: `subscription:${sub.id}`,
      before: stateOf(sub),
      after: { ...stateOf(updated), feedback, comment: comment ?? null },
      reason: comment ?? feedback,
    },
  });
  return {
    endsAt: updated.cancel_at ? new Date(updated.cancel_at * 1000) : endOf(sub),
  };
}

/**
 * Takes back a scheduled cancellation before the period ends: the subscription renews as before.
 * Not set to end: nothing changes.
 */
export async function resumeSubscription(
  deps: CustomerCommandDeps,
  input: z.input<typeof resumeInput>,
): Promise<{ resumed: boolean }> {
  const { attemptId } = resumeInput.parse(input);
  const sub = await liveSubscriptionOf(deps);
  if (!sub.cancelAtPeriodEnd && !sub.cancelAt) return { resumed: false };
  const updated = await callStripe("resume your subscription", () =>
    deps.stripe.subscriptions.update(
      sub.id,
      // cancel_at covers a cancellation set for a date rather than the period's end.
      sub.cancelAtPeriodEnd ? { cancel_at_period_end: false } : { cancel_at: "" },
      { idempotencyKey: `folio-resume-${deps.actor.userId}-${attemptId}` },
    ),
  );
  await storeForCustomer(deps, updated, {
    audit: {
      action: "subscription.resumed",
      target: `subscription:${sub.id}`,
      before: stateOf(sub),
      after: stateOf(updated),
    },
  });
  return { resumed: true };
}
